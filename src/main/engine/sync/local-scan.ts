// The LocalTree: what a walk of the pair's folder saw. Never follows symlinks, skips special files, and reports
// every item it could not take (with why) instead of failing the walk; `only` rescans the watcher's hints.
import { lstatSync, type Dirent, type Stats } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import type { IgnoreRules } from './ignore-rules.js';
import { english } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import { S3_KEY_LIMITS, findCollisions, problemsMsg, toKey, validateKey, type KeyLimits } from './keys.js';
import type { Key, LocalEntry } from './model.js';
import { canRead, currentIdentity, errorCode, specialKind, typeKnown, vanished, type Identity } from './scan-support.js';

export { hashFile, type FileHashes } from './hash-file.js';
export { mergeScan, mergeScanInto, scopeFilter } from './scan-support.js';

export type SkipReason = 'ignored' | 'symlink' | 'special' | 'unreadable' | 'invalid-name';

export interface SkippedItem {
  relPath: string;
  /** The key it would have had, when it has one: the planner must leave these keys alone, not delete them. */
  key?: Key;
  reason: SkipReason;
  detail: string;
  /** `detail` as a message id with parameters, for the window's languages (when it is not a rule's own text). */
  why?: Msg;
}

/** A skip's detail in English and as a message. */
const told = (why: Msg): { detail: string; why: Msg } => ({ detail: english(why), why });

export type RootStatus = 'ok' | 'missing' | 'not-a-directory' | 'unreadable';

export type ScanOutcome = { type: 'entry'; entry: LocalEntry } | { type: 'skipped'; item: SkippedItem };

/** The file system calls a scan makes; injectable so tests can produce errors that root cannot. */
export interface ScanFs {
  readdir(path: string): Promise<Dirent[]>;
  lstat(path: string): Promise<Stats>;
  /** When present, used while it answers fast: see Walk.#lstat. */
  lstatSync?(path: string): Stats;
  stat(path: string): Promise<Stats>;
  readlink(path: string): Promise<string>;
}

export const nodeScanFs: ScanFs = {
  readdir: (path) => readdir(path, { withFileTypes: true }),
  lstat: (path) => lstat(path),
  lstatSync: (path) => lstatSync(path),
  stat: (path) => stat(path),
  readlink: (path) => readlink(path),
};

export interface ScanOptions {
  ignore: IgnoreRules;
  signal?: AbortSignal;
  /** Progress, as found; the result is what counts (a name that later turns out to collide is withdrawn). */
  onItem?: (outcome: ScanOutcome) => void;
  /** Paths relative to the root (from watcher hints) to rescan instead of the whole tree; '' is the root. */
  only?: readonly string[];
  /** The pair's prefix and the provider's key limits, so names that cannot become keys are reported here. */
  keys?: { prefix: string; limits: KeyLimits };
  /** File system calls in flight at once. */
  concurrency?: number;
  fs?: ScanFs;
  /** Who reads the files (uid, groups); undefined where mode bits do not decide (Windows). */
  identity?: Identity;
}

export interface ScanResult {
  tree: Map<Key, LocalEntry>;
  skipped: SkippedItem[];
  rootStatus: RootStatus;
  /** Set for an `only` scan: the subtrees it covers. Merge it into the last full tree with `mergeScan`. */
  scope?: Key[];
}

/** Walks `root` and returns what it holds. Rejects only when `signal` aborts. */
export async function scanLocal(root: string, options: ScanOptions): Promise<ScanResult> {
  const walk = new Walk(root, options);
  const rootStatus = await walk.checkRoot();
  if (rootStatus !== 'ok') return { tree: new Map(), skipped: [], rootStatus };
  const targets = options.only ? narrowTargets(options.only) : [''];
  const covered = await walk.run(targets);
  const result: ScanResult = { tree: walk.tree, skipped: walk.skipped, rootStatus: covered };
  if (!targets.includes('')) result.scope = targets.map((t) => toKey(t, sep));
  return result;
}

/** Windows accepts both separators; elsewhere a backslash is part of a name. */
const SEPARATORS = sep === '\\' ? /[\\/]+/ : /\/+/;

/** A hint path in this OS's form: no empty or `.` segments, no trailing separator ('' is the root). */
function normalHint(path: string): string {
  return path.split(SEPARATORS).filter((part) => part !== '' && part !== '.').join(sep);
}

/** Root-relative hint paths, without duplicates or paths inside another; [''] when the root is among them. */
export function narrowTargets(paths: readonly string[]): string[] {
  const normal = [...new Set(paths.map(normalHint))];
  if (normal.includes('') || normal.length === 0) return [''];
  const depth = (path: string): number => path.split(sep).length;
  const kept = new Set<string>();
  // Shallow paths first, so each path's ancestors are already decided when it comes.
  for (const path of normal.sort((a, b) => depth(a) - depth(b))) {
    const parts = path.split(sep);
    const covered = parts.some((_, i) => i > 0 && kept.has(parts.slice(0, i).join(sep)));
    if (!covered) kept.add(path);
  }
  return [...kept].sort();
}

/** The control characters validateKey refuses (C0, DEL, C1). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/** Longest the scan holds the event loop with synchronous lstat calls before yielding. */
const SLICE_MS = 8;
/** This many lstat calls slower than SLOW_STAT_MS and the scan makes the next ASYNC_SPELL calls async. */
const SLOW_STAT_MS = 10;
const SLOW_STATS_TOLERATED = 3;
/** Then it tries synchronous calls again: a busy CPU, unlike a slow volume, passes. */
const ASYNC_SPELL = 1_000;

class Walk {
  readonly tree = new Map<Key, LocalEntry>();
  readonly skipped: SkippedItem[] = [];
  readonly #root: string;
  readonly #fs: ScanFs;
  readonly #limit: LimitFunction;
  readonly #identity: Identity | undefined;
  readonly #keys: { prefix: string; limits: KeyLimits };
  readonly #prefixBytes: number;
  #syncStat = true;
  #slowStats = 0;
  #asyncLeft = 0;
  #sliceStart = performance.now();
  /** Keys refused for a normalisation collision: a third name for the same key is refused too. */
  readonly #collided = new Set<Key>();

  constructor(
    private readonly root: string,
    private readonly options: ScanOptions,
  ) {
    this.#root = resolve(root);
    this.#fs = options.fs ?? nodeScanFs;
    this.#limit = pLimit(options.concurrency ?? 64);
    this.#identity = 'identity' in options ? options.identity : currentIdentity();
    this.#keys = options.keys ?? { prefix: '', limits: S3_KEY_LIMITS };
    this.#prefixBytes = Buffer.byteLength(this.#keys.prefix, 'utf8');
  }

  /** The root is followed if it is a symlink: the user chose that folder. */
  async checkRoot(): Promise<RootStatus> {
    try {
      const stats = await this.#call(() => this.#fs.stat(this.root));
      return stats.isDirectory() ? 'ok' : 'not-a-directory';
    } catch (error) {
      this.options.signal?.throwIfAborted();
      return vanished(error) ? 'missing' : 'unreadable';
    }
  }

  /** Scans each target; the status is 'unreadable' if the root itself could not be listed. */
  async run(targets: string[]): Promise<RootStatus> {
    if (targets.length === 1 && targets[0] === '') {
      return (await this.#directory('', true)) ? 'ok' : 'unreadable';
    }
    await Promise.all(targets.map((target) => this.#target(target)));
    return 'ok';
  }

  /** A hint path: its ancestors must be real directories (not symlinks) for anything under it to count. */
  async #target(relPath: string): Promise<void> {
    const parts = relPath.split(sep);
    for (let i = 1; i < parts.length; i++) {
      const ancestor = parts.slice(0, i).join(sep);
      const stats = await this.#lstatOrReport(ancestor);
      if (!stats) return;
      if (stats.isSymbolicLink()) return this.#skipSymlink(ancestor, toKey(ancestor, sep));
      if (!stats.isDirectory()) return;
    }
    await this.#visit(relPath);
  }

  /** Lists a directory and visits its children; false if it could not be listed. */
  async #directory(relPath: string, isRoot = false): Promise<boolean> {
    let children: Dirent[];
    try {
      children = await this.#call(() => this.#fs.readdir(this.#abs(relPath)));
    } catch (error) {
      this.options.signal?.throwIfAborted();
      if (vanished(error)) return true; // deleted mid-scan: it is simply gone
      if (!isRoot) this.#skip({ relPath, key: toKey(relPath, sep), reason: 'unreadable', detail: describe(error) });
      return false;
    }
    await this.#visitChildren(relPath, children);
    return true;
  }

  /**
   * Files one after another while lstat is synchronous (no gain from overlapping them), directories and
   * async-mode files concurrently. Pending visits are always awaited, so none rejects unhandled.
   */
  async #visitChildren(relPath: string, children: Dirent[]): Promise<void> {
    const pending: Promise<void>[] = [];
    let failure: { error: unknown } | undefined;
    try {
      for (const child of children) {
        const childPath = relPath === '' ? child.name : `${relPath}${sep}${child.name}`; // names hold no separator
        if (this.#syncStat && !child.isDirectory()) await this.#visit(childPath, child);
        else pending.push(this.#visit(childPath, child));
      }
    } catch (error) {
      failure = { error };
    }
    const settled = await Promise.allSettled(pending);
    if (failure) throw failure.error;
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
  }

  /** One directory entry: descends into directories, records files, reports the rest. */
  async #visit(relPath: string, dirent?: Dirent): Promise<void> {
    if (relPath.includes('\uFFFD')) {
      // Node decodes a name that is not UTF-8 with U+FFFD, so it could not even open the real file.
      return this.#skip({ relPath, reason: 'invalid-name', ...told(msg('scan.notUtf8')) });
    }
    const key = toKey(relPath, sep);
    // Readdir's type saves an lstat for every directory and every ignored file; an unknown type needs one.
    const known = dirent !== undefined && typeKnown(dirent);
    let stats = known ? undefined : await this.#lstatOrReport(relPath, key);
    if (!known && !stats) return;
    const isDir = stats ? stats.isDirectory() : dirent!.isDirectory();
    if (this.#ignored(relPath, key, isDir) || !this.#validKey(relPath, key)) return;
    if (isDir) return void (await this.#directory(relPath));
    stats ??= await this.#lstatOrReport(relPath, key);
    if (!stats) return;
    if (stats.isDirectory()) return void (await this.#directory(relPath)); // replaced by a directory meanwhile
    return this.#takeFile(relPath, key, stats);
  }

  /** A non-directory: only regular files that can be read go in the tree. */
  async #takeFile(relPath: string, key: Key, stats: Stats): Promise<void> {
    if (stats.isSymbolicLink()) return this.#skipSymlink(relPath, key);
    if (!stats.isFile()) {
      return this.#skip({ relPath, key, reason: 'special', ...told(msg('scan.special', { kind: specialKind(stats) })) });
    }
    if (!canRead(stats, this.#identity)) {
      return this.#skip({ relPath, key, reason: 'unreadable', ...told(msg('scan.noReadPermission')) });
    }
    this.#addFile(relPath, key, stats);
  }

  #addFile(relPath: string, key: Key, stats: Stats): void {
    const entry: LocalEntry = { key, relPath, size: stats.size, mtimeMs: stats.mtimeMs };
    if (stats.ino > 0) entry.ino = stats.ino;
    const existing = this.tree.get(key);
    if (existing || this.#collided.has(key)) return this.#collide(existing, entry);
    this.tree.set(key, entry);
    this.options.onItem?.({ type: 'entry', entry });
  }

  /** Two names, one key (NFC and NFD forms side by side): refuse both rather than let one overwrite the other. */
  #collide(existing: LocalEntry | undefined, entry: LocalEntry): void {
    this.#collided.add(entry.key);
    const paths = existing ? [existing.relPath, entry.relPath] : [entry.relPath];
    if (existing) this.tree.delete(existing.key);
    for (const found of findCollisions(paths)) {
      this.#skip({ relPath: found.path, key: entry.key, reason: 'invalid-name', detail: found.message, why: found.why });
    }
    if (!existing) {
      this.#skip({ relPath: entry.relPath, key: entry.key, reason: 'invalid-name', ...told(msg('scan.sameKey', { path: entry.relPath })) });
    }
  }

  /** False (and reported) when the key is not one the provider takes, or not with the pair's prefix. */
  #validKey(relPath: string, key: Key): boolean {
    if (this.#plainlyValid(key)) return true;
    const check = validateKey(key, this.#keys.prefix, this.#keys.limits);
    if (check.ok) return true;
    this.#skip({ relPath, key, reason: 'invalid-name', detail: check.problems.map((p) => p.message).join(' '), why: problemsMsg(check.problems) });
    return false;
  }

  /**
   * A cheap pre-check for the common name: a walk never yields empty or dot segments, and UTF-8 names have
   * no lone surrogates, so without control characters only the length can fail. validateKey decides the rest.
   */
  #plainlyValid(key: Key): boolean {
    if (CONTROL.test(key)) return false;
    const room = this.#keys.limits.maxKeyBytes - this.#prefixBytes;
    return key.length * 3 <= room || Buffer.byteLength(key, 'utf8') <= room;
  }

  #ignored(relPath: string, key: Key, isDir: boolean): boolean {
    const rule = this.options.ignore.reason(key, isDir);
    if (rule === undefined) return false;
    this.#skip({ relPath, key, reason: 'ignored', detail: rule });
    return true;
  }

  async #skipSymlink(relPath: string, key: Key): Promise<void> {
    let why = msg('scan.symlinkUnreadable');
    try {
      why = msg('scan.symlink', { target: await this.#call(() => this.#fs.readlink(this.#abs(relPath))) });
    } catch {
      this.options.signal?.throwIfAborted();
    }
    this.#skip({ relPath, key, reason: 'symlink', ...told(why) });
  }

  /** lstat, with a vanished entry as undefined and any other failure reported as unreadable. */
  async #lstatOrReport(relPath: string, key?: Key): Promise<Stats | undefined> {
    try {
      return await this.#lstat(this.#abs(relPath));
    } catch (error) {
      this.options.signal?.throwIfAborted();
      if (!vanished(error)) this.#skip({ relPath, key: key ?? toKey(relPath, sep), reason: 'unreadable', detail: describe(error) });
      return undefined;
    }
  }

  /**
   * A synchronous lstat takes microseconds on a local disk, five times less than a thread-pool round trip,
   * so the scan uses it in slices of a few milliseconds, yielding to the event loop between slices. Slow calls
   * (a network share, a disk spinning up) send the next ASYNC_SPELL calls down the async, bounded path.
   */
  async #lstat(path: string): Promise<Stats> {
    const lstatSyncFn = this.#fs.lstatSync;
    if (!this.#syncStat || !lstatSyncFn) return this.#asyncLstat(path);
    if (performance.now() - this.#sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.#sliceStart = performance.now();
    }
    this.options.signal?.throwIfAborted();
    const started = performance.now();
    try {
      return lstatSyncFn(path);
    } finally {
      // More than one, so a single pause (garbage collection, a busy machine) does not slow the scan.
      if (performance.now() - started > SLOW_STAT_MS && ++this.#slowStats >= SLOW_STATS_TOLERATED) {
        this.#syncStat = false;
        this.#slowStats = 0;
        this.#asyncLeft = ASYNC_SPELL;
      }
    }
  }

  #asyncLstat(path: string): Promise<Stats> {
    if (--this.#asyncLeft <= 0) this.#syncStat = true;
    return this.#call(() => this.#fs.lstat(path));
  }

  /** Concatenation, not path.join: relPath is already normal, and join's parsing was a tenth of a scan. */
  #abs(relPath: string): string {
    return relPath === '' ? this.#root : `${this.#root}${sep}${relPath}`;
  }

  #skip(item: SkippedItem): void {
    this.skipped.push(item);
    this.options.onItem?.({ type: 'skipped', item });
  }

  /** Every file system call goes through the limit, and none starts once the scan is cancelled. */
  #call<T>(fn: () => Promise<T>): Promise<T> {
    return this.#limit(() => {
      this.options.signal?.throwIfAborted();
      return fn();
    });
  }
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}
