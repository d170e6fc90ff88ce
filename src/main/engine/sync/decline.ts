// Keep on a held plan: the user declines what the safety gates held back. Nothing is ever deleted by a decline;
// what it means depends on the gate:
// - the folder or the listing is in doubt (root-missing, root-unreadable, root-empty, marker-missing,
//   listing-failed, listing-empty): nothing is changed and the pair stays paused with a message saying what to
//   fix; Resume looks again (and holds the plan again if the folder is still wrong).
// - too-many-deletes: the objects the plan would have removed stay in the bucket, and the pair forgets them
//   (as the "keep" delete policy does): they are no longer its own to delete, so the same gate is not raised
//   again; the rest of the plan runs on the next pass.
// - all-changed: the files held back are not uploaded; each is refused while it keeps the size and mtime it had
//   (the bucket keeps its version), and uploads normally once it changes again.
import type Database from 'better-sqlite3';
import { appError, english } from '../../../shared/errors.js';
import { filesMsg, msg } from '../../../shared/messages.js';
import type { AppError } from '../../../shared/result.js';
import type { ItemOutcome } from './events.js';
import type { Gate, GateId } from './gates.js';
import type { Key, Operation } from './model.js';
import type { SyncState } from './state-store.js';

export interface HeldPlan {
  gates: Gate[];
  operations: Operation[];
}

/** A file whose upload the user declined, as it was then. */
export interface DeclinedUpload {
  size: number;
  mtimeMs: number;
}

/** The gates that doubt the folder or the listing themselves: declining them keeps the pair paused. */
export const PAUSING_GATES: ReadonlySet<GateId> = new Set(['root-missing', 'root-unreadable', 'root-empty', 'marker-missing', 'listing-failed', 'listing-empty']);

export class DeclinedUploads {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  load(pairId: string): Map<Key, DeclinedUpload> {
    const rows = this.#db.prepare('SELECT key, size, mtime_ms FROM declined WHERE pair_id = ?').all(pairId) as { key: string; size: number; mtime_ms: number }[];
    return new Map(rows.map((r) => [r.key, { size: r.size, mtimeMs: r.mtime_ms }]));
  }

  put(pairId: string, entries: { key: Key; size: number; mtimeMs: number }[], nowMs: number): void {
    const insert = this.#db.prepare('INSERT OR REPLACE INTO declined (pair_id, key, size, mtime_ms, declined_at_ms) VALUES (?, ?, ?, ?, ?)');
    this.#db.transaction(() => entries.forEach((e) => insert.run(pairId, e.key, e.size, e.mtimeMs, nowMs)))();
  }

  forgetPair(pairId: string): void {
    this.#db.prepare('DELETE FROM declined WHERE pair_id = ?').run(pairId);
  }
}

export interface DeclineContext {
  pairId: string;
  state: Pick<SyncState, 'deleteSynced'>;
  /** Without it (a one-shot sync), uploads held by all-changed cannot be declined: they stay held. */
  declined?: Pick<DeclinedUploads, 'put'>;
  now: () => number;
}

export interface DeclineResult {
  /** The pair stays paused (the folder or listing is in doubt). */
  pause: boolean;
  /** What was done, for the pair's card and the CLI. */
  notice: AppError;
  /** One per item the decline changed how the pair treats. */
  outcomes: ItemOutcome[];
}

export function declineHeld(held: HeldPlan, ctx: DeclineContext): DeclineResult {
  if (held.gates.some((g) => PAUSING_GATES.has(g.id))) {
    return { pause: true, notice: appError('plan-declined', { message: msg('notice.declinedRoot'), hint: msg('hint.declinedRoot') }), outcomes: [] };
  }
  const outcomes: ItemOutcome[] = [];
  const atMs = ctx.now();
  const removals = held.gates.filter((g) => g.id === 'too-many-deletes').flatMap((g) => g.operations);
  const kept = [...new Set(removals.map((op) => op.key))];
  const whyKept = msg('why.declinedDelete');
  for (const key of kept) {
    ctx.state.deleteSynced(ctx.pairId, key);
    outcomes.push({ pairId: ctx.pairId, key, kind: 'forgotten', reason: english(whyKept), why: whyKept, atMs });
  }
  const uploads = !ctx.declined ? [] : held.gates.filter((g) => g.id === 'all-changed').flatMap((g) => g.operations)
    .flatMap((op) => (op.kind === 'upload' ? [{ key: op.key, size: op.local.size, mtimeMs: op.local.mtimeMs }] : []));
  ctx.declined?.put(ctx.pairId, uploads, atMs);
  const whyRefused = msg('why.declinedUpload');
  for (const u of uploads) outcomes.push({ pairId: ctx.pairId, key: u.key, kind: 'refused', reason: english(whyRefused), why: whyRefused, atMs });
  const said = uploads.length > 0 && kept.length === 0
    ? msg('notice.declinedUploads', { files: filesMsg(uploads.length) })
    : msg('notice.declinedDeletes', { files: filesMsg(kept.length) });
  return { pause: false, notice: appError('plan-declined', { message: said }), outcomes };
}

/** The declined uploads still standing: the file has the size and mtime it had when declined. */
export function declinedStill(declined: ReadonlyMap<Key, DeclinedUpload> | undefined, local: ReadonlyMap<Key, { size: number; mtimeMs: number }>): Key[] {
  const still: Key[] = [];
  for (const [key, d] of declined ?? []) {
    const now = local.get(key);
    if (now && now.size === d.size && now.mtimeMs === d.mtimeMs) still.push(key);
  }
  return still;
}
