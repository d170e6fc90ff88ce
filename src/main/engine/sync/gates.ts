// Safety gates (DESIGN.md "Safety gates"): checks on a plan and on what the scan and listing saw,
// run before anything executes. Any gate pauses the pair in `waiting-for-user` with the plan.
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
  syncedKeys?: ReadonlySet<Key>;
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
export function reuploads(plan: readonly Operation[], syncedKeys: ReadonlySet<Key> | undefined): Operation[] {
  return plan.filter((op) => op.kind === 'upload' && (syncedKeys ? syncedKeys.has(op.key) : op.expectEtag !== undefined));
}

const percent = (share: number): string => `${Math.round(share * 100)}%`;
const files = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
const where = (ctx: GateContext): string => (ctx.root.path ? ` “${ctx.root.path}”` : '');

const rootMissing: Check = (plan, ctx) => (ctx.root.exists ? undefined : {
  id: 'root-missing', operations: [...plan],
  message: `The folder${where(ctx)} is not there: a drive that is not mounted, or a folder moved or renamed.`,
  hint: 'Reconnect the drive or choose the folder\'s new location. Nothing in the bucket changes until then.',
});

const rootUnreadable: Check = (plan, ctx) => (!ctx.root.exists || ctx.root.readable ? undefined : {
  id: 'root-unreadable', operations: [...plan],
  message: `COS Sync cannot read the folder${where(ctx)}.`,
  hint: 'Check its permissions (on macOS, allow COS Sync under Privacy & Security › Files and Folders).',
});

const readableRoot = (ctx: GateContext): boolean => ctx.root.exists && ctx.root.readable;

const rootEmpty: Check = (plan, ctx) => (!readableRoot(ctx) || ctx.localCount > 0 || ctx.syncedCount === 0 ? undefined : {
  id: 'root-empty', operations: [...plan],
  message: `The folder${where(ctx)} is empty, but ${files(ctx.syncedCount)} were synced from it.`,
  hint: 'If a drive is not mounted or the files were moved, fix that first. If you emptied the folder on purpose, approve the plan.',
});

const markerMissing: Check = (plan, ctx) => (!readableRoot(ctx) || ctx.root.hasMarker || ctx.syncedCount === 0 ? undefined : {
  id: 'marker-missing', operations: [...plan],
  message: `The folder${where(ctx)} has lost its marker file “${ctx.markerName ?? MARKER_FILE}”, so it may not be the folder that was synced.`,
  hint: 'An unmounted drive often leaves an empty folder in its place: check the path. If it is the right folder, approve and the marker is written again.',
});

const listingFailed: Check = (plan, ctx) => (ctx.listing.ok ? undefined : {
  id: 'listing-failed', operations: [...plan],
  message: `Listing the bucket failed${ctx.listing.error ? `: ${ctx.listing.error}` : ''}.`,
  hint: 'Without a complete listing nothing can be compared safely. Check the connection, then sync again.',
});

const listingEmpty: Check = (plan, ctx) => (!ctx.listing.ok || ctx.remoteCount > 0 || ctx.syncedCount === 0 ? undefined : {
  id: 'listing-empty', operations: [...plan],
  message: `The bucket listing came back empty, but ${files(ctx.syncedCount)} were synced to it.`,
  hint: 'Check the bucket, prefix and region of this folder pair. If the objects really were removed, approve to upload everything again.',
});

const tooManyDeletes: Check = (plan, ctx, t) => {
  const removed = removals(plan);
  const share = ctx.syncedCount > 0 ? removed.length / ctx.syncedCount : 0;
  const overShare = ctx.syncedCount >= t.minSyncedForShare && share > t.maxDeleteShare;
  if (removed.length === 0 || (removed.length <= t.maxDeletes && !overShare)) return undefined;
  const trashed = removed.filter((op) => op.kind === 'trashRemote').length;
  const outright = removed.length - trashed;
  const how = outright === 0 ? 'to the bucket\'s trash' : trashed === 0 ? 'deleted outright' : `${trashed} to the trash, ${outright} deleted outright`;
  return {
    id: 'too-many-deletes', operations: removed,
    message: `This sync would remove ${files(removed.length)} from the bucket (${how}): ${percent(share)} of the ${ctx.syncedCount} synced, over the limit of ${t.maxDeletes} or ${percent(t.maxDeleteShare)}.`,
    hint: 'Check that the folder is the right one and intact. If the removals are intended, approve the plan, or raise the limits in the folder pair\'s settings.',
  };
};

const allChanged: Check = (plan, ctx, t) => {
  const again = reuploads(plan, ctx.syncedKeys);
  const share = ctx.syncedCount > 0 ? again.length / ctx.syncedCount : 0;
  if (ctx.syncedCount < t.minSyncedForShare || share <= t.maxChangedShare) return undefined;
  return {
    id: 'all-changed', operations: again,
    message: `${files(again.length)} of the ${ctx.syncedCount} synced (${percent(share)}) look changed and would be uploaded again, as after a restore from a backup that reset modification times.`,
    hint: 'If their contents really changed, approve the plan. If not, approving still works but uploads them all again.',
  };
};

/** Root and listing problems first: they explain the others. */
const CHECKS: readonly Check[] = [rootMissing, rootUnreadable, rootEmpty, markerMissing, listingFailed, listingEmpty, tooManyDeletes, allChanged];
