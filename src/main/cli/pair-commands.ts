// `cos-sync pair add|list|remove|pause|resume`, `status` and `run`: the saved folder pairs the app also uses.
import type { DeletePolicy } from '../../shared/pair.js';
import type { SyncService } from '../engine/sync/sync-service.js';
import { EXIT, report, reportFailure, type Printer } from './output.js';
import { eventPrinter, limitsFrom, parseTarget } from './sync-commands.js';
import { appError } from '../../shared/errors.js';

export interface PairAddOptions {
  delete?: DeletePolicy;
  maxDeletes?: string;
  paused?: boolean;
  bwlimit?: string;
  transfers?: string;
}

export async function pairAdd(service: SyncService, printer: Printer, folder: string, target: string, options: PairAddOptions): Promise<number> {
  const parsed = parseTarget(target);
  if (!parsed) return reportFailure(printer, appError('invalid-argument', { message: `"${target}" is not a target.`, hint: 'Write it as <profile>:<bucket>[/<prefix>].' }));
  const maxDeletes = options.maxDeletes === undefined ? undefined : Number(options.maxDeletes);
  if (maxDeletes !== undefined && !(Number.isInteger(maxDeletes) && maxDeletes >= 0)) {
    return reportFailure(printer, appError('invalid-argument', { message: '--max-deletes takes a whole number.' }));
  }
  const { limits, error } = limitsFrom(options);
  if (error) return reportFailure(printer, appError('invalid-argument', { message: error }));
  const added = await service.addPair({
    ...limits,
    localPath: folder, profile: parsed.profile, bucket: parsed.bucket, prefix: parsed.prefix,
    ...(options.delete ? { deletePolicy: options.delete } : {}), ...(maxDeletes !== undefined ? { maxDeletes } : {}), paused: options.paused ?? false,
  });
  return report(printer, added, (pair) => `Added pair ${pair.id}: ${pair.localPath} → ${pair.profile}:${pair.bucket}/${pair.prefix} (deletes: ${pair.deletePolicy}).`);
}

export function pairList(service: SyncService, printer: Printer): number {
  const pairs = service.listPairs().map((s) => s.pair);
  if (printer.json) printer.out(JSON.stringify(pairs, null, 2));
  else printer.out(pairs.length ? pairs.map((p) => `${p.id}\t${p.localPath}\t${p.profile}:${p.bucket}/${p.prefix}\t${p.deletePolicy}${p.paused ? '\tpaused' : ''}`).join('\n') : 'No folder pairs yet. Add one with `cos-sync pair add <folder> <profile>:<bucket>[/<prefix>]`.');
  return EXIT.ok;
}

export async function pairRemove(service: SyncService, printer: Printer, id: string): Promise<number> {
  return report(printer, await service.removePair(id), () => `Removed pair ${id}. No file was deleted, locally or in the bucket.`);
}

export async function pairPause(service: SyncService, printer: Printer, id: string, paused: boolean): Promise<number> {
  return report(printer, await service.setPaused(id, paused), (pairs) => `${paused ? 'Paused' : 'Resumed'} ${pairs.length} pair(s).`);
}

export function status(service: SyncService, printer: Printer): number {
  const rows = service.listPairs().map((s) => ({ ...s, ...service.counts(s.pair.id) }));
  if (printer.json) printer.out(JSON.stringify(rows.map((r) => ({ id: r.pair.id, localPath: r.pair.localPath, target: `${r.pair.profile}:${r.pair.bucket}/${r.pair.prefix}`, paused: r.pair.paused, synced: r.synced, failing: r.failing })), null, 2));
  else printer.out(rows.length ? rows.map((r) => `${r.pair.id}\t${r.pair.paused ? 'paused' : 'active'}\t${r.synced} file(s) in sync\t${r.failing} failing\t${r.pair.localPath}`).join('\n') : 'No folder pairs.');
  return EXIT.ok;
}

/** Runs every saved pair continuously, as the app does, until interrupted. */
export async function runAll(service: SyncService, printer: Printer): Promise<number> {
  const stop = service.onEvent(eventPrinter(printer));
  await service.startAll();
  if (!printer.json) printer.err(`Syncing ${service.listPairs().length} pair(s); press Ctrl+C to stop.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stop();
  return EXIT.ok;
}
