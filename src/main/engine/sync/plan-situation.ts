// What the planner knows about one key: each side's state against the synced tree, content
// comparisons by size and hash, and which deleted/new pairs are one file renamed or moved.
import type { Key, LocalEntry, RemoteEntry, SyncedEntry, Tree } from './model.js';
import type { Comparison, LocalState, RemoteState, Situation } from './plan-rules.js';

interface Hashed {
  size: number;
  md5?: string | undefined;
  crc64?: string | undefined;
}

function compareHash(a: string | undefined, b: string | undefined): Comparison {
  if (a === undefined || b === undefined || a === '' || b === '') return 'unknown';
  return a === b ? 'same' : 'different';
}

/** Same size and an equal MD5 or CRC64, with no known hash disagreeing. ETags are never content hashes on COS. */
export function compareContent(a: Hashed | undefined, b: Hashed | undefined): Comparison {
  if (!a || !b) return 'unknown';
  if (a.size !== b.size) return 'different';
  const md5 = compareHash(a.md5, b.md5);
  const crc = compareHash(a.crc64, b.crc64);
  if (md5 === 'different' || crc === 'different') return 'different';
  return md5 === 'same' || crc === 'same' ? 'same' : 'unknown';
}

/**
 * A file against the object at its key: by MD5/CRC64 as compareContent, else by the object's multipart ETag
 * against the file's in our part size (S3-like services; COS ETags are not content hashes, but COS has its
 * CRC-64). A multipart ETag that differs says nothing (another tool may have cut other parts).
 */
export function compareLocalRemote(local: LocalEntry, remote: RemoteEntry): Comparison {
  const byHash = compareContent(local, remote);
  if (byHash !== 'unknown' || local.partsEtag === undefined || local.size !== remote.size) return byHash;
  return sameEtag(local.partsEtag, remote.etag.toLowerCase()) ? 'same' : 'unknown';
}

/** S3 quotes ETags and some servers add `W/`; compare the bare value. */
export function sameEtag(a: string, b: string): boolean {
  if (a === b) return true; // the usual case (both kept bare): no pattern to run
  const bare = (e: string) => e.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  return bare(a) === bare(b);
}

/** Whole milliseconds: the synced store may round what the scan saw to an integer. */
const sameMtime = (a: number, b: number): boolean => Math.trunc(a) === Math.trunc(b);

export function localStateOf(local: LocalEntry | undefined, synced: SyncedEntry | undefined): LocalState {
  if (!synced) return local ? 'new' : 'absent';
  if (!local) return 'deleted';
  // Size or mtime decide (no hash needed); a hash that is known on both sides and differs also counts.
  const moved = local.size !== synced.size || !sameMtime(local.mtimeMs, synced.mtimeMs);
  return moved || compareContent(local, synced) === 'different' ? 'changed' : 'unchanged';
}

export function remoteStateOf(remote: RemoteEntry | undefined, synced: SyncedEntry | undefined): RemoteState {
  if (!synced) return remote ? 'new' : 'absent';
  if (!remote) return 'deleted';
  return sameEtag(remote.etag, synced.etag) ? 'unchanged' : 'changed';
}

export interface Trees {
  local: Tree<LocalEntry>;
  remote: Tree<RemoteEntry>;
  synced: Tree<SyncedEntry>;
}

export function situationOf(key: Key, trees: Trees, ignored: boolean): Situation {
  const local = trees.local.get(key);
  const remote = trees.remote.get(key);
  const synced = trees.synced.get(key);
  return {
    key, local, remote, synced, ignored,
    localState: localStateOf(local, synced),
    remoteState: remoteStateOf(remote, synced),
    content: local && remote ? compareLocalRemote(local, remote) : 'unknown',
    localVsSynced: local && synced ? compareContent(local, synced) : 'unknown',
    rename: undefined,
  };
}

/** Archived objects must be restored before they can be read, so a server-side copy would fail. */
const COLD = new Set(['ARCHIVE', 'DEEP_ARCHIVE', 'MAZ_ARCHIVE', 'GLACIER']);

const isSource = (s: Situation): boolean => !s.ignored && s.localState === 'deleted' && s.remoteState === 'unchanged'
  && !COLD.has(s.remote?.storageClass ?? '');
const isTarget = (s: Situation): boolean => !s.ignored && s.localState === 'new' && s.remoteState === 'absent';

/** One file under a new name: same inode, size and mtime (a rename keeps them), or same size and hash. */
function isRenameOf(local: LocalEntry, synced: SyncedEntry): boolean {
  const content = compareContent(local, synced);
  if (content === 'different') return false;
  const sameInode = local.ino !== undefined && local.ino === synced.ino && local.size === synced.size
    && sameMtime(local.mtimeMs, synced.mtimeMs);
  return sameInode || content === 'same';
}

function indexSources(sources: Situation[]): Map<string, Situation[]> {
  const index = new Map<string, Situation[]>();
  const add = (id: string, s: Situation) => index.set(id, [...(index.get(id) ?? []), s]);
  for (const s of sources) {
    if (!s.synced) continue;
    if (s.synced.ino !== undefined) add(`ino:${s.synced.ino}`, s);
    if (s.synced.md5) add(`md5:${s.synced.size}:${s.synced.md5}`, s);
    if (s.synced.crc64) add(`crc:${s.synced.size}:${s.synced.crc64}`, s);
  }
  return index;
}

/**
 * Pairs each new-and-absent key with at most one deleted-and-unchanged key holding the same file, and
 * marks both. Situations arrive sorted by key, so the pairing is deterministic; an inode match wins
 * over a hash match, and within each the first unused source in key order.
 */
export function linkRenames(situations: Situation[]): void {
  const index = indexSources(situations.filter(isSource));
  const used = new Set<Key>();
  for (const target of situations.filter(isTarget)) {
    const local = target.local;
    if (!local) continue;
    const ids = [`ino:${local.ino}`, `md5:${local.size}:${local.md5}`, `crc:${local.size}:${local.crc64}`];
    const source = ids.flatMap((id) => index.get(id) ?? [])
      .find((s) => !used.has(s.key) && s.synced !== undefined && isRenameOf(local, s.synced));
    if (!source?.synced) continue;
    used.add(source.key);
    target.rename = { role: 'target', fromKey: source.key, expectSourceEtag: source.remote?.etag ?? source.synced.etag };
    source.rename = { role: 'source', toKey: target.key };
  }
}
