// Uploads one local file to its object key, verified end to end: one PUT for small files, a resumable
// multipart upload for large ones (upload-single.ts, upload-multipart.ts). Every failure is an AppFailure.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { appError, AppFailure } from '../../../shared/errors.js';
import { toAppError } from '../s3/error-map.js';
import { bareEtag } from './object-metadata.js';
import { uploadMultipart } from './upload-multipart.js';
import { uploadSingle } from './upload-single.js';
import {
  asFailure, CHANGED, DEFAULT_MULTIPART_THRESHOLD, sameFile, send, statFile, UploadStop, VANISHED,
  type UploadDeps, type UploadJob, type UploadResult,
} from './upload-support.js';

export { abortStaleUploads, DEFAULT_STALE_GRACE_MS, type StaleUploadOptions, type StaleUploadReport } from './multipart-stale.js';
export { Throttle } from './throttle.js';
export {
  DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_CONCURRENCY,
  type UploadDeps, type UploadJob, type UploadResult, type UploadState, type VerifiedBy,
} from './upload-support.js';

/** The executor's precondition: the object must still have the ETag it planned to overwrite. */
async function checkRemoteEtag(job: UploadJob, deps: UploadDeps, expected: string): Promise<void> {
  let current: string | undefined;
  try {
    current = bareEtag((await send(deps, new HeadObjectCommand({ Bucket: job.bucket, Key: job.key }))).ETag);
  } catch (err) {
    if (toAppError(err).code !== 'no-such-key') throw err;
  }
  if (current === bareEtag(expected)) return;
  const now = current === undefined ? 'the object is gone' : `it now has ETag ${current}`;
  throw new AppFailure(appError('remote-changed', { detail: `${job.key}: expected ETag ${bareEtag(expected)}, ${now}` }));
}

async function run(job: UploadJob, deps: UploadDeps): Promise<UploadResult> {
  deps.signal.throwIfAborted();
  const file = await statFile(job.localPath);
  if (!file) return VANISHED;
  if (!sameFile(file, job.expected)) return CHANGED;
  if (job.ifMatchEtag !== undefined) await checkRemoteEtag(job, deps, job.ifMatchEtag);
  const threshold = deps.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD;
  return file.size < threshold ? uploadSingle(job, deps) : uploadMultipart(job, deps, file);
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
