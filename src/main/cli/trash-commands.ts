// `cos-sync trash list|restore`: the bucket's trash of a saved folder pair, and putting files or folders back.
import type { SyncService } from '../engine/sync/sync-service.js';
import type { TrashEntry } from '../engine/sync/trash-list.js';
import type { RestoreOutcome } from '../engine/sync/trash-restore.js';
import { EXIT, reportFailure, type Printer } from './output.js';
import { SYNC_EXIT } from './sync-commands.js';

const pad = (n: number) => String(n).padStart(2, '0');
/** Local time, to the second: when the user deleted the file. */
export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function entryLine(e: TrashEntry): string {
  return `${localTime(e.trashedAtMs)}\t${humanSize(e.size)}\t${e.originalKey}\t${e.reason ?? 'Trashed by another computer (no reason recorded here).'}\t${e.trashKey}`;
}

export async function trashList(service: SyncService, printer: Printer, pairOrFolder: string): Promise<number> {
  const listed = await service.listTrash(pairOrFolder);
  if (!listed.ok) return reportFailure(printer, listed.error);
  const { pair, entries } = listed.value;
  if (printer.json) {
    printer.out(JSON.stringify({ pair: pair.id, entries: entries.map(({ etag: _etag, ...e }) => ({ ...e, trashedAt: new Date(e.trashedAtMs).toISOString() })) }, null, 2));
    return EXIT.ok;
  }
  if (entries.length === 0) {
    printer.out(`The bucket's trash of ${pair.localPath} is empty.`);
    return EXIT.ok;
  }
  printer.out(['Trashed at\tSize\tOriginal key\tWhy\tIn the trash as', ...entries.map(entryLine)].join('\n'));
  printer.err(`${entries.length} item(s). Restore with \`cos-sync trash restore ${pairOrFolder} <original key | folder/ | trash key>\`.`);
  return EXIT.ok;
}

function outcomeLine(o: RestoreOutcome): string {
  if (o.error) return `✘ ${o.originalKey}: ${o.error.message}${o.error.hint ? ` What to do: ${o.error.hint}` : ''}`;
  const where = o.restoredKey === o.originalKey ? o.originalKey : `${o.originalKey} → ${o.restoredKey}`;
  return `✔ ${where}${o.inFolder ? ' (bucket and folder)' : ' (bucket only)'}${o.note ? `\n    ${o.note}` : ''}`;
}

/** Exit 0 when every item is back, 3 when some failed. */
export async function trashRestore(service: SyncService, printer: Printer, pairOrFolder: string, items: string[]): Promise<number> {
  const restored = await service.restoreTrash(pairOrFolder, items);
  if (!restored.ok) return reportFailure(printer, restored.error);
  const { outcomes } = restored.value;
  const failed = outcomes.filter((o) => o.error).length;
  if (printer.json) printer.out(JSON.stringify({ pair: restored.value.pair.id, outcomes }, null, 2));
  else {
    printer.out(outcomes.map(outcomeLine).join('\n'));
    printer.err(`${outcomes.length - failed} of ${outcomes.length} restored.`);
  }
  return failed ? SYNC_EXIT.partial : EXIT.ok;
}

/**
 * Deletes for good what is in the trash for more than `days` days, only with `--yes`; without it, lists what
 * would go and exits 4 (held: nothing was changed).
 */
export async function trashEmpty(service: SyncService, printer: Printer, pairOrFolder: string, days: number, yes: boolean): Promise<number> {
  const done = await service.emptyTrash(pairOrFolder, days, yes);
  if (!done.ok) return reportFailure(printer, done.error);
  const { entries, deleted } = done.value;
  if (printer.json) printer.out(JSON.stringify({ pair: done.value.pair.id, deleted, entries: entries.map(({ etag: _etag, ...e }) => e) }, null, 2));
  else if (entries.length === 0) printer.out(`Nothing in the trash is older than ${days} day(s).`);
  else {
    printer.out(entries.map(entryLine).join('\n'));
    printer.err(deleted
      ? `Deleted ${entries.length} object(s) from the trash for good.`
      : `Nothing was deleted. These ${entries.length} object(s) would be deleted for good and could not be restored: run again with --yes to delete them.`);
  }
  return deleted || entries.length === 0 ? EXIT.ok : SYNC_EXIT.gated;
}
