// One pass of a folder pair: scan (all, or the paths the watcher marked), list the bucket (full passes),
// plan, check the safety gates, then execute phase by phase with bounded concurrency.
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { AppFailure, english } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import type { FolderPair } from '../../../shared/pair.js';
import type { AppError } from '../../../shared/result.js';
import type { RunSummary, SyncEvent } from './events.js';
import { executeToOutcome, type ExecContext } from './executor.js';
import { declinedStill, type DeclinedUpload } from './decline.js';
import { gatePlan, type Gate } from './gates.js';
import { addHashes } from './hash-candidates.js';
import type { IgnoreRules } from './ignore-rules.js';
import type { KeyLimits } from './keys.js';
import { mergeScanInto, scanLocal, scopeFilter, type ScanResult } from './local-scan.js';
import { MARKER_FILE, type Key, type LocalEntry, type Operation, type RemoteEntry, type SyncedEntry } from './model.js';
import { makePlan, trashPrefixFor } from './plan.js';
import type { Remote } from './remote.js';
import type { SyncState } from './state-store.js';

/** What a pair keeps between passes, so a watcher hint rescans a few paths instead of everything. */
export interface PairCache {
  local?: Map<Key, LocalEntry>;
  remote?: Map<Key, RemoteEntry>;
  synced?: Map<Key, SyncedEntry>;
}

export interface RunInput {
  pair: FolderPair;
  remote: Remote;
  state: SyncState;
  ignore: IgnoreRules;
  keyLimits: KeyLimits;
  cache: PairCache;
  /** Paths the watcher marked dirty; undefined for a full pass. */
  only?: readonly string[];
  /** Run a held plan although gates trip (the user chose Apply). */
  approved?: boolean;
  /** Uploads the user declined on a held plan (Keep): refused while the file is as it was then. */
  declined?: ReadonlyMap<Key, DeclinedUpload>;
  dryRun?: boolean;
  /** Files modified more recently than this are still being written: they wait. */
  stabilityMs: number;
  signal: AbortSignal;
  now: () => number;
  emit: (event: SyncEvent) => void;
  toError: (err: unknown) => AppError;
  onPhase?: (phase: 'scanning' | 'syncing') => void;
}

export interface RunResult extends RunSummary {
  operations: Operation[];
  /** When to look again (a file still being written, a deferred item); undefined: nothing pending. */
  recheckInMs?: number;
  /** The files to look at then (still being written); undefined with recheckInMs: a full pass. */
  recheckPaths?: string[];
  /** The gates that held the plan back, when `gated`. */
  gates?: Gate[];
}

const PHASES: Operation['kind'][][] = [['copyRemote'], ['trashRemote'], ['upload', 'adopt'], ['deleteRemote', 'forget']];

async function rootFacts(root: string, synced: ReadonlyMap<Key, SyncedEntry>, approved: boolean) {
  const dir = await stat(root).catch(() => undefined);
  const exists = Boolean(dir?.isDirectory());
  const hasMarker = exists && Boolean(await stat(path.join(root, MARKER_FILE)).catch(() => undefined));
  // A first sync marks the folder, so that later an empty mount point is not taken for a folder emptied on purpose;
  // so does the user's Apply on a held plan (the folder is the right one), or the marker-missing gate never lets go.
  if (exists && !hasMarker && (synced.size === 0 || approved)) {
    await writeFile(path.join(root, MARKER_FILE), 'This folder is synced by COS Sync. Keep this file.\n');
    return { exists, readable: true, hasMarker: true, path: root };
  }
  return { exists, readable: exists, hasMarker, path: root };
}

async function scan(input: RunInput): Promise<ScanResult & { local: Map<Key, LocalEntry> }> {
  const full = !input.only || !input.cache.local;
  if (full) await input.ignore.reload().catch(() => false);
  const result = await scanLocal(input.pair.localPath, {
    ignore: input.ignore,
    signal: input.signal,
    only: full ? undefined : input.only,
    keys: { prefix: input.pair.prefix, limits: input.keyLimits },
  });
  // The walk's own tree is fresh for a full scan; a short one changes the kept tree in place (no copy of 100,000 entries).
  const local = full ? result.tree : mergeScanInto(input.cache.local!, result);
  return { ...result, local };
}

function waitingFiles(input: RunInput, local: Map<Key, LocalEntry>, scanned: ScanResult) {
  const refused = new Map<Key, string>();
  /** The refusals as messages, for the window's languages. */
  const told = new Map<Key, Msg>();
  const refuse = (key: Key, why: Msg) => (refused.set(key, english(why)), told.set(key, why));
  for (const item of scanned.skipped) if (item.key && item.reason !== 'ignored') refuse(item.key, msg('why.skipped', { reason: msg(`skip.${item.reason}`), detail: item.why ?? item.detail }));
  for (const key of declinedStill(input.declined, local)) refuse(key, msg('why.declinedUpload'));
  const now = input.now();
  let recheckInMs: number | undefined;
  const recheckPaths: string[] = [];
  // A short pass looks only at what it scanned: the rest of the tree was judged by the passes that scanned it.
  for (const [key, entry] of scanned.scope ? scanned.tree : local) {
    const age = now - entry.mtimeMs;
    if (age >= 0 && age < input.stabilityMs) {
      refuse(key, msg('why.stillWriting'));
      recheckInMs = Math.min(recheckInMs ?? Infinity, input.stabilityMs - age + 50);
      recheckPaths.push(entry.relPath);
    }
  }
  for (const failure of input.state.listFailures(input.pair.id)) {
    if (failure.nextAttemptMs > now) refuse(failure.key, msg('why.retryAfter', { error: failure.lastError }));
  }
  return { refused, told, recheckInMs, recheckPaths };
}

/** The keys a short pass plans: those under the rescanned paths, and those whose retry after a failure is due. */
function shortPassScope(input: RunInput, scope: readonly Key[]): (key: Key) => boolean {
  const now = input.now();
  const due = new Set(input.state.listFailures(input.pair.id).filter((f) => f.nextAttemptMs <= now).map((f) => f.key));
  const inScope = scopeFilter(scope);
  return due.size === 0 ? inScope : (key) => due.has(key) || inScope(key);
}

export async function syncOnce(input: RunInput): Promise<RunResult> {
  const { pair, cache } = input;
  cache.synced ??= input.state.loadSynced(pair.id);
  input.onPhase?.('scanning');
  const root = await rootFacts(pair.localPath, cache.synced, input.approved === true);
  // The walk waits on the disk and the listing on the network: side by side, a pass takes the longer of the two.
  const missing: ScanResult & { local: Map<Key, LocalEntry> } = { local: new Map(), skipped: [], tree: new Map(), rootStatus: 'missing' };
  const [scanned, remote] = await Promise.all([
    root.exists ? scan(input) : missing,
    !input.only || !cache.remote ? input.remote.list(input.signal, cache.synced.keys()) : cache.remote,
  ]);
  cache.remote = remote;
  const { refused, told, recheckInMs, recheckPaths } = waitingFiles(input, scanned.local, scanned);
  // A short pass plans the paths it rescanned (and files whose retry is due), not the whole tree again.
  const only = scanned.scope ? shortPassScope(input, scanned.scope) : undefined;
  await addHashes(pair.localPath, { local: scanned.local, remote: cache.remote, synced: cache.synced }, input.remote, input.signal, { only });
  cache.local = scanned.local;
  const plan = makePlan(scanned.local, cache.remote, cache.synced, {
    direction: 'upload', deletePolicy: pair.deletePolicy, trashPrefix: trashPrefixFor(new Date(input.now())),
    // The walk leaves out what the rules ignore (the rules it read at the start of this pass, or a short pass's
    // same rules): a key in the folder's tree is not ignored, and only the others need the rules asked.
    isIgnored: (key) => !scanned.local.has(key) && input.ignore.ignores(key, false), refused, keyPrefix: pair.prefix, keyLimits: input.keyLimits,
    ...(only ? { only } : {}),
  });
  for (const r of plan.refused) {
    const why = r.why ?? told.get(r.key);
    const kind = why?.id === 'why.stillWriting' ? 'deferred' : 'refused';
    input.emit({ type: 'outcome', outcome: { pairId: pair.id, key: r.key, kind, reason: r.message, ...(why && english(why) === r.message ? { why } : {}), atMs: input.now() } });
  }
  const summary = emptySummary(plan.operations.length, plan.refused.length);
  const gated = gatePlan(plan.operations, {
    // Files the scan refused (name collisions, unreadable) are still there: the folder is not empty.
    syncedCount: cache.synced.size, localCount: scanned.local.size + scanned.skipped.filter((s) => s.reason !== 'ignored').length, remoteCount: cache.remote.size,
    root: { ...root, readable: root.readable && scanned.rootStatus !== 'unreadable' },
    listing: { ok: true }, thresholds: { maxDeletes: pair.maxDeletes, maxDeleteShare: pair.maxDeleteShare },
    syncedKeys: cache.synced,
  });
  if (gated.state === 'waiting-for-user' && !input.approved) {
    input.emit({ type: 'gated', pairId: pair.id, gates: gated.gates, operations: gated.operations });
    return { ...summary, gated: true, inSync: false, operations: plan.operations, recheckInMs, recheckPaths, gates: gated.gates };
  }
  if (input.dryRun) return { ...summary, inSync: plan.operations.length === 0, operations: plan.operations, recheckInMs, recheckPaths };
  input.onPhase?.('syncing');
  const done = await executePlan(input, plan.operations, summary);
  // A deferred item may be waiting on the bucket (changed since the listing): that needs a full pass.
  if (done.deferred) return { ...done, operations: plan.operations, recheckInMs: Math.min(recheckInMs ?? Infinity, 1000) };
  return { ...done, operations: plan.operations, recheckInMs, recheckPaths };
}

function emptySummary(planned: number, refused: number): RunSummary {
  return { planned, done: 0, failed: 0, deferred: 0, refused, bytesUploaded: 0, inSync: false, gated: false };
}

async function executePlan(input: RunInput, operations: Operation[], summary: RunSummary): Promise<RunSummary> {
  const ctx: ExecContext = {
    pairId: input.pair.id, root: input.pair.localPath, remote: input.remote, state: input.state, synced: input.cache.synced!,
    signal: input.signal, now: input.now,
    onProgress: (key, sentBytes, totalBytes) => input.emit({ type: 'progress', pairId: input.pair.id, key, sentBytes, totalBytes }),
  };
  const limit = pLimit(input.pair.fileConcurrency);
  for (const phase of PHASES) {
    const ops = operations.filter((op) => phase.includes(op.kind));
    await Promise.all(ops.map((op) => limit(() => runOne(input, ctx, op, summary))));
  }
  const inSync = summary.failed === 0 && summary.deferred === 0 && summary.refused === 0;
  return { ...summary, inSync };
}

async function runOne(input: RunInput, ctx: ExecContext, op: Operation, summary: RunSummary): Promise<void> {
  input.signal.throwIfAborted();
  const outcome = await executeToOutcome(ctx, op, input.toError);
  input.emit({ type: 'outcome', outcome });
  if (outcome.kind === 'failed') {
    summary.failed++;
    // A fatal error is the connection's, not the file's: no per-file back-off, or the file would still wait once it is fixed.
    if (outcome.error && FATAL.has(outcome.error.code)) throw new AppFailure(outcome.error);
    input.state.recordFailure(input.pair.id, op.key, outcome.error?.message ?? 'failed', input.now());
    return;
  }
  if (outcome.kind === 'deferred') summary.deferred++;
  else {
    summary.done++;
    mirrorRemote(input.cache.remote, op, ctx.synced, input.now());
  }
  summary.bytesUploaded += outcome.bytes ?? 0;
  if (input.state.getFailure(input.pair.id, op.key)) input.state.clearFailure(input.pair.id, op.key);
}

/**
 * What a finished operation did to the bucket, written into the cached listing: a watcher's short pass plans
 * on that cache, and a stale one would see our own uploads as deleted by someone else (upload again, or the
 * listing-empty gate after a first sync).
 */
function mirrorRemote(remote: Map<Key, RemoteEntry> | undefined, op: Operation, synced: ReadonlyMap<Key, SyncedEntry>, nowMs: number): void {
  if (!remote) return;
  if (op.kind === 'trashRemote' || op.kind === 'deleteRemote') {
    const was = remote.get(op.key);
    remote.delete(op.key);
    if (op.kind === 'trashRemote' && was) remote.set(op.trashKey, { ...was, key: op.trashKey });
  } else if (op.kind === 'upload' || op.kind === 'copyRemote') {
    const s = synced.get(op.key);
    if (s) remote.set(op.key, { key: op.key, size: s.size, etag: s.etag, lastModifiedMs: nowMs, mtimeMs: s.mtimeMs, ...(s.md5 ? { md5: s.md5 } : {}), ...(s.crc64 ? { crc64: s.crc64 } : {}) });
  }
}

/** Failures that no other item can escape: the run stops and the pair shows the error and its fix. */
export const FATAL = new Set<AppError['code']>(['access-key-unknown', 'signature-mismatch', 'no-such-bucket', 'clock-skewed', 'keychain-unavailable', 'secret-missing']);

