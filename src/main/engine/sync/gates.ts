// Safety gates (DESIGN.md "Safety gates"): checks on a plan and on what the scan and listing saw,
// run before anything executes. Any gate pauses the pair in `waiting-for-user` with the plan.
import { english } from '../../../shared/errors.js';
import { filesMsg, msg, type Msg, type Params } from '../../../shared/messages.js';
import { MARKER_FILE, type Key, type Operation, type PairState } from './model.js';

export type GateId =
  | 'too-many-deletes'
  | 'root-missing'
  | 'root-unreadable'
  | 'root-empty'
  | 'marker-missing'
  | 'listing-failed'
  | 'listing-empty'
  | 'all-changed';

export interface Gate {
  id: GateId;
  /** What looks wrong, in the user's words. */
  message: string;
  /** What to do about it. */
  hint: string;
  /** The operations this gate holds back (the whole plan when the trees themselves are in doubt). */
  operations: Operation[];
  /** `message` and `hint` as message ids with parameters, for the window's languages. */
  i18n: { message: Msg; hint: Msg };
}

export interface GateThresholds {
  /** More removals than this pauses (rclone's --max-delete). */
  maxDeletes: number;
  /** A larger share of the synced files removed pauses. */
  maxDeleteShare: number;
  /** A larger share of the synced files uploaded again pauses ("every file changed"). */
  maxChangedShare: number;
  /** Share gates need this many synced files: removing 2 of 3 is no sign of disaster. */
  minSyncedForShare: number;
}

export const DEFAULT_GATE_THRESHOLDS: GateThresholds = { maxDeletes: 50, maxDeleteShare: 0.5, maxChangedShare: 0.8, minSyncedForShare: 10 };

export interface GateContext {
  /** Entries in the synced tree, the local scan and the listing (trash and marker excluded). */
  syncedCount: number;
  localCount: number;
  remoteCount: number;
  root: { exists: boolean; readable: boolean; hasMarker: boolean; path?: string };
  listing: { ok: boolean; error?: string };
  thresholds?: Partial<GateThresholds>;
  /** The synced tree's keys: an upload to one of them re-uploads a synced file (all-changed). */
  syncedKeys?: { has(key: Key): boolean };
  markerName?: string;
}

type Check = (plan: readonly Operation[], ctx: GateContext, t: GateThresholds) => Gate | undefined;

/** Every gate the plan trips, in a fixed order; empty means it may run. */
export function checkGates(plan: readonly Operation[], context: GateContext): Gate[] {
  const thresholds = { ...DEFAULT_GATE_THRESHOLDS, ...context.thresholds };
  return CHECKS.map((check) => check(plan, context, thresholds)).filter((g): g is Gate => g !== undefined);
}

export type GatedPlan =
  | { state: Extract<PairState, 'syncing'>; operations: Operation[]; gates: [] }
  | { state: Extract<PairState, 'waiting-for-user'>; operations: Operation[]; gates: Gate[] };

/** The pair's next state: run the plan, or wait for the user with the plan it would have run. */
export function gatePlan(plan: readonly Operation[], context: GateContext): GatedPlan {
  const gates = checkGates(plan, context);
  return gates.length === 0
    ? { state: 'syncing', operations: [...plan], gates: [] }
    : { state: 'waiting-for-user', operations: [...plan], gates };
}

/**
 * Operations that remove a file from the bucket. A move to the trash before an upload of the same
 * key replaces rather than removes, and the old key of a rename (the source of a copy) is moved.
 */
export function removals(plan: readonly Operation[]): Operation[] {
  const written = new Set(plan.filter((op) => op.kind === 'upload' || op.kind === 'copyRemote').map((op) => op.key));
  const moved = new Set(plan.flatMap((op) => (op.kind === 'copyRemote' ? [op.fromKey] : [])));
  const removing = (op: Operation) => op.kind === 'deleteRemote' || op.kind === 'trashRemote' || op.kind === 'deleteLocal';
  return plan.filter((op) => removing(op) && !written.has(op.key) && !moved.has(op.key));
}

/** Uploads over files that were synced: how a restore that reset every mtime shows up. */
export function reuploads(plan: readonly Operation[], syncedKeys: { has(key: Key): boolean } | undefined): Operation[] {
  return plan.filter((op) => op.kind === 'upload' && (syncedKeys ? syncedKeys.has(op.key) : op.expectEtag !== undefined));
}

const where = (ctx: GateContext): string => ctx.root.path ?? '';

/** A gate whose message and hint are this gate id's messages (English here, translated by the window). */
function gate(id: GateId, operations: Operation[], params: Params): Gate {
  const message = msg(`gate.${id}`, params);
  const hint = msg(`gate.${id}.hint`);
  return { id, operations, message: english(message), hint: english(hint), i18n: { message, hint } };
}

const rootMissing: Check = (plan, ctx) => (ctx.root.exists ? undefined : gate('root-missing', [...plan], { path: where(ctx) }));

const rootUnreadable: Check = (plan, ctx) => (!ctx.root.exists || ctx.root.readable ? undefined : gate('root-unreadable', [...plan], { path: where(ctx) }));

const readableRoot = (ctx: GateContext): boolean => ctx.root.exists && ctx.root.readable;

const rootEmpty: Check = (plan, ctx) => (!readableRoot(ctx) || ctx.localCount > 0 || ctx.syncedCount === 0 ? undefined
  : gate('root-empty', [...plan], { path: where(ctx), files: filesMsg(ctx.syncedCount) }));

const markerMissing: Check = (plan, ctx) => (!readableRoot(ctx) || ctx.root.hasMarker || ctx.syncedCount === 0 ? undefined
  : gate('marker-missing', [...plan], { path: where(ctx), marker: ctx.markerName ?? MARKER_FILE }));

const listingFailed: Check = (plan, ctx) => (ctx.listing.ok ? undefined : gate('listing-failed', [...plan], { error: ctx.listing.error ?? '' }));

const listingEmpty: Check = (plan, ctx) => (!ctx.listing.ok || ctx.remoteCount > 0 || ctx.syncedCount === 0 ? undefined
  : gate('listing-empty', [...plan], { files: filesMsg(ctx.syncedCount) }));

const percent = (share: number): number => Math.round(share * 100);

const tooManyDeletes: Check = (plan, ctx, t) => {
  const removed = removals(plan);
  const share = ctx.syncedCount > 0 ? removed.length / ctx.syncedCount : 0;
  const overShare = ctx.syncedCount >= t.minSyncedForShare && share > t.maxDeleteShare;
  if (removed.length === 0 || (removed.length <= t.maxDeletes && !overShare)) return undefined;
  const trashed = removed.filter((op) => op.kind === 'trashRemote').length;
  const deleted = removed.length - trashed;
  const how = deleted === 0 ? msg('gate.how.trash') : trashed === 0 ? msg('gate.how.delete') : msg('gate.how.mixed', { trashed, deleted });
  return gate('too-many-deletes', removed, {
    files: filesMsg(removed.length), how, share: percent(share), synced: ctx.syncedCount, max: t.maxDeletes, maxShare: percent(t.maxDeleteShare),
  });
};

const allChanged: Check = (plan, ctx, t) => {
  const again = reuploads(plan, ctx.syncedKeys);
  const share = ctx.syncedCount > 0 ? again.length / ctx.syncedCount : 0;
  if (ctx.syncedCount < t.minSyncedForShare || share <= t.maxChangedShare) return undefined;
  return gate('all-changed', again, { files: filesMsg(again.length), synced: ctx.syncedCount, share: percent(share) });
};

/** Root and listing problems first: they explain the others. */
const CHECKS: readonly Check[] = [rootMissing, rootUnreadable, rootEmpty, markerMissing, listingFailed, listingEmpty, tooManyDeletes, allChanged];
