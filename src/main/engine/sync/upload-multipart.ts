// Uploads a large file as a resumable multipart upload: Create (or resume what the state store and ListParts
// say is there, each reused part checked against the file's bytes), the missing parts, re-stat, Complete,
// HEAD, end-to-end verification. Every byte is read once and hashed at most once (multipart-parts.ts).
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand,
  type CompleteMultipartUploadCommandOutput, type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { appError, AppFailure } from '../../../shared/errors.js';
import { combineCrc64, crc64 } from '../s3/crc64.js';
import { responseInfo } from '../s3/response-info.js';
import {
  buffersFor, listServerParts, openForParts, partChecks, readExactly, sendParts, type PartChecks, type ServerPart,
} from './multipart-parts.js';
import { bareEtag, base64ToHex, isMultipartEtag, isPlainMd5Etag, objectMetadata } from './object-metadata.js';
import { isUsablePartSize, partCount, partRange, partSizeFor } from './part-size.js';
import type { UploadPart, UploadRecord } from './state-store.js';
import { createOnlyCondition, isTaken } from './upload-create-only.js';
import {
  assertUnchanged, badDigest, DEFAULT_PART_CONCURRENCY, etagIsNotMd5, isNoSuchUpload, isUploadGone, keyTaken, send, UploadStop,
  type FileFacts, type UploadDeps, type UploadJob, type UploadResult, type VerifiedBy,
} from './upload-support.js';

/** Waits before re-sending a Complete that came back as a 200 carrying an error. */
const COMPLETE_RETRY_MS = [250, 1000, 3000];

interface Session {
  uploadId: string;
  partSize: number;
  checks: PartChecks;
  /** Parts the service already has from an earlier run, checked against the file. */
  reused: UploadPart[];
}

const relKeyOf = (job: UploadJob) => job.relKey ?? job.key;
const md5Of = (data: Uint8Array) => createHash('md5').update(data).digest('base64');

/** Aborts the upload on the service (best effort: an orphan is found later by abortStaleUploads) and forgets it. */
async function abandon(job: UploadJob, deps: UploadDeps, uploadId: string): Promise<void> {
  deps.state.dropUpload(uploadId);
  try {
    await send(deps, new AbortMultipartUploadCommand({ Bucket: job.bucket, Key: job.key, UploadId: uploadId }));
  } catch (err) {
    if (deps.signal.aborted) throw err;
  }
}

/** A stored upload can go on only for the same object and the same file (size and mtime). */
function canResume(record: UploadRecord, job: UploadJob, file: FileFacts): boolean {
  return record.objectKey === job.key && record.size === file.size && record.mtimeMs === file.mtimeMs && isUsablePartSize(record.partSize, file.size);
}

/**
 * Whether the part the service holds is these bytes: by the hash we recorded when we sent it (CRC-64 or MD5),
 * else by its ETag when that is a plain MD5 (a part that arrived but was not recorded before a crash). The
 * part as reused carries what COS's final check needs (its CRC-64).
 */
function matchPart(n: number, data: Buffer, there: ServerPart, recorded: UploadPart | undefined, checks: PartChecks): UploadPart | undefined {
  const mine = recorded !== undefined && recorded.etag === there.etag ? recorded : undefined;
  let md5: string | undefined;
  if (mine?.crc64 !== undefined) {
    if (crc64(data) !== mine.crc64) return undefined;
  } else if (mine?.md5 !== undefined) {
    if ((md5 = md5Of(data)) !== mine.md5) return undefined;
  } else {
    if (!isPlainMd5Etag(there.etag) || base64ToHex((md5 = md5Of(data))) !== there.etag.toLowerCase()) return undefined;
  }
  const crc = mine?.crc64 ?? (checks.crc64 ? crc64(data) : undefined);
  return { partNumber: n, etag: there.etag, size: data.length, ...(md5 ?? mine?.md5 ? { md5: md5 ?? mine?.md5 } : {}), ...(crc ? { crc64: crc } : {}) };
}

/** Reads each part the service holds (one buffer, in order) and keeps those that match the file. */
async function checkServerParts(job: UploadJob, deps: UploadDeps, record: UploadRecord, size: number, onServer: Map<number, ServerPart>, checks: PartChecks): Promise<UploadPart[]> {
  const recorded = new Map(record.parts.map((p) => [p.partNumber, p]));
  const count = partCount(size, record.partSize);
  const candidates = [...onServer].filter(([n, there]) => n <= count && there.size === partRange(n, size, record.partSize).length).sort((a, b) => a[0] - b[0]);
  if (candidates.length === 0) return [];
  const buffers = buffersFor(deps, 1, record.partSize);
  const handle: FileHandle = await openForParts(job.localPath);
  const buffer = await buffers.acquire(record.partSize, deps.signal);
  try {
    const reused: UploadPart[] = [];
    for (const [n, there] of candidates) {
      deps.signal.throwIfAborted();
      const range = partRange(n, size, record.partSize);
      const data = buffer.subarray(0, range.length);
      await readExactly(handle, data, range.offset);
      const part = matchPart(n, data, there, recorded.get(n), checks);
      if (!part) continue; // sent again; uploading a part number again replaces it
      if (recorded.get(n)?.etag !== part.etag || recorded.get(n)?.crc64 !== part.crc64) deps.state.recordPart(record.uploadId, part);
      reused.push(part);
    }
    return reused;
  } finally {
    buffers.release(buffer);
    await handle.close();
  }
}

/** The parts of a stored upload the service still holds with the file's bytes; undefined when it is gone. */
async function reusableParts(job: UploadJob, deps: UploadDeps, record: UploadRecord, size: number, checks: PartChecks): Promise<UploadPart[] | undefined> {
  let onServer;
  try {
    onServer = await listServerParts(job, deps, record.uploadId);
  } catch (err) {
    if (!isUploadGone(err)) throw err;
    deps.state.dropUpload(record.uploadId);
    return undefined;
  }
  return checkServerParts(job, deps, record, size, onServer, checks);
}

async function create(job: UploadJob, deps: UploadDeps, file: FileFacts, partSize: number): Promise<string> {
  // `mtime` only: a whole-file MD5 for `md5chksum` would take a second pass over every byte before the first
  // part could go. The state store keeps what we verified (COS: the CRC-64), and COS answers HEAD with it.
  const command = new CreateMultipartUploadCommand({
    Bucket: job.bucket, Key: job.key, Metadata: objectMetadata({ mtimeMs: file.mtimeMs }),
  });
  const out = await send(deps, command);
  if (!out.UploadId) throw new AppFailure(appError('server-error', { detail: 'CreateMultipartUpload gave no upload id' }));
  const createdAtMs = (deps.now ?? Date.now)();
  const { size, mtimeMs, ino } = file;
  deps.state.beginUpload({ pairId: job.pairId, key: relKeyOf(job), objectKey: job.key, uploadId: out.UploadId, partSize, size, mtimeMs, ...(ino ? { ino } : {}), createdAtMs });
  return out.UploadId;
}

/** Resumes the stored upload of this file when it can, else starts one; `started` learns the id early. */
async function openSession(job: UploadJob, deps: UploadDeps, file: FileFacts, started: (id: string) => void): Promise<Session> {
  const checks = partChecks(deps);
  const previous = deps.state.findUpload(job.pairId, relKeyOf(job));
  const resumable = previous !== undefined && canResume(previous, job, file);
  if (previous && !resumable) await abandon(job, deps, previous.uploadId);
  if (resumable) {
    started(previous.uploadId); // a file that vanishes while its parts are checked takes it down
    const reused = await reusableParts(job, deps, previous, file.size, checks);
    if (reused) return { uploadId: previous.uploadId, partSize: previous.partSize, checks, reused };
  }
  const partSize = partSizeFor(file.size);
  const uploadId = await create(job, deps, file, partSize);
  started(uploadId);
  return { uploadId, partSize, checks, reused: [] };
}

/** SDKs miss some 200-with-<Error> answers (a trailing newline defeats the check): a result names the object. */
const isEmptyResult = (out: CompleteMultipartUploadCommandOutput) =>
  out.Location === undefined && out.Key === undefined && out.Bucket === undefined && out.ETag === undefined;

/**
 * Complete, re-sent after a 200 whose body was an error. Undefined on NoSuchUpload: an earlier attempt may have
 * completed it and lost the answer, so the HEAD that follows decides.
 */
async function complete(job: UploadJob, deps: UploadDeps, uploadId: string, parts: UploadPart[]): Promise<CompleteMultipartUploadCommandOutput | undefined> {
  const Parts = parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` }));
  for (let attempt = 0; ; attempt++) {
    let out: CompleteMultipartUploadCommandOutput;
    try {
      // The HEAD before Create checked the key was free; where the service honours a condition on Complete too
      // (S3, COS), nothing can slip in during the upload either. RGW 16 ignores it there (it does honour it on PUT).
      const { IfNoneMatch, headers } = job.createOnly && job.ifMatchEtag === undefined ? createOnlyCondition(deps.createOnly) : {};
      const command = new CompleteMultipartUploadCommand({ Bucket: job.bucket, Key: job.key, UploadId: uploadId, MultipartUpload: { Parts }, ...(IfNoneMatch ? { IfNoneMatch } : {}) });
      out = await send(deps, command, headers ? { headers } : {});
    } catch (err) {
      if (isNoSuchUpload(err)) return undefined;
      if (job.createOnly && job.ifMatchEtag === undefined && isTaken(err)) throw keyTaken(job);
      throw err;
    }
    if (!isEmptyResult(out)) return out;
    const delay = COMPLETE_RETRY_MS[attempt];
    const info = responseInfo(out);
    if (delay === undefined) {
      throw new AppFailure(appError('server-error', { detail: `CompleteMultipartUpload answered ${info?.status ?? 200} with an error body${info?.requestId ? `; request id ${info.requestId}` : ''}` }));
    }
    await sleep(delay, undefined, { signal: deps.signal });
  }
}

/** S3's multipart ETag: the MD5 of the parts' binary MD5s, then `-<count>`. */
function multipartEtag(parts: UploadPart[]): string | undefined {
  if (parts.some((p) => p.md5 === undefined)) return undefined;
  const md5 = createHash('md5');
  for (const p of parts) md5.update(Buffer.from(p.md5!, 'base64'));
  return `${md5.digest('hex')}-${parts.length}`;
}

/** The whole file's CRC-64 from its parts' (in order), when every part has one. */
function wholeCrc(parts: UploadPart[]): string | undefined {
  if (parts.length === 0 || parts.some((p) => p.crc64 === undefined)) return undefined;
  return parts.reduce((whole, p) => combineCrc64(whole, p.crc64!, p.size), '0');
}

/**
 * The object as completed must be ours: its size, then COS's CRC-64 against the parts' combined, or S3's
 * multipart ETag against the parts' MD5s; over plain HTTP elsewhere the service checked each part's signed
 * SHA-256, and the ETag must still name as many parts as we sent.
 */
function verifyObject(head: HeadObjectCommandOutput, completed: CompleteMultipartUploadCommandOutput | undefined, size: number, parts: UploadPart[], crc: string | undefined): VerifiedBy {
  const requestId = responseInfo(head)?.requestId;
  if (head.ContentLength !== size) throw badDigest('size of the object', String(size), String(head.ContentLength), requestId);
  const theirs = responseInfo(completed)?.crc64 ?? responseInfo(head)?.crc64;
  if (crc !== undefined && theirs !== undefined) {
    if (theirs !== crc) throw badDigest('CRC-64 of the object (combined from its parts)', crc, theirs, requestId);
    return 'crc64';
  }
  const etag = bareEtag(head.ETag);
  if (!isMultipartEtag(etag) || etagIsNotMd5(head)) return parts.some((p) => p.md5 !== undefined) ? 'md5' : 'sha256';
  const expected = multipartEtag(parts);
  if (expected === undefined) {
    if (!etag.endsWith(`-${parts.length}`)) throw badDigest('part count in the ETag of the object', String(parts.length), etag, requestId);
    return 'sha256';
  }
  if (etag.toLowerCase() !== expected) throw badDigest('multipart ETag of the object', expected, etag, requestId);
  return 'etag';
}

/** Sends what is missing, re-stats, completes and verifies; the stored upload is dropped once it is verified. */
async function finish(job: UploadJob, deps: UploadDeps, file: FileFacts, session: Session): Promise<UploadResult> {
  const { uploadId, partSize, checks, reused } = session;
  const have = new Set(reused.map((p) => p.partNumber));
  const todo = Array.from({ length: partCount(file.size, partSize) }, (_, i) => i + 1).filter((n) => !have.has(n));
  if (reused.length > 0) deps.onProgress?.(reused.reduce((sum, p) => sum + p.size, 0));
  const plan = { uploadId, size: file.size, partSize, checks, todo };
  const sent = await sendParts(job, deps, plan, deps.partConcurrency ?? DEFAULT_PART_CONCURRENCY);
  // Size, mtime and ctime as before the first read: any write since (even one that put the mtime back) moves the ctime.
  await assertUnchanged(job, file);
  const parts = [...reused, ...sent].sort((a, b) => a.partNumber - b.partNumber);
  const completed = await complete(job, deps, uploadId, parts);
  const head = await send(deps, new HeadObjectCommand({ Bucket: job.bucket, Key: job.key }));
  const crc = checks.crc64 ? wholeCrc(parts) : undefined;
  try {
    const verifiedBy = verifyObject(head, completed, file.size, parts, crc);
    return { status: 'uploaded', etag: bareEtag(head.ETag), size: file.size, ...(crc ? { crc64: crc } : {}), verifiedBy, parts: { total: parts.length, reused: reused.length } };
  } finally {
    deps.state.finishUpload(uploadId); // completed (or gone): nothing left to resume either way
  }
}

export async function uploadMultipart(job: UploadJob, deps: UploadDeps, file: FileFacts): Promise<UploadResult> {
  let uploadId: string | undefined;
  // A second round only when the service lost the upload mid-way (aborted by someone else): start over once.
  for (let round = 1; ; round++) {
    try {
      const session = await openSession(job, deps, file, (id) => (uploadId = id));
      return await finish(job, deps, file, session);
    } catch (err) {
      if (round === 1 && isNoSuchUpload(err) && uploadId !== undefined && !deps.signal.aborted) {
        await abandon(job, deps, uploadId); // normally gone already; if not, no orphan is left behind
        uploadId = undefined;
        continue;
      }
      // Failed for good (the file changed or vanished): abort. Anything else keeps the upload to resume.
      if (!(err instanceof UploadStop) || deps.signal.aborted) throw err;
      if (uploadId !== undefined) await abandon(job, deps, uploadId);
      return { status: err.outcome };
    }
  }
}
