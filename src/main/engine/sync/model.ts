// The sync engine's vocabulary (DESIGN.md "three trees"): what the local scan saw, what the bucket listing
// saw, what we last knew to be identical on both sides, and the operations a plan is made of.
import type { Msg } from '../../../shared/messages.js';

/** An object key relative to the pair's prefix: NFC, `/`-separated, no leading `/`. */
export type Key = string;

export interface LocalEntry {
  key: Key;
  /** Path relative to the pair's root, with the OS's separators, as found on disk (may be NFD on macOS). */
  relPath: string;
  size: number;
  mtimeMs: number;
  /** Inode (or file id) when the OS gives one; lets a rename be recognised. */
  ino?: number;
  /** Content hashes when computed (hashing is lazy: only when size/mtime cannot decide). */
  md5?: string; // base64, as rclone's md5chksum
  crc64?: string; // decimal, as COS's x-cos-hash-crc64ecma
  /** S3's multipart ETag of the file in our part size: hashed when the object at its key has a multipart ETag. */
  partsEtag?: string;
}

export interface RemoteEntry {
  key: Key;
  size: number;
  etag: string;
  lastModifiedMs: number;
  /** From our (rclone's) metadata when a HEAD or our own upload told us: `mtime` and `md5chksum`. */
  mtimeMs?: number;
  md5?: string;
  crc64?: string;
  storageClass?: string;
}

/** What we last knew to be identical on both sides: persisted, one row per key. */
export interface SyncedEntry {
  key: Key;
  size: number;
  mtimeMs: number;
  ino?: number;
  md5?: string;
  crc64?: string;
  /** The ETag the bucket gave the object after our own upload (or adoption). */
  etag: string;
  syncedAtMs: number;
}

export type Tree<T> = ReadonlyMap<Key, T>;

export type { DeletePolicy } from '../../../shared/pair.js';

interface Base {
  key: Key;
  /** Why, in the user's words: shown in --dry-run, the activity log and gates. */
  reason: string;
  /** `reason` as a message id with parameters, for the window's languages. */
  why?: Msg;
}

export type Operation =
  // Without expectEtag an upload only creates: the planner saw no object at the key, or an earlier
  // operation of the same plan (trashRemote) moves it away; the executor checks the key is absent.
  | (Base & { kind: 'upload'; local: LocalEntry; /** Overwrite only if the object still has this ETag. */ expectEtag?: string })
  | (Base & { kind: 'copyRemote'; fromKey: Key; local: LocalEntry; expectSourceEtag: string })
  | (Base & { kind: 'deleteRemote'; expectEtag: string })
  | (Base & { kind: 'trashRemote'; trashKey: Key; expectEtag: string })
  | (Base & { kind: 'download'; remote: RemoteEntry })
  | (Base & { kind: 'deleteLocal'; local: LocalEntry })
  | (Base & { kind: 'conflictCopy'; local: LocalEntry; remote: RemoteEntry; conflictKey: Key })
  | (Base & { kind: 'adopt'; local: LocalEntry; remote: RemoteEntry })
  | (Base & { kind: 'forget' });

export type OperationKind = Operation['kind'];

export type PairState = 'idle' | 'scanning' | 'syncing' | 'paused' | 'error' | 'waiting-for-user';

/** The bucket's trash: `<prefix>/.cos-sync-trash/<date>/<key>`. Keys under it are never planned. */
export const TRASH_DIR = '.cos-sync-trash';

/** The file in a pair's root that proves the folder is the one we synced (syncthing's `.stfolder`). */
export const MARKER_FILE = '.cos-sync-folder';
