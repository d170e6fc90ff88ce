// One control loop per folder pair (syncthing's folder.Serve): a full pass at start and on a timer, short
// passes over the paths the watcher marks dirty, one pass at a time, with an explicit state pushed as events.
import { setMaxListeners } from 'node:events';
import type { FolderPair } from '../../../shared/pair.js';
import type { AppError } from '../../../shared/result.js';
import { declineHeld, type DeclinedUploads, type DeclineResult, type HeldPlan } from './decline.js';
import type { SyncEvent } from './events.js';
import type { IgnoreRules } from './ignore-rules.js';
import type { KeyLimits } from './keys.js';
import type { PairState } from './model.js';
import type { Remote } from './remote.js';
import type { SyncState } from './state-store.js';
import { syncOnce, type PairCache, type RunResult } from './sync-run.js';
import { watchFolder, type FolderWatch, type WatchOptions } from './watcher.js';

export interface PairRunnerDeps {
  pair: FolderPair;
  remote: Remote;
  state: SyncState;
  ignore: IgnoreRules;
  keyLimits: KeyLimits;
  emit: (event: SyncEvent) => void;
  toError: (err: unknown) => AppError;
  now?: () => number;
  stabilityMs?: number;
  /** Plan only: nothing is executed (`cos-sync sync --dry-run`). */
  dryRun?: boolean;
  /** Replaces chokidar in tests. */
  watch?: (root: string, options: WatchOptions) => FolderWatch;
  /** Where Keep on a held plan records the uploads it declined (absent: Keep on all-changed declines nothing). */
  declined?: DeclinedUploads;
}

const ERROR_RETRY_MS = [5_000, 30_000, 120_000, 600_000];
/** The first pass waits for the watcher's walk of the folder, but never longer than this. */
const WATCH_READY_WAIT_MS = 60_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
/**
 * A file modified this recently is taken to be still being written and waits. Short, because the upload
 * re-checks the file (size, mtime, and each part's CRC-64 against a first read) and starts over if it moved.
 */
export const DEFAULT_STABILITY_MS = 500;

export class PairRunner {
  #state: PairState = 'idle';
  #cache: PairCache = {};
  #pendingFull = false;
  #pendingPaths = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #rescan: NodeJS.Timeout | undefined;
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;
  #watcher: FolderWatch | undefined;
  #approved = false;
  /** The plan the gates held back, while waiting for the user. */
  #heldPlan: HeldPlan | undefined;
  #errors = 0;
  #stopped = false;
  /** Delayed requests (a file still being written, a retry after an error). */
  #later = new Set<NodeJS.Timeout>();
  /** The CLI's one-shot sync: passes run back to back, nothing is scheduled for later. */
  #oneShot = false;
  #cleanedUp = false;
  /** Work that must not overlap a pass (a restore from the trash) is running: no pass starts. */
  #held = 0;
  lastError: AppError | undefined;
  lastResult: RunResult | undefined;

  constructor(private readonly deps: PairRunnerDeps) {
    if (deps.pair.paused) this.#state = 'paused';
  }

  get state(): PairState {
    return this.#state;
  }

  get pairId(): string {
    return this.deps.pair.id;
  }

  /** A full pass now, then watching and timed rescans. */
  start(): void {
    const watcher = (this.deps.watch ?? watchFolder)(this.deps.pair.localPath, {
      ignore: this.deps.ignore,
      onDirty: (paths) => this.request(paths.includes('') || paths.includes('.cossyncignore') ? 'full' : paths),
      onError: (error) => {
        this.deps.emit({ type: 'notice', pairId: this.pairId, error });
        // Without watches the timed scans are all there is: run them every minute.
        if (error.code === 'watch-limit') this.#armRescan(1);
      },
    });
    this.#watcher = watcher;
    // The first pass once the watcher is live: a change made before that is in the scan, one after it is
    // reported; and the watcher's walk and the pass do not hold their garbage at the same time (about half
    // the peak memory on a large folder).
    if (this.#state !== 'paused') void Promise.race([watcher.ready, delay(WATCH_READY_WAIT_MS)]).then(() => this.request('full'));
    this.#armRescan();
  }

  /** Asks for a pass: 'full', or the paths the watcher saw change. */
  request(what: 'full' | readonly string[], delayMs = 0): void {
    if (this.#stopped || this.#oneShot) return;
    if (delayMs > 0) {
      const later = setTimeout(() => {
        this.#later.delete(later);
        this.request(what);
      }, delayMs);
      this.#later.add(later);
      return;
    }
    if (what === 'full') this.#pendingFull = true;
    else what.forEach((p) => this.#pendingPaths.add(p));
    if (this.#state === 'paused' || this.#running || this.#held) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#drain(), delayMs);
  }

  /**
   * The CLI's one-shot sync: full passes until one leaves nothing to wait for (files still being written,
   * deferred items), at most `maxPasses`; resolves with the last pass, or undefined after an error (lastError).
   */
  async runUntilIdle(maxPasses = 10, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<RunResult | undefined> {
    this.#oneShot = true;
    for (let pass = 0; pass < maxPasses && !this.#stopped; pass++) {
      this.#pendingFull = true;
      await this.#drain();
      const wait = this.lastResult?.recheckInMs;
      if (this.#state === 'error' || this.#state === 'waiting-for-user' || wait === undefined) break;
      await sleep(wait);
    }
    return this.#state === 'error' ? undefined : this.lastResult;
  }

  pause(): void {
    this.#setState('paused');
    this.#abort?.abort(new Error('paused'));
  }

  resume(): void {
    if (this.#state !== 'paused') return;
    this.#setState('idle');
    this.request('full');
  }

  /** The user looked at the held plan and chose Apply: the next pass runs it despite its gates. */
  approve(): void {
    this.#approved = true;
    this.#setState('idle');
    this.request('full');
  }

  /**
   * Runs `work` between passes (after the current one ends, before any other starts), then forgets what the
   * pair kept in memory and runs a full pass: the work changed the folder, the bucket or the synced tree.
   */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#held++;
    try {
      await this.#running?.catch(() => undefined);
      return await work();
    } finally {
      this.#held--;
      this.#cache = {};
      if (this.#held === 0) this.request('full');
    }
  }

  /**
   * The user looked at the held plan and chose Keep: declines what the gates held back (decline.ts says what
   * that means per gate; nothing is deleted). Undefined when no plan is held.
   */
  async decline(): Promise<DeclineResult | undefined> {
    await this.#running?.catch(() => undefined);
    const held = this.#heldPlan;
    if (!held || this.#state !== 'waiting-for-user') return undefined;
    this.#heldPlan = undefined;
    const result = declineHeld(held, {
      pairId: this.pairId, state: this.deps.state, now: this.deps.now ?? Date.now, ...(this.deps.declined ? { declined: this.deps.declined } : {}),
    });
    this.#cache = {}; // the synced tree changed under the cache: the next pass reads it afresh
    result.outcomes.forEach((outcome) => this.deps.emit({ type: 'outcome', outcome }));
    this.deps.emit({ type: 'notice', pairId: this.pairId, error: result.notice });
    if (result.pause) this.pause();
    else {
      this.#setState('idle');
      this.request('full');
    }
    return result;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#rescan);
    this.#later.forEach((t) => clearTimeout(t));
    this.#abort?.abort(new Error('stopped'));
    await this.#running?.catch(() => undefined);
    await this.#watcher?.close();
  }

  #armRescan(minutes = this.deps.pair.rescanMinutes): void {
    clearInterval(this.#rescan);
    this.#rescan = setInterval(() => this.request('full'), minutes * 60_000);
    this.#rescan.unref();
  }

  async #drain(): Promise<void> {
    if (this.#running) return this.#running;
    clearTimeout(this.#timer);
    this.#running = (async () => {
      while ((this.#pendingFull || this.#pendingPaths.size) && this.#state !== 'paused' && !this.#stopped && !this.#held) {
        const only = this.#pendingFull ? undefined : [...this.#pendingPaths];
        this.#pendingFull = false;
        this.#pendingPaths.clear();
        await this.#pass(only);
      }
    })();
    try {
      await this.#running;
    } finally {
      this.#running = undefined;
    }
  }

  async #pass(only: string[] | undefined): Promise<void> {
    this.#abort = new AbortController();
    // Every request of the pass listens to this one signal: up to files x parts in flight, each with the SDK's listeners.
    setMaxListeners(4 * this.deps.pair.fileConcurrency * this.deps.pair.partConcurrency + 16, this.#abort.signal);
    const approved = this.#approved;
    this.#approved = false;
    try {
      const result = await syncOnce({
        ...this.deps, cache: this.#cache, only, approved, declined: this.deps.declined?.load(this.pairId), stabilityMs: this.deps.stabilityMs ?? DEFAULT_STABILITY_MS,
        signal: this.#abort.signal, now: this.deps.now ?? Date.now, onPhase: (phase) => this.#setState(phase),
      });
      this.lastResult = result;
      this.#errors = 0;
      this.lastError = undefined;
      this.deps.emit({ type: 'run', pairId: this.pairId, phase: 'finished', summary: result });
      this.#heldPlan = result.gated ? { gates: result.gates ?? [], operations: result.operations } : undefined;
      this.#setState(result.gated ? 'waiting-for-user' : 'idle');
      if (result.recheckInMs !== undefined) this.request(result.recheckPaths ?? 'full', result.recheckInMs);
      if (!only && !this.#cleanedUp && !this.deps.dryRun) await this.#abortStaleUploads();
    } catch (err) {
      if (this.#abort.signal.aborted) return;
      this.#cache = {}; // after an error, trust nothing kept from before: the next pass lists and scans afresh
      this.lastError = this.deps.toError(err);
      this.#setState('error', this.lastError);
      this.request('full', ERROR_RETRY_MS[Math.min(this.#errors++, ERROR_RETRY_MS.length - 1)]);
    }
  }

  /** Once per start, after a full pass: multipart uploads nothing tracks any more are aborted (after a grace period). */
  async #abortStaleUploads(): Promise<void> {
    this.#cleanedUp = true;
    try {
      await this.deps.remote.abortStaleUploads?.(this.#abort!.signal);
    } catch (err) {
      this.deps.emit({ type: 'notice', pairId: this.pairId, error: this.deps.toError(err) });
    }
  }

  #setState(state: PairState, error?: AppError): void {
    if (this.#state === 'paused' && state !== 'idle') return;
    this.#state = state;
    this.deps.emit({ type: 'state', pairId: this.pairId, state, ...(error ? { error } : {}) });
  }
}
