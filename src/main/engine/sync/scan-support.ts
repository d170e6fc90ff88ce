// Small pieces of the local scan: file kinds, read permission from mode bits, error codes, and merging a
// partial (hinted) scan into the last full LocalTree.
import type { Dirent, Stats } from 'node:fs';
import { msg, type Msg } from '../../../shared/messages.js';
import type { Key, LocalEntry } from './model.js';

/** Who the process reads files as. */
export interface Identity {
  uid: number;
  gids: ReadonlySet<number>;
}

/** The process's effective identity; undefined on Windows, where ACLs (not mode bits) decide. */
export function currentIdentity(): Identity | undefined {
  if (typeof process.geteuid !== 'function' || typeof process.getgroups !== 'function') return undefined;
  const gids = new Set(process.getgroups());
  if (typeof process.getegid === 'function') gids.add(process.getegid());
  return { uid: process.geteuid(), gids };
}

/**
 * Whether the mode bits let `who` read the file: costs no system call, unlike opening each file. Root reads
 * everything. An ACL granting more than the bits is not seen; the file is then reported, never deleted.
 */
export function canRead(stats: Pick<Stats, 'mode' | 'uid' | 'gid'>, who: Identity | undefined): boolean {
  if (!who || who.uid === 0) return true;
  if (stats.uid === who.uid) return (stats.mode & 0o400) !== 0;
  if (who.gids.has(stats.gid)) return (stats.mode & 0o040) !== 0;
  return (stats.mode & 0o004) !== 0;
}

/** Whether readdir told us the type (some file systems answer "unknown", and then we lstat). */
export function typeKnown(dirent: Dirent): boolean {
  return (
    dirent.isFile() ||
    dirent.isDirectory() ||
    dirent.isSymbolicLink() ||
    dirent.isFIFO() ||
    dirent.isSocket() ||
    dirent.isCharacterDevice() ||
    dirent.isBlockDevice()
  );
}

export function specialKind(stats: Stats): Msg {
  if (stats.isFIFO()) return msg('scan.fifo');
  if (stats.isSocket()) return msg('scan.socket');
  if (stats.isCharacterDevice()) return msg('scan.charDevice');
  if (stats.isBlockDevice()) return msg('scan.blockDevice');
  return msg('scan.notRegular');
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Gone between listing and looking: not an error, the next scan simply does not see it. */
export function vanished(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The LocalTree after a partial scan: everything at or under the scan's scope comes from the scan, the rest
 * from `previous`. A full scan (no scope) replaces the tree.
 */
export function mergeScan(
  previous: ReadonlyMap<Key, LocalEntry>,
  scan: { tree: ReadonlyMap<Key, LocalEntry>; scope?: readonly Key[] },
): Map<Key, LocalEntry> {
  return scan.scope ? mergeScanInto(new Map(previous), scan) : new Map(scan.tree);
}

/**
 * mergeScan into `tree` itself: a watcher's short pass changes a few entries of a large tree, and copying the
 * whole tree for that cost more than the rest of the pass.
 */
export function mergeScanInto(
  tree: Map<Key, LocalEntry>,
  scan: { tree: ReadonlyMap<Key, LocalEntry>; scope?: readonly Key[] },
): Map<Key, LocalEntry> {
  if (!scan.scope) {
    tree.clear();
  } else {
    const inScope = scopeFilter(scan.scope);
    for (const key of tree.keys()) if (inScope(key)) tree.delete(key);
  }
  for (const [key, entry] of scan.tree) tree.set(key, entry);
  return tree;
}

/** Whether a key is at or under one of a partial scan's scope keys. */
export function scopeFilter(scope: readonly Key[]): (key: Key) => boolean {
  if (scope.length <= 8) {
    // A few paths (the usual hint): prefix tests, no string cut out of each key.
    const folders = scope.map((k) => `${k}/`);
    return (key) => {
      for (let i = 0; i < scope.length; i++) if (key === scope[i] || key.startsWith(folders[i]!)) return true;
      return false;
    };
  }
  const set = new Set(scope);
  return (key) => withinScope(key, set);
}

/** Whether `key` or one of its ancestor folders is in `scope`: one Set lookup per path segment. */
function withinScope(key: Key, scope: ReadonlySet<Key>): boolean {
  if (scope.has(key)) return true;
  for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) {
    if (scope.has(key.slice(0, slash))) return true;
  }
  return false;
}
