// The recent-activity log: every per-item outcome, kept in the state database so the window shows it after a
// restart. Bounded per pair (the newest `perPair` rows stay); written in batches so a pass of 10,000 small
// files costs a few transactions, not 10,000.
import type Database from 'better-sqlite3';
import type { ItemOutcome, OutcomeKind } from './events.js';

export interface ActivityLogOptions {
  /** Rows kept per pair. */
  perPair?: number;
  /** Pending outcomes are written after this long, or sooner when `batch` are waiting. */
  flushMs?: number;
  batch?: number;
}

export const ACTIVITY_PER_PAIR = 1000;

interface ActivityRow {
  pair_id: string;
  at_ms: number;
  key: string;
  kind: OutcomeKind;
  reason: string;
  bytes: number | null;
  extra: string | null;
}

export class ActivityLog {
  readonly #db: Database.Database;
  readonly #perPair: number;
  readonly #flushMs: number;
  readonly #batch: number;
  #pending: ItemOutcome[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #insert: Database.Statement;
  readonly #prune: Database.Statement;

  constructor(db: Database.Database, options: ActivityLogOptions = {}) {
    this.#db = db;
    this.#perPair = options.perPair ?? ACTIVITY_PER_PAIR;
    this.#flushMs = options.flushMs ?? 500;
    this.#batch = options.batch ?? 500;
    this.#insert = db.prepare('INSERT INTO activity (pair_id, at_ms, key, kind, reason, bytes, extra) VALUES (?, ?, ?, ?, ?, ?, ?)');
    // Everything older than the pair's perPair-th newest row goes; nothing when the pair has fewer.
    this.#prune = db.prepare(
      'DELETE FROM activity WHERE pair_id = ? AND id < (SELECT id FROM activity WHERE pair_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
    );
  }

  record(outcome: ItemOutcome): void {
    this.#pending.push(outcome);
    if (this.#pending.length >= this.#batch) this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => this.flush(), this.#flushMs);
      this.#timer.unref();
    }
  }

  /** Writes what is pending, in one transaction, and trims the pairs it touched. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || !this.#db.open) return;
    const pending = this.#pending;
    this.#pending = [];
    this.#db.transaction(() => {
      for (const o of pending) {
        const extra = o.why || o.error ? JSON.stringify({ ...(o.why ? { why: o.why } : {}), ...(o.error ? { error: o.error } : {}) }) : null;
        this.#insert.run(o.pairId, o.atMs, o.key, o.kind, o.reason, o.bytes ?? null, extra);
      }
      for (const pairId of new Set(pending.map((o) => o.pairId))) this.#prune.run(pairId, pairId, this.#perPair - 1);
    })();
  }

  /** The newest outcomes, oldest first: of one pair, or of every pair (at most `limit`). */
  recent(options: { pairId?: string; limit?: number } = {}): ItemOutcome[] {
    this.flush();
    const limit = options.limit ?? this.#perPair;
    const rows = (options.pairId
      ? this.#db.prepare('SELECT * FROM activity WHERE pair_id = ? ORDER BY id DESC LIMIT ?').all(options.pairId, limit)
      : this.#db.prepare('SELECT * FROM activity ORDER BY id DESC LIMIT ?').all(limit)) as ActivityRow[];
    return rows.reverse().map(fromRow);
  }

  forgetPair(pairId: string): void {
    this.flush();
    this.#db.prepare('DELETE FROM activity WHERE pair_id = ?').run(pairId);
  }

  close(): void {
    this.flush();
  }
}

function fromRow(row: ActivityRow): ItemOutcome {
  const extra = row.extra ? (JSON.parse(row.extra) as Pick<ItemOutcome, 'why' | 'error'>) : {};
  return {
    pairId: row.pair_id,
    key: row.key,
    kind: row.kind,
    reason: row.reason,
    atMs: row.at_ms,
    ...(row.bytes === null ? {} : { bytes: row.bytes }),
    ...extra,
  };
}
