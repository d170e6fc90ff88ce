// What a folder pair tells the window, the CLI and the tests: its state, per-file progress, and one
// outcome per item with its reason.
import type { AppError } from '../../../shared/result.js';
import type { Msg } from '../../../shared/messages.js';
import type { RunSummaryView } from '../../../shared/ipc/sync-view.js';
import type { Gate } from './gates.js';
import type { Key, Operation, PairState } from './model.js';

export type OutcomeKind =
  | 'uploaded'
  | 'adopted'
  | 'copied'
  | 'trashed'
  | 'deleted'
  | 'forgotten'
  | 'skipped-ignored'
  | 'refused'
  | 'deferred'
  | 'failed';

export interface ItemOutcome {
  pairId: string;
  key: Key;
  kind: OutcomeKind;
  reason: string;
  atMs: number;
  bytes?: number;
  error?: AppError;
  /** `reason` as a message id with parameters, for the window's languages. */
  why?: Msg;
}

export type SyncEvent =
  | { type: 'state'; pairId: string; state: PairState; error?: AppError }
  | { type: 'progress'; pairId: string; key: Key; sentBytes: number; totalBytes: number }
  | { type: 'outcome'; outcome: ItemOutcome }
  | { type: 'gated'; pairId: string; gates: Gate[]; operations: Operation[] }
  | { type: 'run'; pairId: string; phase: 'started' | 'finished'; summary?: RunSummary }
  /** Something the user should know that does not stop the pair (e.g. no file watches left: timed scans only). */
  | { type: 'notice'; pairId: string; error: AppError };

/** What a pass did; the window's view type is the same shape. */
export type RunSummary = RunSummaryView;

export type SyncListener = (event: SyncEvent) => void;
