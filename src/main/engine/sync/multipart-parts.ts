// The parts of a multipart upload: what the service already has (ListParts, paginated), and sending the
// missing ones a few at a time from shared buffers, each read once and hashed at most once, checked and persisted.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { ListPartsCommand, UploadPartCommand, type UploadPartCommandOutput } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { appError, AppFailure } from '../../../shared/errors.js';
import { crc64 } from '../s3/crc64.js';
import { mayUnsignPayload } from '../s3/payload.js';
import { responseInfo } from '../s3/response-info.js';
import { base64ToHex, bareEtag, isPlainMd5Etag } from './object-metadata.js';
import { partRange } from './part-size.js';
import type { UploadPart } from './state-store.js';
import { PartBuffers } from './upload-buffers.js';
import { badDigest, etagIsNotMd5, isGone, send, UploadStop, type UploadDeps, type UploadJob } from './upload-support.js';

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

/**
 * What protects a part, one hash pass at most. COS: its CRC-64, which it returns and we compare. Elsewhere
 * over HTTPS: Content-MD5, which the service checks and the part's ETag repeats. Elsewhere over plain HTTP:
 * the SHA-256 SigV4 signs (the SDK's pass), which the service checks; a Content-MD5 would be a second pass.
 */
export interface PartChecks {
  crc64: boolean;
  md5: boolean;
  /** Skip the SHA-256 of the signature (HTTPS, and a checksum above covers the body). */
  unsigned: boolean;
}

export function partChecks(deps: Pick<UploadDeps, 'connection'>): PartChecks {
  const { resolved } = deps.connection;
  const tls = mayUnsignPayload(resolved);
  return { crc64: resolved.cos, md5: !resolved.cos && tls, unsigned: tls };
}

export interface PartsPlan {
  uploadId: string;
  size: number;
  partSize: number;
  checks: PartChecks;
  /** Part numbers to send. */
  todo: readonly number[];
}

export async function readExactly(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new UploadStop('changed');
    done += bytesRead;
  }
}

const md5Of = (data: Uint8Array) => createHash('md5').update(data).digest('base64');

/** COS gives each part's CRC-64; elsewhere an unencrypted part's ETag is its hex MD5. Throws bad-digest. */
function verifyPart(out: UploadPartCommandOutput, partNumber: number, local: { md5?: string; crc64?: string }, checks: PartChecks): void {
  const info = responseInfo(out);
  if (local.crc64 !== undefined) {
    if (info?.crc64 !== undefined && info.crc64 !== local.crc64) throw badDigest(`CRC-64 of part ${partNumber}`, local.crc64, info.crc64, info.requestId);
    if (info?.crc64 === undefined && checks.unsigned) {
      // Nothing else covered this body: no CRC-64 back means it cannot be known to have arrived whole.
      throw new AppFailure(appError('server-error', { detail: `UploadPart ${partNumber} was answered without x-cos-hash-crc64ecma, so it cannot be verified${info?.requestId ? `; request id ${info.requestId}` : ''}` }));
    }
  }
  const etag = bareEtag(out.ETag);
  if (etag === '') throw new AppFailure(appError('server-error', { detail: `UploadPart ${partNumber} was answered without an ETag` }));
  if (local.md5 !== undefined && isPlainMd5Etag(etag) && !etagIsNotMd5(out) && etag.toLowerCase() !== base64ToHex(local.md5)) {
    throw badDigest(`ETag (MD5) of part ${partNumber}`, base64ToHex(local.md5), etag, info?.requestId);
  }
}

/** UploadPart, re-sent when our own check finds the service holds other bytes. */
async function putPart(job: UploadJob, deps: UploadDeps, plan: PartsPlan, partNumber: number, data: Buffer, local: { md5?: string; crc64?: string }): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const command = new UploadPartCommand({
      Bucket: job.bucket, Key: job.key, UploadId: plan.uploadId, PartNumber: partNumber,
      Body: data, ContentLength: data.length, ...(local.md5 ? { ContentMD5: local.md5 } : {}),
    });
    const out = await send(deps, command, { throttled: true, unsigned: plan.checks.unsigned });
    try {
      verifyPart(out, partNumber, local, plan.checks);
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
  buffers: PartBuffers;
}

/** Reads, hashes (at most once), sends and persists one part; the buffer goes back whatever happens. */
async function sendPart(run: PartRun, partNumber: number): Promise<UploadPart> {
  const { job, deps, plan } = run;
  deps.signal.throwIfAborted(); // queued behind a part that failed: do not start
  const range = partRange(partNumber, plan.size, plan.partSize);
  const buffer = await run.buffers.acquire(range.length, deps.signal);
  try {
    await readExactly(run.handle, buffer, range.offset);
    const local = {
      ...(plan.checks.md5 ? { md5: md5Of(buffer) } : {}),
      ...(plan.checks.crc64 ? { crc64: crc64(buffer) } : {}),
    };
    const etag = await putPart(job, deps, plan, partNumber, buffer, local);
    const part: UploadPart = { partNumber, etag, size: range.length, ...local };
    deps.state.recordPart(plan.uploadId, part); // right away: a crash after this point does not resend it
    deps.onProgress?.(range.length);
    return part;
  } finally {
    run.buffers.release(buffer);
  }
}

export async function openForParts(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if (isGone(err)) throw new UploadStop('vanished');
    throw err;
  }
}

/** The pair's shared buffers, or (alone) a budget of `concurrency` parts. */
export const buffersFor = (deps: UploadDeps, concurrency: number, partSize: number) =>
  deps.partBuffers ?? new PartBuffers(concurrency * partSize);

/**
 * Sends the parts in `plan.todo`, `concurrency` at a time (and as the shared buffers allow). The first
 * failure stops the others (their requests are aborted, queued parts never start) and is rethrown once
 * every part has settled.
 */
export async function sendParts(job: UploadJob, deps: UploadDeps, plan: PartsPlan, concurrency: number): Promise<UploadPart[]> {
  if (plan.todo.length === 0) return [];
  const stop = new AbortController(); // fired by the first part that fails, to end the others early
  const handle = await openForParts(job.localPath);
  const signal = AbortSignal.any([deps.signal, stop.signal]);
  const run: PartRun = { job, deps: { ...deps, signal }, plan, handle, buffers: buffersFor(deps, concurrency, plan.partSize) };
  let failure: { error: unknown } | undefined;
  const limit = pLimit(concurrency);
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
