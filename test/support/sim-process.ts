// One "process" of the app in the simulation: the engine with its own memory, a connection to the bucket and a
// handle on the state file. One-shot mode runs PairRunner.runUntilIdle; watch mode plans on the watcher's paths.
import path from 'node:path';
import type { FolderPair } from '../../src/shared/pair.js';
import type { AppError } from '../../src/shared/result.js';
import type { SyncEvent } from '../../src/main/engine/sync/events.js';
import { loadIgnoreRules, type IgnoreRules } from '../../src/main/engine/sync/ignore-rules.js';
import { S3_KEY_LIMITS } from '../../src/main/engine/sync/keys.js';
import type { PairState, SyncedEntry } from '../../src/main/engine/sync/model.js';
import { PairRunner } from '../../src/main/engine/sync/pair-runner.js';
import { SqliteSyncState, type SyncState } from '../../src/main/engine/sync/state-store.js';
import { syncOnce, type PairCache, type RunResult } from '../../src/main/engine/sync/sync-run.js';
import type { FolderWatch } from '../../src/main/engine/sync/watcher.js';
import type { MemoryBucket } from './memory-bucket.js';
import { MemoryRemote, type RemoteHooks } from './memory-remote.js';
import type { FaultInjector } from './sim-faults.js';
import type { SimClock } from './sim-world.js';

export type ProcessMode = 'one-shot' | 'watch';

export interface ProcessDeps {
  pair: FolderPair;
  bucket: MemoryBucket;
  faults: FaultInjector;
  hooks: RemoteHooks;
  /** The pair's state file: outlives every process. */
  stateDir: string;
  clock: SimClock;
  emit: (event: SyncEvent) => void;
  toError: (err: unknown) => AppError;
  /** Every ETag a process wrote into its synced tree. */
  recorded: Set<string>;
  /** Files modified more recently than this wait (on the simulation's clock). */
  stabilityMs: number;
}

export interface SimProcess {
  readonly remote: MemoryRemote;
  readonly state: PairState;
  readonly lastResult: RunResult | undefined;
  readonly lastError: AppError | undefined;
  /** Passes until nothing is left to do now. `dirty`: what the watcher saw; `full`: a timed rescan is due. */
  run(dirty: readonly string[], full: boolean): Promise<void>;
  /** The user chose Apply on a held plan. */
  approve(): void;
  /** Aborts what is in flight and waits for the pass to unwind. */
  stop(): Promise<void>;
}

const STATE_WRITES = new Set(['putSynced', 'putSyncedMany', 'deleteSynced', 'forgetPair', 'beginUpload', 'recordPart', 'finishUpload', 'dropUpload', 'recordFailure', 'clearFailure', 'noteTrashed']);
const noWatch = (): FolderWatch => ({ ready: Promise.resolve(), degraded: false, close: async () => undefined });

/** The key a state write is about: `(pairId, key, ...)` or `(pairId, entry)`. */
const keyOf = (arg: unknown): string => (typeof arg === 'string' ? arg : String((arg as { key?: unknown } | undefined)?.key ?? ''));

/**
 * A dead process writes nothing more: its state writes are dropped, and it may die right before one. The ETags
 * it records are noted.
 */
function processState(state: SqliteSyncState, remote: MemoryRemote, deps: ProcessDeps): SyncState {
  return new Proxy(state, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (!STATE_WRITES.has(String(prop))) return fn.bind(target);
      return (...args: unknown[]) => {
        if (!remote.dead && deps.faults.crashAtWrite(String(prop), keyOf(args[1]))) remote.kill('crash');
        if (remote.dead) return prop === 'recordFailure' ? 0 : undefined;
        if (prop === 'putSynced') deps.recorded.add((args[1] as SyncedEntry).etag);
        return fn.apply(target, args);
      };
    },
  });
}

interface Parts {
  deps: ProcessDeps;
  remote: MemoryRemote;
  state: SyncState;
  ignore: IgnoreRules;
}

/** A new process on the same folder, state file and bucket; nothing kept in memory from the last one. */
export async function startProcess(mode: ProcessMode, deps: ProcessDeps): Promise<{ process: SimProcess; db: SqliteSyncState }> {
  const db = new SqliteSyncState({ file: path.join(deps.stateDir, 'state.db'), random: () => 0.5 });
  const remote = new MemoryRemote(deps.bucket, deps.faults, deps.hooks);
  const parts: Parts = { deps, remote, state: processState(db, remote, deps), ignore: await loadIgnoreRules(deps.pair.localPath) };
  return { process: mode === 'watch' ? new WatchProcess(parts) : new OneShotProcess(parts), db };
}

/** The CLI's `cos-sync sync`: PairRunner's full passes until idle, sleeping on the simulation's clock. */
class OneShotProcess implements SimProcess {
  readonly remote: MemoryRemote;
  readonly #runner: PairRunner;
  readonly #clock: SimClock;

  constructor(parts: Parts) {
    const { deps } = parts;
    this.remote = parts.remote;
    this.#clock = deps.clock;
    this.#runner = new PairRunner({
      pair: deps.pair, remote: parts.remote, state: parts.state, ignore: parts.ignore, keyLimits: S3_KEY_LIMITS,
      emit: deps.emit, toError: deps.toError, now: deps.clock.now, stabilityMs: deps.stabilityMs, watch: noWatch,
    });
  }

  get state(): PairState {
    return this.#runner.state;
  }

  get lastResult(): RunResult | undefined {
    return this.#runner.lastResult;
  }

  get lastError(): AppError | undefined {
    return this.#runner.lastError;
  }

  async run(): Promise<void> {
    await this.#runner.runUntilIdle(8, async (ms) => this.#clock.advance(ms));
  }

  approve(): void {
    this.#runner.approve();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }
}

/**
 * The app's watch mode as PairRunner runs it, without chokidar or real timers: a pass over the paths the
 * watcher reported, on the cache of the last full pass; a full pass at start, after an error, on a recheck,
 * and when the timed rescan is due. (PairRunner's one-shot mode cannot plan on hints, so syncOnce is driven here.)
 */
class WatchProcess implements SimProcess {
  readonly remote: MemoryRemote;
  state: PairState = 'idle';
  lastResult: RunResult | undefined;
  lastError: AppError | undefined;
  #cache: PairCache = {};
  #approved = false;
  readonly #abort = new AbortController();
  #running: Promise<unknown> = Promise.resolve();

  constructor(private readonly parts: Parts) {
    this.remote = parts.remote;
  }

  async run(dirty: readonly string[], full: boolean): Promise<void> {
    const wholeTree = full || dirty.length === 0 || dirty.includes('') || dirty.includes('.cossyncignore');
    let only = wholeTree ? undefined : [...dirty];
    for (let pass = 0; pass < 8 && !this.#abort.signal.aborted; pass++) {
      const running = this.#pass(only);
      this.#running = running;
      const recheck = await running;
      if (!recheck) return;
      only = recheck === 'full' ? undefined : recheck; // as PairRunner: the files still being written, or everything
    }
  }

  /** One pass; what to look at again when a recheck is due (the clock moved on to it), else undefined. */
  async #pass(only: string[] | undefined): Promise<string[] | 'full' | undefined> {
    const { deps } = this.parts;
    const approved = this.#approved;
    this.#approved = false;
    try {
      const result = await syncOnce({
        pair: deps.pair, remote: this.remote, state: this.parts.state, ignore: this.parts.ignore, keyLimits: S3_KEY_LIMITS,
        cache: this.#cache, only, approved, stabilityMs: deps.stabilityMs, signal: this.#abort.signal, now: deps.clock.now,
        emit: deps.emit, toError: deps.toError,
      });
      this.lastResult = result;
      this.lastError = undefined;
      this.state = result.gated ? 'waiting-for-user' : 'idle';
      if (result.gated || result.recheckInMs === undefined) return undefined;
      deps.clock.advance(result.recheckInMs);
      return result.recheckPaths ?? 'full';
    } catch (err) {
      if (this.#abort.signal.aborted) return undefined;
      this.#cache = {}; // as PairRunner: after an error nothing kept from before is trusted
      this.lastError = deps.toError(err);
      this.state = 'error';
      return undefined;
    }
  }

  approve(): void {
    this.#approved = true;
    this.state = 'idle';
  }

  async stop(): Promise<void> {
    this.#abort.abort(new Error('stopped'));
    await this.#running.catch(() => undefined);
  }
}
