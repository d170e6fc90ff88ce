// `cos-sync sync`, `pair …`, `status` and `run`: the folder pairs from the command line, with the same engine
// as the app. Exit codes add to output.ts's: 3 partly synced (item errors), 4 held by a safety gate.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { splitBucketAndPrefix } from '../../shared/bucket.js';
import { appError } from '../../shared/errors.js';
import { parseRate } from '../../shared/pair-edit.js';
import type { DeletePolicy } from '../../shared/pair.js';
import type { SyncEvent } from '../engine/sync/events.js';
import type { Operation } from '../engine/sync/model.js';
import type { SyncService } from '../engine/sync/sync-service.js';
import type { RunResult } from '../engine/sync/sync-run.js';
import { EXIT, reportFailure, type Printer } from './output.js';

export const SYNC_EXIT = { ...EXIT, partial: 3, gated: 4 } as const;

export interface SyncOptions {
  watch?: boolean;
  dryRun?: boolean;
  delete?: DeletePolicy;
  json?: boolean;
  bwlimit?: string;
  transfers?: string;
  /** A plan held by a safety gate is run anyway (Apply in the window). */
  approve?: boolean;
  /** A plan held by a safety gate is declined (Keep in the window): nothing is deleted. */
  keep?: boolean;
}

export { parseRate };

/** The pair settings given as flags, or the message for a flag that cannot be read. */
export function limitsFrom(options: Pick<SyncOptions, 'bwlimit' | 'transfers'>): { limits?: { bandwidthLimit?: number; fileConcurrency?: number }; error?: string } {
  const limits: { bandwidthLimit?: number; fileConcurrency?: number } = {};
  if (options.bwlimit !== undefined) {
    const rate = parseRate(options.bwlimit);
    if (rate === undefined) return { error: `--bwlimit "${options.bwlimit}" is not a rate: use bytes per second with K, M or G, e.g. 10M.` };
    limits.bandwidthLimit = rate;
  }
  if (options.transfers !== undefined) {
    const n = Number(options.transfers);
    if (!Number.isInteger(n) || n < 1 || n > 64) return { error: '--transfers takes a whole number from 1 to 64.' };
    limits.fileConcurrency = n;
  }
  return { limits };
}

/** `work:examplebucket-1250000000/photos` → profile, bucket, prefix. */
export function parseTarget(target: string): { profile: string; bucket: string; prefix: string } | undefined {
  const colon = target.indexOf(':');
  if (colon <= 0) return undefined;
  const { bucket, prefix } = splitBucketAndPrefix(target.slice(colon + 1));
  return bucket ? { profile: target.slice(0, colon), bucket, prefix } : undefined;
}

const badTarget = (printer: Printer, target: string) =>
  reportFailure(printer, appError('invalid-argument', { message: `"${target}" is not a target.`, hint: 'Write it as <profile>:<bucket>[/<prefix>], e.g. work:examplebucket-1250000000/photos.' }));

export function describeOperation(op: Operation): string {
  const target = op.kind === 'trashRemote' ? ` → ${op.trashKey}` : op.kind === 'copyRemote' ? ` ← ${op.fromKey}` : '';
  return `${op.kind.padEnd(11)} ${op.key}${target}  (${op.reason})`;
}

/** Prints events as they come: one JSON line each with --json, else a line per item and state change. */
export function eventPrinter(printer: Printer): (event: SyncEvent) => void {
  return (event) => {
    if (printer.json) return printer.out(JSON.stringify(event));
    if (event.type === 'outcome') {
      const { kind, key, reason, error } = event.outcome;
      const line = `${kind.padEnd(9)} ${key}${kind === 'failed' ? `: ${error?.message}${error?.hint ? ` ${error.hint}` : ''}` : kind === 'refused' || kind === 'deferred' ? `: ${reason}` : ''}`;
      (kind === 'failed' ? printer.err : printer.out)(line);
    } else if (event.type === 'state' && event.error) {
      printer.err(`Error: ${event.error.message}${event.error.hint ? `\n  What to do: ${event.error.hint}` : ''}`);
    } else if (event.type === 'gated') {
      printer.err(`Held for you to decide, nothing was changed:\n${event.gates.map((g) => `  - ${g.message} ${g.hint}`).join('\n')}`);
      event.operations.slice(0, 20).forEach((op) => printer.err(`    ${describeOperation(op)}`));
    } else if (event.type === 'progress' && printer.status) {
      const mb = (n: number) => (n / 1e6).toFixed(1);
      const percent = event.totalBytes ? Math.floor((100 * event.sentBytes) / event.totalBytes) : 100;
      printer.status(`${percent}% ${event.key} (${mb(event.sentBytes)} of ${mb(event.totalBytes)} MB)`);
    } else if (event.type === 'notice') {
      printer.err(`Note: ${event.error.message}${event.error.hint ? ` ${event.error.hint}` : ''}`);
    }
  };
}

export function exitCodeOf(result: RunResult | undefined, gated: boolean): number {
  if (gated || result?.gated) return SYNC_EXIT.gated;
  if (!result) return SYNC_EXIT.failed;
  return result.inSync ? SYNC_EXIT.ok : SYNC_EXIT.partial;
}

function summaryLine(result: RunResult): string {
  const mb = (result.bytesUploaded / 1e6).toFixed(1);
  const state = result.inSync ? 'In sync' : result.gated ? 'Held by a safety gate' : 'Partly synced';
  return `${state}: ${result.done} done, ${result.failed} failed, ${result.deferred} deferred, ${result.refused} refused; ${mb} MB uploaded.`;
}

export async function sync(service: SyncService, printer: Printer, folder: string, target: string, options: SyncOptions): Promise<number> {
  const parsed = parseTarget(target);
  if (!parsed) return badTarget(printer, target);
  const localPath = path.resolve(folder);
  const saved = service.listPairs().find((s) => s.pair.localPath === localPath && s.pair.bucket === parsed.bucket && s.pair.profile === parsed.profile);
  // A stable id for the same folder and target, so an interrupted upload resumes on the next run.
  const id = saved?.pair.id ?? `cli-${createHash('sha256').update([localPath, target].join('\0')).digest('hex').slice(0, 16)}`;
  const { limits, error } = limitsFrom(options);
  if (error) return reportFailure(printer, appError('invalid-argument', { message: error }));
  const pair = await service.preparePair({ ...saved?.pair, id, localPath, profile: parsed.profile, bucket: parsed.bucket, prefix: parsed.prefix, ...limits, ...(options.delete ? { deletePolicy: options.delete } : {}) });
  if (!pair.ok) return reportFailure(printer, pair.error);
  const stop = service.onEvent(eventPrinter(printer));
  try {
    if (options.approve && options.keep) return reportFailure(printer, appError('invalid-argument', { message: '--approve and --keep answer a held plan in opposite ways: give one of them.' }));
    if (options.watch) return await watch(service, pair.value, printer);
    const onHeld = options.approve ? 'approve' : options.keep ? 'decline' : undefined;
    const run = await service.syncOnce(pair.value, { dryRun: options.dryRun, ...(onHeld ? { onHeld } : {}) });
    if (!run.ok) return reportFailure(printer, run.error);
    const result = run.value.result;
    if (options.dryRun && result && !printer.json) result.operations.forEach((op) => printer.out(describeOperation(op)));
    if (result && !printer.json) printer.out(options.dryRun ? `${result.operations.length} operation(s) planned; nothing was changed.` : summaryLine(result));
    if (run.value.declined?.pause) return SYNC_EXIT.gated; // declined, and the folder is still in doubt: nothing ran
    return options.dryRun ? SYNC_EXIT.ok : exitCodeOf(result, run.value.state === 'waiting-for-user');
  } finally {
    stop();
  }
}

async function watch(service: SyncService, pair: Parameters<SyncService['syncOnce']>[0], printer: Printer): Promise<number> {
  const started = await service.watchPair(pair);
  if (!started.ok) return reportFailure(printer, started.error);
  if (!printer.json) printer.err(`Watching ${pair.localPath}; press Ctrl+C to stop.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  return SYNC_EXIT.ok;
}
