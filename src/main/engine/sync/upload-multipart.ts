// Uploads a large file as a resumable multipart upload: hashing pass, Create (or resume what the state
// store and ListParts say is there), missing parts, re-stat, Complete, HEAD, end-to-end verification.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand,
  type CompleteMultipartUploadCommandOutput, type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { appError, AppFailure } from '../../../shared/errors.js';
import { responseInfo } from '../s3/response-info.js';
import { hashParts, type PartHashes } from './hash-parts.js';
import { listServerParts, sendParts } from './multipart-parts.js';
import { bareEtag, isMultipartEtag, META_MD5, objectMetadata } from './object-metadata.js';
import { isUsablePartSize, partCount, partSizeFor } from './part-size.js';
import type { UploadPart, UploadRecord } from './state-store.js';
import {
  assertUnchanged, badDigest, DEFAULT_PART_CONCURRENCY, etagIsNotMd5, isNoSuchUpload, isUploadGone, send, UploadStop,
  type FileFacts, type UploadDeps, type UploadJob, type UploadResult, type VerifiedBy,
} from './upload-support.js';

/** Waits before re-sending a Complete that came back as a 200 carrying an error. */
const COMPLETE_RETRY_MS = [250, 1000, 3000];

interface Session {
  uploadId: string;
  partSize: number;
  hashes: PartHashes;
  /** Parts the service already has from an earlier run, checked against the file. */
  reused: UploadPart[];
}

const relKeyOf = (job: UploadJob) => job.relKey ?? job.key;

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
 * The stored parts the service still holds with the same ETag and size, all of whose CRC-64 still match the
 * file; undefined when the upload must start over (gone from the service, or the file's bytes differ).
 */
async function reusableParts(job: UploadJob, deps: UploadDeps, record: UploadRecord, hashes: PartHashes): Promise<UploadPart[] | undefined> {
  let onServer;
  try {
    onServer = await listServerParts(job, deps, record.uploadId);
  } catch (err) {
    if (!isUploadGone(err)) throw err;
    deps.state.dropUpload(record.uploadId);
    return undefined;
  }
  const sameBytes = record.parts.every((p) => p.crc64 === undefined || p.crc64 === hashes.partCrcs[p.partNumber - 1]);
  if (!sameBytes) {
    await abandon(job, deps, record.uploadId); // its metadata carries the old MD5
    return undefined;
  }
  return record.parts.filter((p) => {
    const there = onServer.get(p.partNumber);
    return there !== undefined && there.etag === p.etag && there.size === p.size;
  });
}

async function create(job: UploadJob, deps: UploadDeps, file: FileFacts, partSize: number, hashes: PartHashes): Promise<string> {
  const command = new CreateMultipartUploadCommand({
    Bucket: job.bucket, Key: job.key, Metadata: objectMetadata({ mtimeMs: file.mtimeMs, md5: hashes.md5 }),
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
  const previous = deps.state.findUpload(job.pairId, relKeyOf(job));
  const resumable = previous !== undefined && canResume(previous, job, file);
  if (previous && !resumable) await abandon(job, deps, previous.uploadId);
  if (resumable) started(previous.uploadId); // a file that vanishes during the hashing pass takes it down
  const partSize = resumable ? previous.partSize : partSizeFor(file.size);
  const hashes = await hashParts(job.localPath, file.size, partSize, deps.signal);
  const reused = resumable ? await reusableParts(job, deps, previous, hashes) : undefined;
  if (reused) return { uploadId: previous!.uploadId, partSize, hashes, reused };
  const uploadId = await create(job, deps, file, partSize, hashes);
  started(uploadId);
  return { uploadId, partSize, hashes, reused: [] };
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
      out = await send(deps, new CompleteMultipartUploadCommand({ Bucket: job.bucket, Key: job.key, UploadId: uploadId, MultipartUpload: { Parts } }));
    } catch (err) {
      if (isNoSuchUpload(err)) return undefined;
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

/** The object as completed must be ours: size, our MD5 in its metadata, then COS's CRC-64 or S3's multipart ETag. */
function verifyObject(head: HeadObjectCommandOutput, completed: CompleteMultipartUploadCommandOutput | undefined, size: number, hashes: PartHashes, parts: UploadPart[]): VerifiedBy {
  const requestId = responseInfo(head)?.requestId;
  if (head.ContentLength !== size) throw badDigest('size of the object', String(size), String(head.ContentLength), requestId);
  const metaMd5 = head.Metadata?.[META_MD5];
  if (metaMd5 !== hashes.md5) throw badDigest('md5chksum metadata of the object', hashes.md5, metaMd5 ?? 'none', requestId);
  const crc = responseInfo(completed)?.crc64 ?? responseInfo(head)?.crc64;
  if (crc !== undefined) {
    if (crc !== hashes.crc64) throw badDigest('CRC-64 of the object (combined from its parts)', hashes.crc64, crc, requestId);
    return 'crc64';
  }
  const etag = bareEtag(head.ETag);
  const expected = multipartEtag(parts);
  if (!expected || !isMultipartEtag(etag) || etagIsNotMd5(head)) return 'md5';
  if (etag.toLowerCase() !== expected) throw badDigest('multipart ETag of the object', expected, etag, requestId);
  return 'etag';
}

/** Sends what is missing, re-stats, completes and verifies; the stored upload is dropped once it is verified. */
async function finish(job: UploadJob, deps: UploadDeps, file: FileFacts, session: Session): Promise<UploadResult> {
  const { uploadId, partSize, hashes, reused } = session;
  const have = new Set(reused.map((p) => p.partNumber));
  const todo = Array.from({ length: partCount(file.size, partSize) }, (_, i) => i + 1).filter((n) => !have.has(n));
  if (reused.length > 0) deps.onProgress?.(reused.reduce((sum, p) => sum + p.size, 0));
  const plan = { uploadId, size: file.size, partSize, partCrcs: hashes.partCrcs, todo };
  const sent = await sendParts(job, deps, plan, deps.partConcurrency ?? DEFAULT_PART_CONCURRENCY);
  await assertUnchanged(job); // an edit that kept the bytes we read still moves the mtime
  const parts = [...reused, ...sent].sort((a, b) => a.partNumber - b.partNumber);
  const completed = await complete(job, deps, uploadId, parts);
  const head = await send(deps, new HeadObjectCommand({ Bucket: job.bucket, Key: job.key }));
  try {
    const verifiedBy = verifyObject(head, completed, file.size, hashes, parts);
    return { status: 'uploaded', etag: bareEtag(head.ETag), size: file.size, md5: hashes.md5, crc64: hashes.crc64, verifiedBy, parts: { total: parts.length, reused: reused.length } };
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
