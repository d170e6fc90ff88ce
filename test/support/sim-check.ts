// The simulation's invariants once a scenario has settled (faults off, one clean pass): the bucket equals the
// folder, nothing was lost, the synced tree matches reality. Each broken one is a message; none means it held.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DeletePolicy, Key, SyncedEntry } from '../../src/main/engine/sync/model.js';
import { isTrashKey, type MemoryBucket } from './memory-bucket.js';
import type { SimWorld } from './sim-world.js';

export interface SettledFacts {
  world: SimWorld;
  bucket: MemoryBucket;
  synced: ReadonlyMap<Key, SyncedEntry>;
  policy: DeletePolicy;
  /** ETags the engine ever wrote into its synced tree: an engine object never recorded is an orphan. */
  recordedEtags: ReadonlySet<string>;
}

interface LocalFile {
  rel: string;
  data: Buffer;
  size: number;
  mtimeMs: number;
}

/** The folder's non-ignored files by key, and the keys refused because two names fold to one. */
async function readFolder(world: SimWorld): Promise<{ files: Map<Key, LocalFile>; refused: Set<string> }> {
  const files = new Map<Key, LocalFile>();
  const folds = new Map<string, Set<string>>();
  for (const rel of await world.files()) {
    const key = rel.normalize('NFC');
    if (world.isIgnored(key)) continue;
    const abs = path.join(world.root, ...rel.split('/'));
    const [data, facts] = await Promise.all([readFile(abs), stat(abs)]);
    files.set(key, { rel, data, size: facts.size, mtimeMs: facts.mtimeMs });
    const fold = key.toLowerCase();
    folds.set(fold, (folds.get(fold) ?? new Set()).add(rel));
  }
  const refused = new Set([...folds].filter(([, names]) => names.size > 1).map(([fold]) => fold));
  return { files, refused };
}

export async function checkSettled(facts: SettledFacts): Promise<string[]> {
  const { files, refused } = await readFolder(facts.world);
  const isRefused = (key: Key) => refused.has(key.toLowerCase());
  return [
    ...facts.bucket.violations,
    ...folderInBucket(facts, files, isRefused),
    ...bucketInFolder(facts, files, isRefused),
    ...syncedRows(facts, files, isRefused),
    ...facts.bucket.lostVersions().map((v) => `content lost: version ${v.etag} of ${v.key} (${v.writer}) was ${v.removed?.how} and is nowhere in the bucket`),
  ];
}

/** Every non-ignored file is in the bucket with the same bytes, and synced with that object's ETag. */
function folderInBucket(facts: SettledFacts, files: Map<Key, LocalFile>, isRefused: (k: Key) => boolean): string[] {
  const out: string[] = [];
  for (const [key, file] of files) {
    if (isRefused(key)) continue;
    const object = facts.bucket.objects.get(key);
    if (!object) out.push(`${key}: in the folder, not in the bucket`);
    else if (!object.data.equals(file.data)) out.push(`${key}: the bucket's bytes (${object.etag}, ${object.writer}) differ from the folder's`);
    const row = facts.synced.get(key);
    if (!row) out.push(`${key}: in the folder but not in the synced tree`);
    else if (object && row.etag !== object.etag) out.push(`${key}: synced ETag ${row.etag}, the object has ${object.etag}`);
    else if (row.size !== file.size || Math.trunc(row.mtimeMs) !== Math.trunc(file.mtimeMs)) {
      out.push(`${key}: synced as ${row.size} B @${row.mtimeMs}, the file is ${file.size} B @${file.mtimeMs}`);
    }
  }
  return out;
}

/**
 * Objects at keys the folder lacks must be explained: someone else's (never removed by an upload-direction
 * pass), kept by policy `keep`, ignored, refused, or an engine orphan of a lost answer that was never synced.
 */
function bucketInFolder(facts: SettledFacts, files: Map<Key, LocalFile>, isRefused: (k: Key) => boolean): string[] {
  const out: string[] = [];
  for (const [key, object] of facts.bucket.objects) {
    if (isTrashKey(key) || files.has(key) || isRefused(key) || facts.world.isIgnored(key)) continue;
    if (facts.synced.has(key)) out.push(`${key}: not in the folder but still in the synced tree`);
    const orphan = !facts.recordedEtags.has(object.etag);
    if (object.writer === 'engine' && facts.policy !== 'keep' && !orphan) out.push(`${key}: deleted from the folder, still in the bucket (${object.etag})`);
  }
  return out;
}

/** Every synced row names an object that is there with that ETag (rows of refused keys may linger). */
function syncedRows(facts: SettledFacts, files: Map<Key, LocalFile>, isRefused: (k: Key) => boolean): string[] {
  const out: string[] = [];
  for (const [key, row] of facts.synced) {
    if (isRefused(key) || files.has(key)) continue;
    const object = facts.bucket.objects.get(key);
    if (!object) out.push(`${key}: synced row, but no object`);
    else if (object.etag !== row.etag) out.push(`${key}: synced row has ETag ${row.etag}, the object ${object.etag}`);
  }
  return out;
}

/** Engine orphans left at keys the folder lacks (an answer lost, then the file deleted): counted, not failed. */
export function orphans(facts: SettledFacts): number {
  let n = 0;
  for (const [key, object] of facts.bucket.objects) {
    if (!isTrashKey(key) && object.writer === 'engine' && !facts.recordedEtags.has(object.etag) && !facts.synced.has(key)) n++;
  }
  return n;
}
