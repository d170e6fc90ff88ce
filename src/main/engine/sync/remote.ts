// The bucket side of one folder pair, as the executor sees it: keys relative to the pair's prefix. The S3
// implementation talks to the service; the simulation tests use an in-memory one with injected faults.
import type { Key, RemoteEntry } from './model.js';
import type { UploadResult } from './upload-support.js';

export interface RemoteUpload {
  key: Key;
  localPath: string;
  expected: { size: number; mtimeMs: number };
  /** Overwrite only if the object still has this ETag; undefined means create only (the key must be absent). */
  ifMatchEtag?: string;
  signal: AbortSignal;
  onProgress?: (bytesSentDelta: number) => void;
}

export interface Remote {
  /**
   * Every object under the prefix (trash included), keyed relative to the prefix. `expected`: keys the bucket
   * probably holds (the synced tree's), so the listing can be split into ranges listed side by side.
   */
  list(signal: AbortSignal, expected?: Iterable<Key>): Promise<Map<Key, RemoteEntry>>;
  /** One object with our metadata (`mtime`, `md5chksum`) and, on COS, its CRC-64; undefined when absent. */
  head(key: Key, signal: AbortSignal): Promise<RemoteEntry | undefined>;
  upload(job: RemoteUpload): Promise<UploadResult>;
  /** Server-side copy, only while the source still has `ifMatchEtag`; returns the new object's ETag. */
  copy(fromKey: Key, toKey: Key, ifMatchEtag: string, signal: AbortSignal): Promise<{ etag: string }>;
  delete(key: Key, signal: AbortSignal): Promise<void>;
  /** Aborts multipart uploads under the prefix that nothing tracks any more (after a grace period). */
  abortStaleUploads?(signal: AbortSignal): Promise<number>;
  close(): void;
}
