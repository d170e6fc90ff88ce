// One seeded simulation scenario (DESIGN.md tests tier 3): the real engine (PairRunner, SQLite state, scan)
// against a MemoryBucket and a temp folder, with faults, crashes and restarts, then a clean pass and the invariants.
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appError, AppFailure } from '../../src/shared/errors.js';
import type { FolderPair } from '../../src/shared/pair.js';
import type { AppError } from '../../src/shared/result.js';
import type { SyncEvent } from '../../src/main/engine/sync/events.js';
import type { GateId } from '../../src/main/engine/sync/gates.js';
import type { DeletePolicy } from '../../src/main/engine/sync/model.js';
import { DEFAULT_STABILITY_MS } from '../../src/main/engine/sync/pair-runner.js';
import type { SqliteSyncState } from '../../src/main/engine/sync/state-store.js';
import { MemoryBucket } from './memory-bucket.js';
import { SimCrash, type ProcessEnd } from './memory-remote.js';
import { checkSettled, orphans } from './sim-check.js';
import { FaultInjector, profileFor } from './sim-faults.js';
import { startProcess, type ProcessMode, type SimProcess } from './sim-process.js';
import { Rng, yieldTurns } from './sim-random.js';
import { SimClock, SimWorld } from './sim-world.js';

export interface SimReport {
  seed: number;
  violations: string[];
  stats: Map<string, number>;
  /** What happened, step by step (world, bucket, outcomes), for a failure's report. */
  trace: string[];
}

const START_MS = Date.UTC(2026, 2, 1, 9, 0, 0);
const HOUR = 3_600_000;
/** Gates a user may approve when the folder is really there. */
const APPROVABLE = new Set<GateId>(['too-many-deletes', 'all-changed', 'listing-empty', 'root-empty', 'marker-missing']);

export class Simulation {
  readonly rng: Rng;
  readonly clock = new SimClock(START_MS);
  readonly world: SimWorld;
  readonly bucket: MemoryBucket;
  readonly faults: FaultInjector;
  readonly pair: FolderPair;
  readonly violations: string[] = [];
  readonly stats = new Map<string, number>();
  readonly trace: string[] = [];
  readonly recordedEtags = new Set<string>();
  readonly mode: ProcessMode;
  /** Often 0; else the app's default or more, so fresh files wait a pass (on the fake clock: no real time). */
  readonly stabilityMs: number;
  readonly #states: SqliteSyncState[] = [];
  #proc!: SimProcess;
  #lastFullMs = 0;
  /** Outcomes of planned operations (not refusals): a clean second pass adds none. */
  #done = 0;
  #gates: GateId[] = [];
  #removalsAtGate = 0;

  constructor(
    readonly seed: number,
    readonly base: string,
  ) {
    this.rng = Rng.keyed(seed, 'scenario');
    this.world = new SimWorld(seed, base, this.clock, () => this.bucket);
    this.faults = new FaultInjector(seed, profileFor(seed));
    this.pair = this.#pairFor(this.rng);
    this.mode = this.rng.chance(0.35) ? 'watch' : 'one-shot';
    this.stabilityMs = this.rng.pick([0, 0, DEFAULT_STABILITY_MS, 2000]);
    this.bucket = new MemoryBucket({
      deletePolicy: this.pair.deletePolicy, cosHashes: this.rng.chance(0.5), now: this.clock.now,
      syncedEtag: (key) => this.#states.at(-1)?.getSynced(this.pair.id, key)?.etag,
      isIgnored: (key) => this.world.isIgnored(key),
    });
    this.bucket.onChange = (line) => this.#note(line);
  }

  #pairFor(rng: Rng): FolderPair {
    return {
      id: 'sim', localPath: this.world.root, profile: 'sim', bucket: 'sim-bucket', prefix: rng.pick(['', 'team/']),
      deletePolicy: rng.pick<DeletePolicy>(['trash', 'trash', 'delete', 'keep']), paused: false,
      maxDeletes: rng.pick([50, 2, 4]), maxDeleteShare: 0.5, rescanMinutes: rng.pick([10, 60]), bandwidthLimit: 0,
      fileConcurrency: rng.pick([1, 1, 2, 4]), partConcurrency: 1,
    };
  }

  async run(): Promise<void> {
    this.#note(`pair: ${this.mode}, policy ${this.pair.deletePolicy}, maxDeletes ${this.pair.maxDeletes}, concurrency ${this.pair.fileConcurrency}, stability ${this.stabilityMs}, faults ${this.faults.profile.rate}, mid ${this.world.midRate}`);
    await this.world.init();
    await this.world.edits(this.rng.range(0, 2));
    await this.#start();
    await this.sync();
    const steps = this.rng.range(3, 7);
    for (let step = 1; step <= steps; step++) {
      this.faults.epoch = step;
      this.clock.advance(this.rng.range(1, 30) * 60_000);
      await this.world.remount(); // a drive unmounted in the middle of the last pass is back
      await this.#step();
    }
    await this.#settle();
  }

  async #step(): Promise<void> {
    const kind = this.rng.weighted({ edits: 14, unmount: 1.5, wipe: 0.8, wipeBucket: 0.4, ignoreRule: 0.6, markerLost: 0.4 });
    this.#note(`step: ${kind}`);
    if (kind === 'unmount') return this.#unmountedStep();
    if (kind === 'wipe') await this.world.wipe();
    else if (kind === 'wipeBucket') this.world.wipeBucket();
    else if (kind === 'ignoreRule') await this.world.addIgnoreRule();
    else if (kind === 'markerLost') await this.world.deleteMarker();
    else await this.world.edits(this.rng.range(1, 4));
    await this.sync();
  }

  /** While the drive is away nothing may be removed from the bucket, however often the engine looks. */
  async #unmountedStep(): Promise<void> {
    await this.world.unmount(this.rng.chance(0.5));
    const removals = this.bucket.engineRemovals;
    await this.sync();
    if (this.bucket.engineRemovals !== removals) this.#violate(`${this.bucket.engineRemovals - removals} objects removed while the root was unmounted`);
    await this.world.remount();
  }

  /** Passes until idle; a process that ends is restarted; a held plan is approved when the user would. */
  async sync(full = false): Promise<void> {
    for (let round = 0; round < 8; round++) {
      const ended = await this.#runOnce(full);
      if (ended) {
        this.#count(`process-${ended}`);
        await this.#start();
        continue;
      }
      if (this.#proc.state !== 'waiting-for-user' || !this.#mayApprove()) return;
      if (this.bucket.engineRemovals !== this.#removalsAtGate) this.#violate(`objects removed while a plan was held (${this.#gates.join(', ')})`);
      this.#count('approved');
      this.#proc.approve();
    }
  }

  #mayApprove(): boolean {
    return this.world.mounted && this.#gates.every((g) => APPROVABLE.has(g));
  }

  async #runOnce(forceFull = false): Promise<ProcessEnd | undefined> {
    const proc = this.#proc;
    const full = forceFull || this.clock.ms - this.#lastFullMs >= this.pair.rescanMinutes * 60_000;
    if (full) this.#lastFullMs = this.clock.ms;
    this.bucket.closeWindows(); // nothing of the engine is in flight between runs
    this.world.active = true;
    const run = proc.run(this.world.takeDirty(), full).then(
      () => undefined,
      (err: unknown) => this.#violate(`a run rejected: ${(err as Error)?.stack ?? String(err)}`),
    );
    const ended = await Promise.race([run, proc.remote.ended]);
    if (ended) {
      await proc.stop(); // aborts what the process still had in flight
      proc.remote.kill(ended);
    }
    await run;
    this.world.active = false;
    await this.world.quiet();
    if (!ended) return undefined;
    this.#note(`process ended (${ended}); restarting`);
    return ended;
  }

  /** A new process: the same folder, state file and bucket; nothing kept in memory. */
  async #start(): Promise<void> {
    const { process, db } = await startProcess(this.mode, {
      pair: this.pair, bucket: this.bucket, faults: this.faults, hooks: this.world.hooks(), stateDir: this.base,
      clock: this.clock, emit: (event) => this.#onEvent(event), toError: (err) => this.#toError(err), recorded: this.recordedEtags,
      stabilityMs: this.stabilityMs,
    });
    this.#states.push(db);
    this.#proc = process;
    this.#lastFullMs = -Infinity; // a process starts with a full pass
  }

  /** Faults off, the folder back, back-off expired: the engine must converge, and a second pass plan nothing. */
  async #settle(): Promise<void> {
    this.#note('settle: faults off');
    this.faults.enabled = false;
    this.world.hooksOn = false;
    await this.world.remount();
    this.clock.advance(2 * HOUR);
    await this.sync(true);
    if (this.#proc.state !== 'idle') this.#violate(`did not settle: ${this.#proc.state} ${this.#proc.lastError?.message ?? ''} (${this.#gates.join(', ')})`);
    const last = this.#proc.lastResult;
    if (last && last.failed > 0) this.#violate(`the settling pass had ${last.failed} failures`);
    const facts = {
      world: this.world, bucket: this.bucket, synced: this.#states.at(-1)!.loadSynced(this.pair.id),
      policy: this.pair.deletePolicy, recordedEtags: this.recordedEtags,
    };
    for (const v of await checkSettled(facts)) this.#violate(v);
    this.#count('orphans', orphans(facts));
    await this.#secondPass();
  }

  async #secondPass(): Promise<void> {
    const before = this.#proc.lastResult;
    const done = this.#done;
    await this.#proc.run([], true);
    if (this.#done !== done) this.#violate(`a second clean pass carried out ${this.#done - done} operations`);
    const result = this.#proc.lastResult;
    const ops = result?.operations ?? [];
    if (!result || result === before || this.#proc.state !== 'idle') this.#violate(`the second clean pass failed: ${this.#proc.state} ${this.#proc.lastError?.message ?? ''}`);
    else if (ops.length > 0) this.#violate(`a second clean pass planned ${ops.map((o) => `${o.kind} ${o.key} (${o.reason})`).join('; ')}`);
  }

  #onEvent(event: SyncEvent): void {
    if (event.type === 'gated') {
      this.#gates = event.gates.map((g) => g.id);
      this.#removalsAtGate = this.bucket.engineRemovals;
      for (const g of this.#gates) this.#count(`gate:${g}`);
      this.#note(`gated: ${this.#gates.join(', ')}`);
    } else if (event.type === 'outcome') {
      const o = event.outcome;
      this.#count(`outcome:${o.kind}`);
      if (o.kind !== 'refused') this.#done++;
      this.#note(`${o.kind} ${o.key}: ${o.reason}${o.error ? ` [${o.error.code}: ${o.error.detail ?? o.error.message}]` : ''}`);
    } else if (event.type === 'state' && event.error) {
      this.#note(`error: ${event.error.code} ${event.error.detail ?? event.error.message}`);
    }
  }

  /** Every failure the engine reports must be an AppFailure (or our simulated crash): anything else escaped. */
  #toError(err: unknown): AppError {
    if (err instanceof AppFailure) return err.appError;
    if (!(err instanceof SimCrash)) this.#violate(`an unexpected error escaped: ${(err as Error)?.stack ?? String(err)}`);
    return appError('unknown', { detail: String(err) });
  }

  #violate(message: string): void {
    this.violations.push(message);
    this.#note(`VIOLATION ${message}`);
  }

  #note(line: string): void {
    this.trace.push(`[${(this.clock.ms - START_MS) / 1000}s] ${line}`);
  }

  #count(what: string, n = 1): void {
    this.stats.set(what, (this.stats.get(what) ?? 0) + n);
  }

  async close(): Promise<void> {
    await this.#proc?.stop();
    await yieldTurns(3);
    for (const state of this.#states) state.close();
    for (const [fault, n] of this.faults.seen) if (fault !== 'none') this.#count(`fault:${fault}`, n);
    for (const [action, n] of this.world.actions) if (!/^(call|mid):/.test(action)) this.#count(`world:${action}`, n);
  }
}

/** A RAM disk where there is one (the scenario's fsyncs dominate on a slow disk); COS_SYNC_SIM_TMP overrides. */
function scratchDir(): string {
  if (process.env.COS_SYNC_SIM_TMP) return process.env.COS_SYNC_SIM_TMP;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** A scenario takes well under a second; one that runs this long is stuck (a pass that never ends). */
const STUCK_MS = 30_000;

export async function simulate(seed: number): Promise<SimReport> {
  const base = await mkdtemp(path.join(scratchDir(), `cos-sync-sim-${seed}-`));
  const sim = new Simulation(seed, base);
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<'stuck'>((resolve) => (timer = setTimeout(() => resolve('stuck'), STUCK_MS)));
  try {
    if ((await Promise.race([sim.run(), stuck])) === 'stuck') sim.violations.push(`the scenario did not finish in ${STUCK_MS / 1000} s: the engine hung`);
  } catch (err) {
    sim.violations.push(`the scenario threw: ${(err as Error)?.stack ?? String(err)}`);
  } finally {
    clearTimeout(timer);
    await Promise.race([sim.close(), stuck]);
    await rm(base, { recursive: true, force: true });
  }
  return { seed, violations: sim.violations, stats: sim.stats, trace: sim.trace };
}
