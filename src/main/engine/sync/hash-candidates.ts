// Hashing is lazy: only where size and mtime cannot decide does a plan need content hashes. These are the
// files that may be identical to an object already in the bucket (adopt instead of upload), touched files,
// and possible rename targets; their objects are asked (HEAD) for our metadata or COS's CRC-64.
import path from 'node:path';
import pLimit from 'p-limit';
import { hashFile } from './hash-file.js';
import { isMultipartEtag } from './object-metadata.js';
import { partCount, partSizeFor } from './part-size.js';
import { DEFAULT_MULTIPART_THRESHOLD } from './upload-support.js';
import type { Key, LocalEntry, RemoteEntry, SyncedEntry } from './model.js';
import type { Remote } from './remote.js';

export interface Trees {
  local: Map<Key, LocalEntry>;
  remote: Map<Key, RemoteEntry>;
  synced: ReadonlyMap<Key, SyncedEntry>;
}

function needsRemoteHash(key: Key, local: LocalEntry, t: Trees): boolean {
  const remote = t.remote.get(key);
  if (!remote || remote.size !== local.size || remote.md5 || remote.crc64) return false;
  return t.synced.get(key)?.etag !== remote.etag;
}

function needsLocalHash(key: Key, local: LocalEntry, t: Trees, deletedSizes: Set<number>): boolean {
  if (local.md5) return false;
  const synced = t.synced.get(key);
  const remote = t.remote.get(key);
  if (remote && remote.size === local.size && synced?.etag !== remote.etag) return true; // adopt?
  if (synced && synced.size === local.size && synced.mtimeMs !== local.mtimeMs && synced.md5) return true; // touched?
  return !synced && !remote && deletedSizes.has(local.size); // renamed?
}

/**
 * The part size our multipart upload would have used for this file, when the object at its key has a multipart
 * ETag with that many parts: its ETag may then be our upload of these bytes (the object carries no whole-file MD5).
 */
function ourPartSize(local: LocalEntry, remote: RemoteEntry | undefined): number | undefined {
  if (!remote || remote.size !== local.size || !isMultipartEtag(remote.etag) || local.size < DEFAULT_MULTIPART_THRESHOLD) return undefined;
  const partSize = partSizeFor(local.size);
  return remote.etag.endsWith(`-${partCount(local.size, partSize)}`) ? partSize : undefined;
}

/**
 * Fills in hashes in place (local: md5 + crc64; remote: from HEAD) for the candidates only; with `only`, among
 * those keys (the ones a short pass plans).
 */
export async function addHashes(root: string, t: Trees, remote: Remote, signal: AbortSignal, options: { concurrency?: number; only?: ((key: Key) => boolean) | undefined } = {}): Promise<number> {
  const only = options.only;
  const deletedSizes = new Set<number>();
  for (const s of t.synced.values()) if (s.md5 && (!only || only(s.key)) && !t.local.has(s.key)) deletedSizes.add(s.size);
  const limit = pLimit(options.concurrency ?? 4);
  const jobs: Promise<void>[] = [];
  for (const [key, local] of t.local) {
    if (only && !only(key)) continue;
    if (needsRemoteHash(key, local, t)) {
      jobs.push(limit(async () => {
        const found = await remote.head(key, signal);
        if (found) t.remote.set(key, { ...t.remote.get(key)!, ...found });
      }));
    }
    if (needsLocalHash(key, local, t, deletedSizes)) {
      jobs.push(limit(async () => {
        const partSize = ourPartSize(local, t.remote.get(key));
        const hashes = await hashFile(path.join(root, local.relPath), { signal, ...(partSize ? { partSize } : {}) }).catch(() => undefined);
        // A file that changed while it was hashed keeps no hash: the next scan sees it again.
        if (hashes && hashes.size === local.size) {
          t.local.set(key, { ...local, md5: hashes.md5, crc64: hashes.crc64, ...(hashes.partsEtag ? { partsEtag: hashes.partsEtag } : {}) });
        }
      }));
    }
  }
  await Promise.all(jobs);
  return jobs.length;
}
