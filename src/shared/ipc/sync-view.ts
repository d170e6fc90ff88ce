// What the window sees of the sync engine: folder pairs with their state and counts, per-item outcomes,
// held plans (gates) and progress, as plain data that crosses IPC. The main side maps engine events to these.
import type { FolderPair } from '../pair.js';
import type { AppError } from '../result.js';
import type { Msg } from '../messages.js';

export const PAIR_STATES = ['idle', 'scanning', 'syncing', 'paused', 'error', 'waiting-for-user'] as const;
export type PairStateView = (typeof PAIR_STATES)[number];

export const OUTCOME_KINDS = ['uploaded', 'adopted', 'copied', 'trashed', 'deleted', 'forgotten', 'skipped-ignored', 'refused', 'deferred', 'failed'] as const;
export type OutcomeKindView = (typeof OUTCOME_KINDS)[number];

export interface OutcomeView {
  pairId: string;
  key: string;
  kind: OutcomeKindView;
  reason: string;
  atMs: number;
  bytes?: number;
  error?: AppError;
  /** `reason` as a message id with parameters: the window shows it in the chosen language. */
  why?: Msg;
}

/** One operation of a plan, as the user reads it. */
export interface PlannedView {
  kind: string;
  key: string;
  reason: string;
  why?: Msg;
}

export interface GateView {
  id: string;
  message: string;
  hint: string;
  /** `message` and `hint` as message ids with parameters, for the window's languages. */
  i18n?: { message: Msg; hint: Msg };
  /** How many of the plan's operations this gate holds back. */
  held: number;
}

/** A plan the safety gates held back, waiting for Apply or Keep. */
export interface HeldPlanView {
  gates: GateView[];
  operations: PlannedView[];
}

export interface RunSummaryView {
  planned: number;
  done: number;
  failed: number;
  deferred: number;
  refused: number;
  bytesUploaded: number;
  /** Whether the pass left the bucket identical to the folder (nothing failed, deferred, refused or gated). */
  inSync: boolean;
  gated: boolean;
}

export interface PairView {
  pair: FolderPair;
  state: PairStateView;
  counts: { synced: number; failing: number };
  lastRun?: RunSummaryView;
  /** The error that stopped the last pass, with what to do. */
  error?: AppError;
  /** Present while the pair waits for the user. */
  held?: HeldPlanView;
}

export type SyncEventView =
  | { type: 'state'; pairId: string; state: PairStateView; error?: AppError }
  | { type: 'progress'; pairId: string; key: string; sentBytes: number; totalBytes: number }
  | { type: 'outcome'; outcome: OutcomeView }
  | { type: 'gated'; pairId: string; held: HeldPlanView }
  | { type: 'run'; pairId: string; phase: 'started' | 'finished'; summary?: RunSummaryView }
  | { type: 'notice'; pairId: string; error: AppError }
  /** Pairs were added, removed, paused or resumed: the window reloads the list. */
  | { type: 'pairs-changed' }
  /** The user clicked a notification about this pair: the window shows it. */
  | { type: 'show-pair'; pairId: string };
