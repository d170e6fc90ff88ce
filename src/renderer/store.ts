// What the window knows of the folder pairs, kept current by the main process's events: each pair's view,
// the transfers in flight, and the recent per-item outcomes. Views subscribe and redraw what changed.
import type { OutcomeView, PairView, SyncEventView } from '../shared/ipc/contract.js';
import type { AppError } from '../shared/result.js';

export interface Transfer {
  pairId: string;
  key: string;
  sentBytes: number;
  totalBytes: number;
}

/** As many as the main process sends when the window opens (the newest of the state database's log). */
const ACTIVITY_LIMIT = 5000;

export class SyncStore {
  pairs: PairView[] = [];
  transfers = new Map<string, Transfer>();
  activity: OutcomeView[] = [];
  notices = new Map<string, AppError>();
  readonly #listeners = new Set<() => void>();
  #scheduled = false;
  #refreshing: Promise<void> | undefined;

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async load(): Promise<void> {
    const [pairs, activity] = await Promise.all([window.cosSync.listPairs(), window.cosSync.recentActivity()]);
    if (pairs.ok) this.pairs = pairs.value;
    if (activity.ok) this.activity = activity.value;
    this.#changed();
  }

  /** Reloads the pairs (counts and last run change after a pass); concurrent calls share one request. */
  refresh(): Promise<void> {
    this.#refreshing ??= window.cosSync.listPairs().then((result) => {
      this.#refreshing = undefined;
      if (result.ok) this.pairs = result.value;
      this.#changed();
    });
    return this.#refreshing;
  }

  apply(event: SyncEventView): void {
    switch (event.type) {
      case 'state': return this.#state(event.pairId, event.state, event.error);
      case 'progress':
        this.transfers.set(`${event.pairId}\n${event.key}`, event);
        return this.#changed();
      case 'outcome': return this.#outcome(event.outcome);
      case 'gated': return this.#update(event.pairId, (view) => ({ ...view, held: event.held }));
      case 'notice':
        this.notices.set(event.pairId, event.error);
        return this.#changed();
      case 'run':
      case 'pairs-changed':
        void this.refresh();
    }
  }

  #state(pairId: string, state: PairView['state'], error?: AppError): void {
    this.#update(pairId, (view) => {
      const { held, error: _old, ...rest } = view;
      return { ...rest, state, ...(error ? { error } : {}), ...(state === 'waiting-for-user' && held ? { held } : {}) };
    });
    if (state !== 'syncing') for (const [id, t] of this.transfers) if (t.pairId === pairId) this.transfers.delete(id);
  }

  #outcome(outcome: OutcomeView): void {
    this.transfers.delete(`${outcome.pairId}\n${outcome.key}`);
    this.activity.push(outcome);
    if (this.activity.length > ACTIVITY_LIMIT) this.activity.splice(0, this.activity.length - ACTIVITY_LIMIT);
    this.#changed();
  }

  #update(pairId: string, change: (view: PairView) => PairView): void {
    this.pairs = this.pairs.map((view) => (view.pair.id === pairId ? change(view) : view));
    this.#changed();
  }

  /** Redraws at most once a frame, however many progress events arrive. */
  #changed(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      this.#listeners.forEach((listener) => listener());
    });
  }
}
