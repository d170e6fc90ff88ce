// Uploads a small file with one PutObject: read whole through one handle, hashed once (MD5: our metadata,
// Content-MD5 and the ETag check; plus CRC-64 on COS), sent create-only when the plan says so, then verified
// by COS's CRC-64 or, elsewhere, by the ETag when it is the plain MD5.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PutObjectCommand, type PutObjectCommandOutput } from '@aws-sdk/client-s3';
import { crc64 } from '../s3/crc64.js';
import { mayUnsignPayload } from '../s3/payload.js';
import { responseInfo } from '../s3/response-info.js';
import { base64ToHex, bareEtag, isPlainMd5Etag, objectMetadata } from './object-metadata.js';
import { createOnlyCondition, isTaken } from './upload-create-only.js';
import {
  assertKeyFree, badDigest, checkRemoteEtag, etagIsNotMd5, isGone, keyTaken, send, UploadStop,
  type UploadDeps, type UploadJob, type UploadResult, type VerifiedBy,
} from './upload-support.js';

async function readAll(handle: FileHandle, size: number): Promise<Buffer> {
  // One byte more than planned: a file that grew since the scan reads longer and is caught below.
  const buffer = Buffer.allocUnsafe(size + 1);
  let done = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
    if (done === buffer.length) break;
  }
  if (done !== size) throw new UploadStop('changed');
  return buffer.subarray(0, size);
}

/**
 * The whole file, or UploadStop when it vanished or no longer has the expected size and mtime. Open, read,
 * fstat, close: the stat after reading says whether what we hold is the planned version (an edit during the
 * read moves the mtime; a file replaced by a rename leaves ours whole, and the next scan sees the new one).
 */
async function readSnapshot(job: UploadJob, signal: AbortSignal): Promise<Buffer> {
  signal.throwIfAborted();
  let handle: FileHandle;
  try {
    handle = await open(job.localPath, 'r');
  } catch (err) {
    if (isGone(err)) throw new UploadStop('vanished');
    throw err;
  }
  try {
    const data = await readAll(handle, job.expected.size);
    const facts = await handle.stat();
    if (!facts.isFile() || facts.size !== job.expected.size || facts.mtimeMs !== job.expected.mtimeMs) throw new UploadStop('changed');
    return data;
  } finally {
    await handle.close();
  }
}

/** Files up to this size may be read with synchronous calls (SmallFileReads). */
export const SMALL_FILE_BYTES = 256 * 1024;
/** A synchronous read slower than this counts as slow; this many in a row and reads go async for a spell. */
const SLOW_READ_MS = 20;
const SLOW_READS_TOLERATED = 3;
const ASYNC_SPELL = 1000;

/**
 * How small files are read: with synchronous calls (open, read, fstat, close: no thread-pool round trip for
 * each, which cost more CPU than the read), unless the volume proves slow, then asynchronously for a spell,
 * as the scan does with its stats. One per pair.
 */
export class SmallFileReads {
  #slow = 0;
  #asyncLeft = 0;

  useSync(size: number): boolean {
    if (size > SMALL_FILE_BYTES) return false;
    if (this.#asyncLeft === 0) return true;
    this.#asyncLeft--;
    return false;
  }

  took(ms: number): void {
    if (ms <= SLOW_READ_MS) return void (this.#slow = 0);
    if (++this.#slow < SLOW_READS_TOLERATED) return;
    this.#slow = 0;
    this.#asyncLeft = ASYNC_SPELL;
  }
}

function readSnapshotSync(job: UploadJob): Buffer {
  let fd: number;
  try {
    fd = openSync(job.localPath, 'r');
  } catch (err) {
    if (isGone(err)) throw new UploadStop('vanished');
    throw err;
  }
  try {
    const buffer = Buffer.allocUnsafe(job.expected.size + 1);
    let done = 0;
    for (let n = -1; n !== 0 && done < buffer.length; done += n) n = readSync(fd, buffer, done, buffer.length - done, done);
    if (done !== job.expected.size) throw new UploadStop('changed');
    const facts = fstatSync(fd);
    if (!facts.isFile() || facts.size !== job.expected.size || facts.mtimeMs !== job.expected.mtimeMs) throw new UploadStop('changed');
    return buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

async function readSmall(job: UploadJob, deps: UploadDeps): Promise<Buffer> {
  const reads = deps.smallReads;
  if (!reads?.useSync(job.expected.size)) return readSnapshot(job, deps.signal);
  deps.signal.throwIfAborted();
  const started = performance.now();
  try {
    return readSnapshotSync(job);
  } finally {
    reads.took(performance.now() - started);
  }
}

/**
 * COS: its CRC-64 must equal ours. Elsewhere the service checked Content-MD5; an unencrypted simple PUT's
 * ETag is the hex MD5, so when it looks like one it must be ours.
 */
export function verifyPut(output: PutObjectCommandOutput, local: { md5: string; crc64?: string }): VerifiedBy {
  const info = responseInfo(output);
  if (info?.crc64 !== undefined && local.crc64 !== undefined) {
    if (info.crc64 !== local.crc64) throw badDigest('CRC-64 of the object', local.crc64, info.crc64, info.requestId);
    return 'crc64';
  }
  const etag = bareEtag(output.ETag);
  if (!isPlainMd5Etag(etag) || etagIsNotMd5(output)) return 'md5';
  const md5Hex = base64ToHex(local.md5);
  if (etag.toLowerCase() !== md5Hex) throw badDigest('ETag (MD5) of the object', md5Hex, etag, info?.requestId);
  return 'etag';
}

export async function uploadSingle(job: UploadJob, deps: UploadDeps): Promise<UploadResult> {
  const data = await readSmall(job, deps);
  // Where the service cannot refuse for us, look right before the write.
  if (job.ifMatchEtag !== undefined) await checkRemoteEtag(job, deps, job.ifMatchEtag);
  else if (job.createOnly && (deps.createOnly ?? 'head') === 'head') await assertKeyFree(job, deps);
  const md5 = createHash('md5').update(data).digest('base64');
  const crc = deps.connection.resolved.cos ? crc64(data) : undefined;
  const command = new PutObjectCommand({
    Bucket: job.bucket,
    Key: job.key,
    Body: data,
    ContentLength: data.length,
    ContentMD5: md5,
    Metadata: objectMetadata({ mtimeMs: job.expected.mtimeMs, md5 }),
  });
  const { IfNoneMatch, headers } = job.createOnly && job.ifMatchEtag === undefined ? createOnlyCondition(deps.createOnly) : {};
  if (IfNoneMatch) command.input.IfNoneMatch = IfNoneMatch;
  let output: PutObjectCommandOutput;
  try {
    // Content-MD5 covers the body: over HTTPS the signature need not hash it again.
    output = await send(deps, command, { throttled: true, unsigned: mayUnsignPayload(deps.connection.resolved), ...(headers ? { headers } : {}) });
  } catch (err) {
    if (job.createOnly && job.ifMatchEtag === undefined && isTaken(err)) throw keyTaken(job);
    throw err;
  }
  const verifiedBy = verifyPut(output, { md5, crc64: crc });
  deps.onProgress?.(data.length);
  return { status: 'uploaded', etag: bareEtag(output.ETag), size: data.length, md5, ...(crc === undefined ? {} : { crc64: crc }), verifiedBy };
}
