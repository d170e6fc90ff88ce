// Finds abandoned multipart uploads under a pair's prefix and aborts them: their parts are billed storage
// that no listing shows. Uploads the state store still means to resume are left alone.
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type MultipartUpload } from '@aws-sdk/client-s3';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import { folderPrefix } from './remote-list.js';
import type { UploadRecord } from './state-store.js';
import type { UploadState } from './upload-support.js';

export const DEFAULT_STALE_GRACE_MS = 24 * 3600_000;

export interface StaleUploadOptions {
  connection: S3Connection;
  state: Pick<UploadState, 'listUploads' | 'dropUpload'>;
  signal?: AbortSignal;
  /** Untracked uploads younger than this are left alone (another client may be writing them); default 24 h. */
  graceMs?: number;
  now?: () => number;
  /** Whether a tracked upload is still wanted (its file unchanged); default yes. */
  stillNeeded?: (record: UploadRecord) => boolean | Promise<boolean>;
}

export interface StaleUploadReport {
  /** Object keys of the uploads aborted. */
  aborted: string[];
  /** Uploads left alone: tracked and needed, or too young. */
  kept: number;
}

interface Listed {
  key: string;
  uploadId: string;
  initiatedMs: number | undefined;
}

// Keys are asked for unencoded: RGW url-encodes them here without saying so, and XML carries any key we make.
async function listUploads(options: StaleUploadOptions, bucket: string, prefix: string): Promise<Listed[]> {
  const found: Listed[] = [];
  let keyMarker: string | undefined;
  let idMarker: string | undefined;
  for (;;) {
    const command = new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: idMarker });
    const out = await options.connection.client.send(command, { abortSignal: options.signal });
    found.push(...(out.Uploads ?? []).filter(hasIds).map(toListed));
    if (!out.IsTruncated) return found;
    const next = { key: out.NextKeyMarker, id: out.NextUploadIdMarker };
    if (!next.key || (next.key === keyMarker && next.id === idMarker)) {
      throw new AppFailure(appError('server-error', { detail: 'ListMultipartUploads was truncated without new markers' }));
    }
    keyMarker = next.key;
    idMarker = next.id;
  }
}

const hasIds = (u: MultipartUpload): u is MultipartUpload & { Key: string; UploadId: string } => u.Key !== undefined && u.UploadId !== undefined;
const toListed = (u: MultipartUpload & { Key: string; UploadId: string }): Listed => ({ key: u.Key, uploadId: u.UploadId, initiatedMs: u.Initiated?.getTime() });

/** Should this listed upload be aborted? Tracked ones only when no longer needed; others once past the grace period. */
async function isStale(upload: Listed, tracked: Map<string, UploadRecord>, options: StaleUploadOptions, serverNowMs: number): Promise<boolean> {
  const record = tracked.get(upload.uploadId);
  if (record) return !(await (options.stillNeeded?.(record) ?? true));
  if (upload.initiatedMs === undefined) return false;
  return serverNowMs - upload.initiatedMs > (options.graceMs ?? DEFAULT_STALE_GRACE_MS);
}

async function abortOne(options: StaleUploadOptions, bucket: string, upload: Listed): Promise<void> {
  try {
    await options.connection.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }), { abortSignal: options.signal });
  } catch (err) {
    if (toAppError(err).code !== 'no-such-upload') throw err; // already gone: what we wanted
  }
}

/**
 * ListMultipartUploads under `prefix`, then aborts those that are stale. Ages are measured on the service's
 * clock (Initiated is its time), so a wrong local clock neither spares nor kills young uploads.
 */
export async function abortStaleUploads(pairId: string, bucket: string, prefix: string, options: StaleUploadOptions): Promise<StaleUploadReport> {
  const tracked = new Map(options.state.listUploads(pairId).map((r) => [r.uploadId, r] as const));
  const serverNowMs = (options.now ?? Date.now)() + options.connection.clockOffsetMs();
  const report: StaleUploadReport = { aborted: [], kept: 0 };
  try {
    for (const upload of await listUploads(options, bucket, folderPrefix(prefix))) {
      if (!(await isStale(upload, tracked, options, serverNowMs))) {
        report.kept += 1;
        continue;
      }
      await abortOne(options, bucket, upload);
      if (tracked.has(upload.uploadId)) options.state.dropUpload(upload.uploadId);
      report.aborted.push(upload.key);
    }
    return report;
  } catch (err) {
    throw err instanceof AppFailure ? err : new AppFailure(toAppError(err, { bucket }));
  }
}
