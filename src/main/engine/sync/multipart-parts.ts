// The parts of a multipart upload: what the service already has (ListParts, paginated), and sending the
// missing ones a few at a time from reused buffers, each checked (Content-MD5, COS CRC-64) and persisted.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { ListPartsCommand, UploadPartCommand, type UploadPartCommandOutput } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { appError, AppFailure } from '../../../shared/errors.js';
import { crc64 } from '../s3/crc64.js';
import { responseInfo } from '../s3/response-info.js';
import { base64ToHex, bareEtag, isPlainMd5Etag } from './object-metadata.js';
import { partRange } from './part-size.js';
import type { UploadPart } from './state-store.js';
import { badDigest, etagIsNotMd5, isGone, send, UploadStop, type UploadDeps, type UploadJob } from './upload-support.js';

/** Part buffers may take this much memory in all; larger parts go fewer at a time (files past ~75 GB). */
export const PART_MEMORY_BUDGET = 256 * 1024 * 1024;
/** Sends of one part when our own CRC-64 / ETag check fails (the SDK already retries transport errors). */
const DIGEST_ATTEMPTS = 3;

export interface ServerPart {
  etag: string;
  size: number;
}

/** Every part the service holds for the upload, by part number; NoSuchUpload propagates. */
export async function listServerParts(job: UploadJob, deps: UploadDeps, uploadId: string): Promise<Map<number, ServerPart>> {
  const parts = new Map<number, ServerPart>();
  let marker: string | undefined;
  for (;;) {
    const command = new ListPartsCommand({ Bucket: job.bucket, Key: job.key, UploadId: uploadId, MaxParts: 1000, PartNumberMarker: marker });
    const out = await send(deps, command);
    for (const p of out.Parts ?? []) {
      if (p.PartNumber !== undefined) parts.set(p.PartNumber, { etag: bareEtag(p.ETag), size: p.Size ?? -1 });
    }
    if (!out.IsTruncated) return parts;
    const next = out.NextPartNumberMarker;
    // A truncated page that does not move the marker on would list the same page forever.
    if (next === undefined || next === '' || next === marker) {
      throw new AppFailure(appError('server-error', { detail: `ListParts was truncated without a new marker after ${marker ?? 'the first page'}` }));
    }
    marker = next;
  }
}

/** Part buffers, reused: memory stays at (parts in flight) x (part size) whatever the file size, without waiting on GC. */
class BufferPool {
  readonly #free: Buffer[] = [];
  constructor(private readonly size: number) {}
  acquire(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }
  release(buffer: Buffer): void {
    this.#free.push(buffer);
  }
}

export interface PartsPlan {
  uploadId: string;
  size: number;
  partSize: number;
  /** CRC-64 of every part from the hashing pass: a part read now must match, or the file changed. */
  partCrcs: readonly string[];
  /** Part numbers to send. */
  todo: readonly number[];
}

async function readExactly(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new UploadStop('changed');
    done += bytesRead;
  }
}

/** COS gives each part's CRC-64; elsewhere an unencrypted part's ETag is its hex MD5. Throws bad-digest. */
function verifyPart(out: UploadPartCommandOutput, partNumber: number, local: { md5: string; crc64: string }): void {
  const info = responseInfo(out);
  if (info?.crc64 !== undefined && info.crc64 !== local.crc64) throw badDigest(`CRC-64 of part ${partNumber}`, local.crc64, info.crc64, info.requestId);
  const etag = bareEtag(out.ETag);
  if (etag === '') throw new AppFailure(appError('server-error', { detail: `UploadPart ${partNumber} was answered without an ETag` }));
  if (info?.crc64 === undefined && isPlainMd5Etag(etag) && !etagIsNotMd5(out) && etag.toLowerCase() !== base64ToHex(local.md5)) {
    throw badDigest(`ETag (MD5) of part ${partNumber}`, base64ToHex(local.md5), etag, info?.requestId);
  }
}

/** UploadPart with Content-MD5, re-sent when our own check finds the service holds other bytes. */
async function putPart(job: UploadJob, deps: UploadDeps, uploadId: string, partNumber: number, data: Buffer, local: { md5: string; crc64: string }): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const command = new UploadPartCommand({
      Bucket: job.bucket, Key: job.key, UploadId: uploadId, PartNumber: partNumber,
      Body: data, ContentLength: data.length, ContentMD5: local.md5,
    });
    const out = await send(deps, command, true);
    try {
      verifyPart(out, partNumber, local);
      return bareEtag(out.ETag);
    } catch (err) {
      const digest = err instanceof AppFailure && err.appError.code === 'bad-digest';
      if (!digest || attempt >= DIGEST_ATTEMPTS) throw err;
    }
  }
}

interface PartRun {
  job: UploadJob;
  deps: UploadDeps;
  plan: PartsPlan;
  handle: FileHandle;
  pool: BufferPool;
}

/** Reads, checks, sends and persists one part; the buffer goes back to the pool whatever happens. */
async function sendPart(run: PartRun, partNumber: number): Promise<UploadPart> {
  const { job, deps, plan } = run;
  deps.signal.throwIfAborted(); // queued behind a part that failed: do not start
  const range = partRange(partNumber, plan.size, plan.partSize);
  const buffer = run.pool.acquire();
  try {
    const data = buffer.subarray(0, range.length);
    await readExactly(run.handle, data, range.offset);
    const local = { md5: createHash('md5').update(data).digest('base64'), crc64: crc64(data) };
    if (local.crc64 !== plan.partCrcs[partNumber - 1]) throw new UploadStop('changed'); // edited since the hashing pass
    const etag = await putPart(job, deps, plan.uploadId, partNumber, data, local);
    const part: UploadPart = { partNumber, etag, size: range.length, md5: local.md5, crc64: local.crc64 };
    deps.state.recordPart(plan.uploadId, part); // right away: a crash after this point does not resend it
    deps.onProgress?.(range.length);
    return part;
  } finally {
    run.pool.release(buffer);
  }
}

async function openForParts(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if (isGone(err)) throw new UploadStop('vanished');
    throw err;
  }
}

/** How many parts go at once: the caller's concurrency, fewer when parts are large (memory budget). */
export const partsInFlight = (wanted: number, partSize: number) =>
  Math.max(1, Math.min(wanted, Math.floor(PART_MEMORY_BUDGET / partSize)));

/**
 * Sends the parts in `plan.todo`, `concurrency` at a time. The first failure stops the others (their
 * requests are aborted, queued parts never start) and is rethrown once every part has settled.
 */
export async function sendParts(job: UploadJob, deps: UploadDeps, plan: PartsPlan, concurrency: number): Promise<UploadPart[]> {
  if (plan.todo.length === 0) return [];
  const stop = new AbortController(); // fired by the first part that fails, to end the others early
  const handle = await openForParts(job.localPath);
  const signal = AbortSignal.any([deps.signal, stop.signal]);
  const run: PartRun = { job, deps: { ...deps, signal }, plan, handle, pool: new BufferPool(plan.partSize) };
  let failure: { error: unknown } | undefined;
  const limit = pLimit(partsInFlight(concurrency, plan.partSize));
  try {
    const settled = await Promise.allSettled(plan.todo.map((n) => limit(async () => {
      try {
        return await sendPart(run, n);
      } catch (error) {
        failure ??= { error }; // the first cause; the others only saw the stop
        stop.abort(error);
        throw error;
      }
    })));
    if (failure) throw failure.error;
    return settled.map((s) => (s as PromiseFulfilledResult<UploadPart>).value);
  } finally {
    await handle.close();
  }
}
