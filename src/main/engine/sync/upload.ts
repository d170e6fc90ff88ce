// Uploads one local file to its object key, verified end to end: one PUT for small files, a resumable
// multipart upload for large ones (upload-single.ts, upload-multipart.ts). Every failure is an AppFailure.
import { uploadMultipart } from './upload-multipart.js';
import { uploadSingle } from './upload-single.js';
import {
  asFailure, assertKeyFree, CHANGED, checkRemoteEtag, DEFAULT_MULTIPART_THRESHOLD, sameFile, statFile, UploadStop, VANISHED,
  type UploadDeps, type UploadJob, type UploadResult,
} from './upload-support.js';

export { abortStaleUploads, DEFAULT_STALE_GRACE_MS, type StaleUploadOptions, type StaleUploadReport } from './multipart-stale.js';
export { Throttle } from './throttle.js';
export { PartBuffers, PART_MEMORY_BUDGET } from './upload-buffers.js';
export { probeCreateOnly, type CreateOnlyMode } from './upload-create-only.js';
export { SmallFileReads } from './upload-single.js';
export {
  DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_CONCURRENCY,
  type UploadDeps, type UploadJob, type UploadResult, type UploadState, type VerifiedBy,
} from './upload-support.js';

async function run(job: UploadJob, deps: UploadDeps): Promise<UploadResult> {
  deps.signal.throwIfAborted();
  const threshold = deps.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD;
  // A small file is read, then checked (one fstat): no stat before it, no request before the read.
  if (job.expected.size < threshold) return uploadSingle(job, deps);
  const file = await statFile(job.localPath);
  if (!file) return VANISHED;
  if (!sameFile(file, job.expected)) return CHANGED;
  // A HEAD before a large upload spares sending it in vain; Complete is guarded again.
  if (job.ifMatchEtag !== undefined) await checkRemoteEtag(job, deps, job.ifMatchEtag);
  else if (job.createOnly) await assertKeyFree(job, deps);
  return uploadMultipart(job, deps, file);
}

/**
 * Uploads `job.localPath` to `job.key`. Resolves 'changed' or 'vanished' when the file moved under us (the
 * caller re-scans); rejects with an AppFailure otherwise ('cancelled' when the signal fired; see isRetryable).
 */
export async function uploadFile(job: UploadJob, deps: UploadDeps): Promise<UploadResult> {
  try {
    return await run(job, deps);
  } catch (err) {
    if (err instanceof UploadStop && !deps.signal.aborted) return { status: err.outcome };
    throw asFailure(err, deps.signal, { bucket: job.bucket });
  }
}
