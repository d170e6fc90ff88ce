// Watches the sync service for the window: maps engine events to the contract's plain views, and keeps
// what a window opened later needs (each pair's held plan and last error; recent outcomes are in the state database).
import type { SyncEvent } from './sync/events.js';
import type { Gate } from './sync/gates.js';
import type { Operation } from './sync/model.js';
import type { PairStatus, SyncService } from './sync/sync-service.js';
import type { AppError } from '../../shared/result.js';
import type { HeldPlanView, OutcomeView, PairView, RunSummaryView, SyncEventView } from '../../shared/ipc/sync-view.js';

/** The newest outcomes a window gets when it opens (the state database keeps the last 1,000 of each pair). */
const ACTIVITY_LIMIT = 5000;

export function heldPlanView(gates: readonly Gate[], operations: readonly Operation[]): HeldPlanView {
  return {
    gates: gates.map((g) => ({ id: g.id, message: g.message, hint: g.hint, i18n: g.i18n, held: g.operations.length })),
    operations: operations.map((op) => ({ kind: op.kind, key: op.key, reason: op.reason, ...(op.why ? { why: op.why } : {}) })),
  };
}

function summaryView(summary: RunSummaryView): RunSummaryView {
  const { planned, done, failed, deferred, refused, bytesUploaded, inSync, gated } = summary;
  return { planned, done, failed, deferred, refused, bytesUploaded, inSync, gated };
}

/** The engine's event as the window reads it (plans trimmed to kind, key and reason). */
export function toEventView(event: SyncEvent): SyncEventView {
  switch (event.type) {
    case 'gated':
      return { type: 'gated', pairId: event.pairId, held: heldPlanView(event.gates, event.operations) };
    case 'run':
      return { type: 'run', pairId: event.pairId, phase: event.phase, ...(event.summary ? { summary: summaryView(event.summary) } : {}) };
    default:
      return event;
  }
}

export class SyncMonitor {
  readonly #held = new Map<string, HeldPlanView>();
  readonly #errors = new Map<string, AppError>();
  readonly #listeners = new Set<(event: SyncEventView) => void>();
  readonly #unsubscribe: () => void;

  constructor(private readonly sync: SyncService) {
    this.#unsubscribe = sync.onEvent((event) => this.#record(toEventView(event)));
  }

  onEvent(listener: (event: SyncEventView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells the windows something changed that events do not carry (pairs added, removed, paused). */
  announce(event: SyncEventView): void {
    this.#listeners.forEach((listener) => listener(event));
  }

  pairs(): PairView[] {
    return this.sync.listPairs().map((status) => this.pairView(status));
  }

  pairView(status: PairStatus): PairView {
    const id = status.pair.id;
    const held = status.state === 'waiting-for-user' ? this.#held.get(id) : undefined;
    const error = status.state === 'error' ? this.#errors.get(id) : undefined;
    return {
      pair: status.pair,
      state: status.state,
      counts: this.sync.counts(id),
      ...(status.lastRun ? { lastRun: summaryView(status.lastRun) } : {}),
      ...(error ? { error } : {}),
      ...(held ? { held } : {}),
    };
  }

  activity(): OutcomeView[] {
    return this.sync.recentActivity({ limit: ACTIVITY_LIMIT });
  }

  forget(pairId: string): void {
    this.#held.delete(pairId);
    this.#errors.delete(pairId);
  }

  dispose(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #record(event: SyncEventView): void {
    if (event.type === 'gated') {
      this.#held.set(event.pairId, event.held);
    } else if (event.type === 'state') {
      if (event.error) this.#errors.set(event.pairId, event.error);
      else if (event.state !== 'error') this.#errors.delete(event.pairId);
    }
    this.announce(event);
  }
}
