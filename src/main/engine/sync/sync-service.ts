// The folder pairs as the app and the CLI manage them: persisted in the settings, validated (no overlaps),
// each run by its own PairRunner over an S3 remote, their events fanned out to whoever listens.
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { appError, AppFailure } from '../../../shared/errors.js';
import { msg } from '../../../shared/messages.js';
import { FolderPairSchema, findOverlap, normalisePrefix, type FolderPair, type FolderPairInput } from '../../../shared/pair.js';
import { validateBucketName } from '../../../shared/bucket.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { SettingsStore } from '../config/settings-store.js';
import type { ConnectionService } from '../connection/service.js';
import { toAppError } from '../s3/error-map.js';
import type { ActivityLog } from './activity-log.js';
import type { DeclinedUploads, DeclineResult } from './decline.js';
import type { ItemOutcome, SyncEvent, SyncListener } from './events.js';
import { readIgnoreFile, saveIgnoreFile } from './ignore-edit.js';
import type { PairChanges } from '../../../shared/pair-edit.js';
import { loadIgnoreRules } from './ignore-rules.js';
import { keyLimitsFor } from './keys.js';
import type { PairState } from './model.js';
import { PairRunner, type PairRunnerDeps } from './pair-runner.js';
import { S3Remote } from './s3-remote.js';
import type { SyncState } from './state-store.js';
import type { S3Connection } from '../s3/client-factory.js';
import * as files from './pair-files.js';
import type { TrashEntry } from './trash-list.js';
import type { RestoreOutcome } from './trash-restore.js';
import type { RunResult } from './sync-run.js';

export interface SyncServiceDeps {
  settings: SettingsStore;
  connections: ConnectionService;
  state: SyncState;
  now?: () => number;
  caseInsensitivePaths?: boolean;
  watch?: PairRunnerDeps['watch'];
  stabilityMs?: number;
  /** Keeps every outcome (recent activity after a restart). */
  activity?: ActivityLog;
  /** Where Keep on a held plan records the uploads it declined. */
  declined?: DeclinedUploads;
}

export interface PairStatus {
  pair: FolderPair;
  state: PairState;
  lastRun?: RunResult;
}

export const toError = (err: unknown) => (err instanceof AppFailure ? err.appError : toAppError(err));

export class SyncService {
  readonly #runners = new Map<string, PairRunner>();
  readonly #listeners = new Set<SyncListener>();
  /** Whether the saved pairs run continuously here (the app, `cos-sync run`), so a resumed pair should start. */
  #started = false;

  constructor(private readonly deps: SyncServiceDeps) {}

  onEvent(listener: SyncListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit = (event: SyncEvent) => {
    if (event.type === 'outcome') this.deps.activity?.record(event.outcome);
    this.#listeners.forEach((listener) => listener(event));
  };

  /** The newest per-item outcomes, oldest first (the last ACTIVITY_PER_PAIR of each pair are kept). */
  recentActivity(options: { pairId?: string; limit?: number } = {}): ItemOutcome[] {
    return this.deps.activity?.recent(options) ?? [];
  }

  /**
   * Changes a pair's settings. The bucket, prefix and connection are fixed: the synced state describes that
   * target, so a new one is a new pair (remove it and add the folder again). A running pair restarts with the
   * new settings (a transfer in progress resumes).
   */
  async updatePair(changes: PairChanges): Promise<Result<FolderPair>> {
    const pair = this.#find(changes.id);
    if (!pair) return fail(appError('pair-not-found'));
    const prefix = changes.prefix === undefined ? ok(pair.prefix) : normalisePrefix(changes.prefix);
    if (!prefix.ok) return fail({ ...prefix.error, field: 'prefix' });
    const moved = (['bucket', 'profile'] as const).find((k) => changes[k] !== undefined && changes[k] !== pair[k]) ?? (prefix.value !== pair.prefix ? 'prefix' : undefined);
    if (moved) return fail({ ...appError('invalid-argument', { message: msg('error.targetFixed'), hint: msg('hint.targetFixed') }), field: moved });
    const { id: _id, bucket: _b, prefix: _p, profile: _pr, ...settable } = changes;
    const updated = FolderPairSchema.parse({ ...pair, ...Object.fromEntries(Object.entries(settable).filter(([, v]) => v !== undefined)) });
    const saved = await this.deps.settings.update((s) => ({ ...s, pairs: s.pairs.map((p) => (p.id === pair.id ? updated : p)) }));
    if (!saved.ok) return saved;
    const runner = this.#runners.get(pair.id);
    if (runner) {
      await runner.stop();
      this.#runners.delete(pair.id);
      await this.#startOrReport(updated);
    }
    return ok(updated);
  }

  /** The folder's `.cossyncignore` ('' when it has none). */
  async readIgnoreRules(id: string): Promise<Result<string>> {
    const pair = this.#find(id);
    return pair ? readIgnoreFile(pair.localPath) : fail(appError('pair-not-found'));
  }

  /** Checks and saves the folder's `.cossyncignore` (the old one kept as `.cossyncignore~`); a full pass follows. */
  async saveIgnoreRules(id: string, text: string): Promise<Result<string>> {
    const pair = this.#find(id);
    if (!pair) return fail(appError('pair-not-found'));
    const saved = await saveIgnoreFile(pair.localPath, text);
    if (saved.ok) this.#runners.get(id)?.request('full');
    return saved;
  }

  /** Keep on a held plan: declines it (decline.ts); a pair whose folder is in doubt stays paused, saved so. */
  async decline(id: string): Promise<Result<DeclineResult>> {
    const runner = this.#runners.get(id);
    if (!runner) return fail(appError('pair-not-found'));
    const result = await runner.decline();
    if (!result) return fail(appError('invalid-argument', { message: msg('error.nothingHeld'), hint: msg('hint.nothingHeld') }));
    if (result.pause) {
      const saved = await this.deps.settings.update((s) => ({ ...s, pairs: s.pairs.map((p) => (p.id === id ? { ...p, paused: true } : p)) }));
      if (!saved.ok) return saved;
    }
    return ok(result);
  }

  listPairs(): PairStatus[] {
    return this.deps.settings.get().pairs.map((pair) => {
      const runner = this.#runners.get(pair.id);
      return { pair, state: runner?.state ?? (pair.paused ? 'paused' : 'idle'), ...(runner?.lastResult ? { lastRun: runner.lastResult } : {}) };
    });
  }

  /** Validates a new pair (folder exists, profile known, bucket name, prefix, no overlap) without saving it. */
  async preparePair(input: Omit<FolderPairInput, 'id'> & { id?: string }): Promise<Result<FolderPair>> {
    const localPath = path.resolve(input.localPath);
    const dir = await stat(localPath).catch(() => undefined);
    if (!dir?.isDirectory()) return fail(appError('root-missing', { message: msg('error.folderMissing', { path: localPath }), hint: msg('hint.chooseFolder') }));
    const profile = this.deps.settings.getProfile(input.profile);
    if (!profile.ok) return profile;
    const bucket = validateBucketName(input.bucket, profile.value.provider);
    if (!bucket.ok) return bucket;
    const prefix = normalisePrefix(input.prefix ?? path.basename(localPath));
    if (!prefix.ok) return prefix;
    const pair = FolderPairSchema.parse({ ...input, id: input.id ?? randomUUID(), localPath, profile: profile.value.name, bucket: bucket.value, prefix: prefix.value });
    const overlap = findOverlap(pair, this.deps.settings.get().pairs, { sep: path.sep, caseInsensitive: this.deps.caseInsensitivePaths ?? process.platform !== 'linux', endpointOf: (name) => this.#endpointOf(name) });
    return overlap.ok ? ok(pair) : overlap;
  }

  async addPair(input: Omit<FolderPairInput, 'id'>): Promise<Result<FolderPair>> {
    const pair = await this.preparePair(input);
    if (!pair.ok) return pair;
    const saved = await this.deps.settings.update((s) => ({ ...s, pairs: [...s.pairs, pair.value] }));
    return saved.ok ? pair : saved;
  }

  /** Removes the pair and what the engine knew of it; no file is deleted, locally or in the bucket. */
  async removePair(id: string): Promise<Result<{ removed: true }>> {
    if (!this.#find(id)) return fail(appError('pair-not-found'));
    await this.#runners.get(id)?.stop();
    this.#runners.delete(id);
    const saved = await this.deps.settings.update((s) => ({ ...s, pairs: s.pairs.filter((p) => p.id !== id) }));
    if (!saved.ok) return saved;
    this.deps.state.forgetPair(id);
    this.deps.activity?.forgetPair(id);
    this.deps.declined?.forgetPair(id);
    return ok({ removed: true });
  }

  async setPaused(id: string | 'all', paused: boolean): Promise<Result<FolderPair[]>> {
    const ids = id === 'all' ? this.deps.settings.get().pairs.map((p) => p.id) : [id];
    if (id !== 'all' && !this.#find(id)) return fail(appError('pair-not-found'));
    const saved = await this.deps.settings.update((s) => ({ ...s, pairs: s.pairs.map((p) => (ids.includes(p.id) ? { ...p, paused } : p)) }));
    if (!saved.ok) return saved;
    for (const pair of saved.value.pairs.filter((p) => ids.includes(p.id))) {
      const runner = this.#runners.get(pair.id);
      if (paused) runner?.pause();
      else if (runner) runner.resume();
      // A pair that could not start (no connection at the time) gets another try when resumed.
      else if (this.#started) await this.#startOrReport(pair);
    }
    return ok(saved.value.pairs.filter((p) => ids.includes(p.id)));
  }

  /** What the state database knows of a pair: files in sync, and files waiting to retry after a failure. */
  counts(pairId: string): { synced: number; failing: number } {
    return { synced: this.deps.state.loadSynced(pairId).size, failing: this.deps.state.listFailures(pairId).length };
  }

  approve(id: string): Result<void> {
    const runner = this.#runners.get(id);
    if (!runner) return fail(appError('pair-not-found'));
    runner.approve();
    return ok(undefined);
  }

  /** Starts every saved pair: a full pass, then watching. A pair that cannot start shows its error. */
  async startAll(): Promise<void> {
    this.#started = true;
    for (const pair of this.deps.settings.get().pairs) await this.#startOrReport(pair);
  }

  async #startOrReport(pair: FolderPair): Promise<void> {
    const runner = await this.watchPair(pair);
    if (!runner.ok) this.#emit({ type: 'state', pairId: pair.id, state: 'error', error: runner.error });
  }

  /** Runs a pair continuously (saved, or given on the command line): a full pass, then watching. */
  async watchPair(pair: FolderPair): Promise<Result<PairRunner>> {
    const runner = await this.#runner(pair);
    if (runner.ok) runner.value.start();
    return runner;
  }

  /**
   * One-shot sync of a pair (saved or not): passes until in sync, gated or failed. `onHeld` answers a held plan
   * at once, as Apply or Keep in the window would (after the plan has been reported by its `gated` event).
   */
  async syncOnce(pair: FolderPair, options: { dryRun?: boolean; onHeld?: 'approve' | 'decline' } = {}): Promise<Result<{ result?: RunResult; state: PairState; declined?: DeclineResult }>> {
    const runner = await this.#runner(pair, options.dryRun);
    if (!runner.ok) return runner;
    try {
      let result = await runner.value.runUntilIdle();
      let declined: DeclineResult | undefined;
      const held = runner.value.state === 'waiting-for-user' && !options.dryRun ? options.onHeld : undefined;
      if (held === 'approve') {
        runner.value.approve();
        result = await runner.value.runUntilIdle();
      } else if (held === 'decline') {
        declined = await runner.value.decline();
        // Declining a plan held because the folder or the listing is in doubt changes nothing and runs nothing.
        if (declined && !declined.pause) result = await runner.value.runUntilIdle();
      }
      if (!result && runner.value.lastError) return fail(runner.value.lastError);
      return ok({ ...(result ? { result } : {}), state: runner.value.state, ...(declined ? { declined } : {}) });
    } finally {
      await runner.value.stop();
      this.#runners.delete(pair.id);
    }
  }

  /** A saved pair by id, or by its folder (as typed on the command line). */
  findPair(idOrFolder: string): FolderPair | undefined {
    const pairs = this.deps.settings.get().pairs;
    return pairs.find((p) => p.id === idOrFolder) ?? pairs.find((p) => p.localPath === path.resolve(idOrFolder));
  }

  /**
   * Runs `work` on a saved pair with a connection of its profile (closed afterwards). `exclusive` work changes
   * the folder, the bucket or the synced tree: it runs between two passes of the pair's runner, if one runs here.
   */
  async withPair<T>(idOrFolder: string, work: (pair: FolderPair, connection: S3Connection) => Promise<Result<T>>, exclusive = false): Promise<Result<T>> {
    const pair = this.findPair(idOrFolder);
    if (!pair) return fail(appError('pair-not-found', { message: `No saved folder pair has the id or folder “${idOrFolder}”.` }));
    const connection = await this.deps.connections.connect({ name: pair.profile });
    if (!connection.ok) return connection;
    const run = () => work(pair, connection.value).catch((err: unknown) => fail(toError(err)));
    const runner = this.#runners.get(pair.id);
    try {
      return exclusive && runner ? await runner.exclusive(run) : await run();
    } finally {
      connection.value.destroy();
    }
  }

  #files = () => ({ state: this.deps.state, now: this.deps.now ?? Date.now, toError });

  listTrash(idOrFolder: string): Promise<Result<{ pair: FolderPair; entries: TrashEntry[] }>> {
    return this.withPair(idOrFolder, async (pair, connection) => ok({ pair, entries: await files.listTrash(this.#files(), pair, connection) }));
  }

  /** Puts trashed versions back (trash-restore.ts says how); `wanted`: trash keys, original keys, or folders ending in `/`. */
  restoreTrash(idOrFolder: string, wanted: readonly string[]): Promise<Result<{ pair: FolderPair; outcomes: RestoreOutcome[] }>> {
    return this.withPair(idOrFolder, async (pair, connection) => {
      const restored = await files.restoreTrash(this.#files(), pair, connection, wanted);
      return restored.ok ? ok({ pair, outcomes: restored.value }) : restored;
    }, true);
  }

  /**
   * What is in the trash for more than `days` days, and, only with `confirmed`, deletes it for good (nothing can
   * bring it back): the caller shows the list and asks first.
   */
  emptyTrash(idOrFolder: string, days: number, confirmed: boolean): Promise<Result<{ pair: FolderPair; entries: TrashEntry[]; deleted: boolean }>> {
    return this.withPair(idOrFolder, async (pair, connection) => ok(confirmed
      ? { pair, entries: await files.emptyTrash(this.#files(), pair, connection, days), deleted: true }
      : { pair, entries: await files.oldTrash(this.#files(), pair, connection, days), deleted: false }));
  }

  /** A link that downloads the pair's object `key` (relative to its prefix) for `expiresInSeconds`. */
  presignLink(idOrFolder: string, key: string, expiresInSeconds: number): Promise<Result<{ key: string; url: string; expiresAtMs: number }>> {
    return this.withPair(idOrFolder, (pair, connection) => files.presignLink(pair, connection, key, expiresInSeconds));
  }

  /** Where the pair's file `key` is in the folder, or its nearest folder that still exists. */
  async localPlace(idOrFolder: string, key: string): Promise<Result<{ path: string; isFile: boolean }>> {
    const pair = this.findPair(idOrFolder);
    return pair ? files.localPlace(pair, key) : fail(appError('pair-not-found'));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((r) => r.stop()));
    this.#runners.clear();
    this.deps.activity?.flush();
  }

  /** Pairs on different profiles still overlap when the profiles point at the same service. */
  #endpointOf(profileName: string): string {
    const found = this.deps.settings.getProfile(profileName);
    return found.ok ? found.value.endpoint : profileName;
  }

  #find(id: string): FolderPair | undefined {
    return this.deps.settings.get().pairs.find((p) => p.id === id);
  }

  async #runner(pair: FolderPair, dryRun = false): Promise<Result<PairRunner>> {
    const connection = await this.deps.connections.connect({ name: pair.profile });
    if (!connection.ok) return connection;
    const remote = new S3Remote({ connection: connection.value, bucket: pair.bucket, prefix: pair.prefix, pairId: pair.id, state: this.deps.state, partConcurrency: pair.partConcurrency, bandwidthLimit: pair.bandwidthLimit });
    const ignore = await loadIgnoreRules(pair.localPath).catch((err) => err as Error);
    if (ignore instanceof Error) {
      remote.close();
      return fail(appError('unknown', { message: `The ignore rules of ${pair.localPath} could not be read.`, detail: ignore.message }));
    }
    const runner = new PairRunner({
      pair, remote, state: this.deps.state, ignore, keyLimits: keyLimitsFor(connection.value.resolved.provider),
      emit: this.#emit, toError, now: this.deps.now, watch: this.deps.watch, stabilityMs: this.deps.stabilityMs, dryRun, declined: this.deps.declined,
    });
    this.#runners.set(pair.id, runner);
    return ok(runner);
  }
}
