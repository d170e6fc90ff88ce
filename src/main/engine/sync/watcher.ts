// The watcher is a hint (DESIGN.md): chokidar events only mark paths dirty, debounced and coalesced into
// one call; the engine then rescans those paths and checks stability itself. Full scans still run on a timer.
import { lstatSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import { appError } from '../../../shared/errors.js';
import { msg } from '../../../shared/messages.js';
import type { AppError } from '../../../shared/result.js';
import { IGNORE_FILE, type IgnoreRules } from './ignore-rules.js';
import { toKey } from './keys.js';
import { narrowTargets } from './local-scan.js';
import { errorCode } from './scan-support.js';

export interface WatchOptions {
  ignore: IgnoreRules;
  /**
   * Paths relative to the root, OS separators, ready for `scanLocal({ only })`; [''] means "rescan it all".
   * `.cossyncignore` among them means the rules changed: reload them, restart the watcher, scan everything.
   */
  onDirty: (relPaths: string[]) => void;
  /** Reported once per kind; the watcher goes on with what it still watches. */
  onError: (error: AppError) => void;
  /** Quiet time before a burst is reported. */
  debounceMs?: number;
  /** Longest a path waits while changes keep coming (a long copy still gets scanned as it goes). */
  maxDelayMs?: number;
  /** More dirty paths than this at once are reported as [''] (one full scan is cheaper). */
  maxPaths?: number;
}

export interface FolderWatch {
  /** Resolves once the initial directory walk is done and events are live (or the watcher is closed). */
  readonly ready: Promise<void>;
  /** True once some folders could not be watched (limits reached): only timed scans see changes there. */
  readonly degraded: boolean;
  close(): Promise<void>;
}

/** What FolderWatcher needs from chokidar; tests pass an EventEmitter. */
export interface WatchSource {
  on(event: 'all', listener: (event: string, path: string) => void): unknown;
  /** The operating system's event on a watched folder: `name` is the child that changed (absent on some systems). */
  on(event: 'raw', listener: (event: string, name: string | null | undefined, details: { watchedPath?: string }) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  close(): Promise<void>;
}

/**
 * Watches `root` with chokidar, light: folders only, no awaitWriteFinish (the engine re-checks size and mtime
 * before upload). chokidar watches each file it tracks with a watcher and a closure of its own (about 9 KB
 * of memory per file); a folder's watch already reports every change to the files in it, by name, as a
 * `raw` event. So files are left out of chokidar's tracking and the folders' raw events mark them dirty.
 */
export function watchFolder(root: string, options: WatchOptions): FolderWatch {
  const absRoot = resolve(root);
  const source = watch(absRoot, {
    ignoreInitial: true, // the engine runs a full scan at start
    followSymlinks: false, // the scan does not follow them either
    ignorePermissionErrors: true, // the scan reports unreadable items, per item
    atomic: false, // we coalesce unlink+add ourselves, and chokidar's atomic mode hides some names
    ignored: (path: string, stats?: { isDirectory(): boolean }) => isIgnored(absRoot, options.ignore, path, stats),
  });
  return new FolderWatcher(absRoot, source, options);
}

/**
 * chokidar's `ignored`: skips what the rules ignore (never the rules file itself), and every non-folder,
 * which the folder's own watch covers.
 */
function isIgnored(root: string, rules: IgnoreRules, path: string, stats?: { isDirectory(): boolean }): boolean {
  const rel = toRelative(root, path);
  if (rel === undefined || rel === '') return false;
  if (stats && !stats.isDirectory()) return true;
  // Without stats we cannot tell a folder; answering as for a file watches a little more, never less.
  return rel !== IGNORE_FILE && rules.ignores(toKey(rel, sep), stats?.isDirectory() ?? false);
}

function toRelative(root: string, path: string): string | undefined {
  const rel = isAbsolute(path) ? relative(root, path) : path;
  return rel.startsWith('..') ? undefined : rel;
}

export class FolderWatcher implements FolderWatch {
  readonly ready: Promise<void>;
  #degraded = false;
  #closed = false;
  #resolveReady: () => void = () => {};
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #firstDirtyAt = 0;
  readonly #reported = new Set<string>();
  readonly #debounceMs: number;
  readonly #maxDelayMs: number;
  readonly #maxPaths: number;

  constructor(
    private readonly root: string,
    private readonly source: WatchSource,
    private readonly options: WatchOptions,
  ) {
    this.#debounceMs = options.debounceMs ?? 300;
    this.#maxDelayMs = Math.max(options.maxDelayMs ?? 5_000, this.#debounceMs);
    this.#maxPaths = options.maxPaths ?? 1_000;
    this.ready = new Promise((resolve) => {
      this.#resolveReady = resolve;
      source.on('ready', resolve);
    });
    source.on('all', (event, path) => this.#onEvent(event, path));
    // A folder's watch names the child that changed; without a name, the folder itself is rescanned.
    source.on('raw', (_event, name, details) => {
      if (details?.watchedPath !== undefined) this.#onEvent('raw', name ? join(details.watchedPath, name) : details.watchedPath);
    });
    source.on('error', (error) => this.#onError(error));
  }

  get degraded(): boolean {
    return this.#degraded;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty.clear();
    this.#resolveReady(); // nobody waits forever on a watcher closed before it was ready
    await this.source.close();
  }

  #onEvent(event: string, path: string): void {
    if (this.#closed) return;
    const rel = toRelative(this.root, path);
    if (rel === undefined) return;
    // chokidar may report a path before it knew it was ignored (no stats yet): filter again here.
    if (rel !== '' && rel !== IGNORE_FILE && this.#ignored(rel, event, path)) return;
    this.#mark(rel);
  }

  /** A raw event does not say whether the child is a folder: where the rules care (`node_modules/`), look. */
  #ignored(rel: string, event: string, path: string): boolean {
    const key = toKey(rel, sep);
    const rules = this.options.ignore;
    if (event !== 'raw') return rules.ignores(key, event === 'addDir' || event === 'unlinkDir');
    const asFile = rules.ignores(key, false);
    if (asFile === rules.ignores(key, true)) return asFile;
    try {
      return rules.ignores(key, lstatSync(path).isDirectory());
    } catch {
      return asFile; // gone already: its name is reported, and the scan finds nothing there
    }
  }

  #mark(rel: string): void {
    if (this.#dirty.size === 0) this.#firstDirtyAt = Date.now();
    this.#dirty.add(rel);
    clearTimeout(this.#timer);
    // Trailing debounce, but never past maxDelayMs from the first change of the burst.
    const waited = Date.now() - this.#firstDirtyAt;
    const delay = Math.max(0, Math.min(this.#debounceMs, this.#maxDelayMs - waited));
    this.#timer = setTimeout(() => this.#flush(), delay);
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#closed || this.#dirty.size === 0) return;
    const rulesChanged = this.#dirty.has(IGNORE_FILE);
    const paths = narrowTargets([...this.#dirty]);
    this.#dirty.clear();
    let report = paths.length > this.#maxPaths ? [''] : paths;
    // The rules file must survive any collapse to ['']: it tells the engine to reload the rules.
    if (rulesChanged && !report.includes(IGNORE_FILE)) report = [...report, IGNORE_FILE];
    try {
      this.options.onDirty(report);
    } catch (error) {
      // A throwing listener must not kill the process from inside a timer.
      this.options.onError(appError('unknown', { detail: `onDirty failed: ${String(error)}` }));
    }
  }

  #onError(error: unknown): void {
    if (this.#closed) return;
    const code = errorCode(error) ?? 'unknown';
    if (code === 'ENOSPC' || code === 'EMFILE') this.#degraded = true;
    if (this.#reported.has(code)) return; // one report per kind: ENOSPC comes once per folder
    this.#reported.add(code);
    this.options.onError(watchError(error, this.root));
  }
}

/** An error from the file watcher, in the user's words, with the fix where there is one. */
export function watchError(error: unknown, root: string): AppError {
  const code = errorCode(error);
  const detail = `${root}: ${error instanceof Error ? error.message : String(error)}`;
  if (code === 'ENOSPC') {
    return appError('watch-limit', {
      message:
        'The system limit on watched folders (inotify watches) is reached, so some changes in this folder are only ' +
        'noticed by the regular full scans.',
      hint:
        'Raise the limit: run `sudo sysctl fs.inotify.max_user_watches=524288`, and add the line ' +
        '`fs.inotify.max_user_watches=524288` to /etc/sysctl.conf to keep it after a restart. Or ignore large ' +
        'folders (node_modules/, build output) in .cossyncignore.',
      detail,
    });
  }
  if (code === 'EMFILE') {
    return appError('watch-limit', {
      message: msg('error.tooManyOpen'),
      hint: msg('hint.tooManyOpen'),
      detail,
    });
  }
  return appError('unknown', {
    message: msg('error.watchFailed'),
    detail,
  });
}
