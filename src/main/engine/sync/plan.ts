// The pure upload-direction planner (DESIGN.md "Pure planner"): three trees in, a sorted list of
// operations out, each with the reason shown to the user. Total and deterministic; no I/O.
/**
 * Decision table. First matching row wins (order in plan-rules.ts RULES). L = folder, R = bucket,
 * S = synced tree. A side is `new` (present, not in S), `unchanged` / `changed` against S (L: size or
 * mtime, or a hash known on both sides that differs; R: the ETag), `deleted` (in S, now gone) or
 * `absent` (in neither). Content `same` = same size and an equal MD5 or CRC64 with no known hash
 * disagreeing; `unknown` = no hash on both sides; ETags are never taken for content hashes.
 *
 * | row (rule name)                    | L          | R         | S  | also               | operations              |
 * |------------------------------------|------------|-----------|----|--------------------|-------------------------|
 * | (excluded)                         | trash dir / marker file |    |                    | none, not even reported |
 * | (refused)                          | collision, invalid key  |    |                    | none; listed in refused |
 * | ignored-synced-forget              | unch/chg/del | any     | y  | ignored            | forget                  |
 * | ignored-unsynced-nothing           | new/absent | any       | n  | ignored            | none                    |
 * | renamed-copy                       | new        | absent    | n  | rename target      | copyRemote (from old)   |
 * | renamed-source-trash               | deleted    | unchanged | y  | source, `trash`    | trashRemote             |
 * | renamed-source-delete              | deleted    | unchanged | y  | source, `delete`   | deleteRemote            |
 * | renamed-source-keep                | deleted    | unchanged | y  | source, `keep`     | forget                  |
 * | new-upload                         | new        | absent    | n  |                    | upload (create only)    |
 * | new-identical-adopt                | new        | new       | n  | same               | adopt                   |
 * | new-differs-trash-then-upload      | new        | new       | n  | different          | trashRemote, upload     |
 * | new-unverifiable-trash-then-upload | new        | new       | n  | unknown            | trashRemote, upload     |
 * | bucket-only-left-alone             | absent     | new       | n  |                    | none                    |
 * | unchanged-nothing                  | unchanged  | unchanged | y  |                    | none                    |
 * | bucket-changed-identical-adopt     | unchanged  | changed   | y  | same               | adopt                   |
 * | bucket-changed-restore             | unchanged  | changed   | y  | different/unknown  | trashRemote, upload     |
 * | bucket-deleted-restore             | unchanged  | deleted   | y  |                    | upload                  |
 * | touched-adopt                      | changed    | unchanged | y  | L same as S        | adopt                   |
 * | changed-upload                     | changed    | unchanged | y  |                    | upload, expectEtag      |
 * | both-changed-identical-adopt       | changed    | changed   | y  | same               | adopt                   |
 * | both-changed-conflict              | changed    | changed   | y  | different/unknown  | trashRemote, upload     |
 * | changed-bucket-deleted-upload      | changed    | deleted   | y  |                    | upload                  |
 * | deleted-trash                      | deleted    | unchanged | y  | policy `trash`     | trashRemote             |
 * | deleted-delete                     | deleted    | unchanged | y  | policy `delete`    | deleteRemote            |
 * | deleted-keep-forget                | deleted    | unchanged | y  | policy `keep`      | forget                  |
 * | deleted-bucket-changed-keep        | deleted    | changed   | y  |                    | forget                  |
 * | deleted-both-forget                | deleted    | deleted   | y  |                    | forget                  |
 *
 * Why, where it is not obvious:
 * - An object we did not put there (R new, or R changed) is someone else's. Whatever the delete policy,
 *   it is never overwritten or deleted: it goes to the trash first (trashRemote, then a create-only
 *   upload). Not a conflict key beside it: in upload direction that copy would itself be an object the
 *   folder lacks, so the next plan would have to remove it again.
 * - Only the exact version we synced (R unchanged) is ever deleted, and only with policy `delete`.
 * - Objects only in the bucket and never synced are left alone, as is a synced object changed by
 *   someone else after the folder deleted it (then forgotten, so it stays alone): the upload direction
 *   removes only what it put there. `keep` forgets too: S records what is identical on both sides.
 * - A rename is a new key with no object plus a deleted key whose object is still our version, with
 *   the same inode, size and mtime, or the same size and hash. Archived objects cannot be copied.
 * - A touch (mtime moved, hash known and equal to S) is adopted, not uploaded: a restore from backup
 *   that resets mtimes then costs a hash per file, not an upload.
 *
 * The executor keeps S as the plan assumes: upload, copyRemote and adopt write the key's row; trashRemote,
 * deleteRemote and forget drop it (a following upload of the same key writes it again).
 */
import { english } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import { findCollisions, foldKey, problemsMsg, S3_KEY_LIMITS, validateKey, type KeyLimits } from './keys.js';
import {
  MARKER_FILE, TRASH_DIR, type DeletePolicy, type Key, type LocalEntry, type Operation, type OperationKind,
  type RemoteEntry, type SyncedEntry, type Tree,
} from './model.js';
import { ruleFor, type RuleContext, type Situation } from './plan-rules.js';
import { linkRenames, localStateOf, remoteStateOf, situationOf, type Trees } from './plan-situation.js';

export interface PlanOptions {
  direction: 'upload';
  deletePolicy: DeletePolicy;
  /** Where trashed objects go, relative to the pair's prefix, e.g. `.cos-sync-trash/2026-12-04/`. */
  trashPrefix: string;
  /**
   * The ignore rules; an ignored key is never uploaded and its object is left alone. Pass them even
   * when the scan already left ignored files out, or a synced file now ignored would look deleted.
   */
  isIgnored?: (key: Key) => boolean;
  /** The marker file's key (default MARKER_FILE): never planned. */
  markerKey?: Key;
  /**
   * Keys the scan could not judge (two names for one key, unreadable, invalid name), with the message to
   * show. Every such key must be here: absent from the local tree, its synced object would look deleted.
   */
  refused?: ReadonlyMap<Key, string>;
  /** The pair's prefix and the provider's limits, to refuse keys the bucket would reject. */
  keyPrefix?: string;
  keyLimits?: KeyLimits;
  /**
   * Plan only these keys (a watcher's short pass over the paths that changed); the others are neither planned
   * nor reported. Name collisions are still found against the whole local tree.
   */
  only?: (key: Key) => boolean;
}

/** A key the plan will not touch, and why; shown beside the plan. */
export interface Refusal {
  key: Key;
  message: string;
  /** `message` as a message id with parameters, for the window's languages (the planner's own refusals). */
  why?: Msg;
}

export interface Plan {
  operations: Operation[];
  refused: Refusal[];
}

/** The operations only; `makePlan` also says which keys were refused. */
export function plan(local: Tree<LocalEntry>, remote: Tree<RemoteEntry>, synced: Tree<SyncedEntry>, options: PlanOptions): Operation[] {
  return makePlan(local, remote, synced, options).operations;
}

export function makePlan(local: Tree<LocalEntry>, remote: Tree<RemoteEntry>, synced: Tree<SyncedEntry>, options: PlanOptions): Plan {
  const trees: Trees = { local, remote, synced };
  const trashPrefix = normaliseTrashPrefix(options.trashPrefix);
  const markerKey = options.markerKey ?? MARKER_FILE;
  const inTrash = underTrash(trashPrefix);
  const excluded = (k: Key) => k === markerKey || inTrash(k);
  const isIgnored = options.isIgnored ?? (() => false);
  const only = options.only;
  const refused = refusals(local, inTrash, markerKey, isIgnored, options.refused, only);
  const situations: Situation[] = [];
  const consider = (k: Key) => {
    if ((only && !only(k)) || excluded(k) || refused.has(k) || unchangedEverywhere(k, trees, isIgnored)) return;
    situations.push(situationOf(k, trees, isIgnored(k)));
  };
  // Each key once: the folder's, then the bucket's not in the folder, then the synced ones in neither.
  for (const k of local.keys()) consider(k);
  for (const k of remote.keys()) if (!local.has(k)) consider(k);
  for (const k of synced.keys()) if (!local.has(k) && !remote.has(k)) consider(k);
  situations.sort((a, b) => byCodeUnits(a.key, b.key));
  linkRenames(situations);
  const ctx: RuleContext = { deletePolicy: options.deletePolicy, trashKeyFor: trashKeys(trashPrefix, remote) };
  const planned = situations.flatMap((s) => ruleFor(s, options.deletePolicy)?.then(s, ctx) ?? []);
  const { operations, invalid } = withoutInvalidKeys(planned, options.keyPrefix ?? '', options.keyLimits ?? S3_KEY_LIMITS);
  const refusedList = [...refused.values(), ...invalid.values()];
  return { operations: sortOperations(operations), refused: refusedList.sort((a, b) => byCodeUnits(a.key, b.key)) };
}

/**
 * The `unchanged-nothing` row, decided before a situation is made: a synced file unchanged on both sides and not
 * ignored is no rename source or target and plans nothing. Most keys of a resync are this; they are neither
 * compared again nor sorted.
 */
function unchangedEverywhere(key: Key, trees: Trees, isIgnored: (key: Key) => boolean): boolean {
  const s = trees.synced.get(key);
  const l = s && trees.local.get(key);
  const r = l && trees.remote.get(key);
  return r !== undefined && localStateOf(l, s) === 'unchanged' && remoteStateOf(r, s) === 'unchanged' && !isIgnored(key);
}

/** Code-unit order, not localeCompare: the same on every machine and locale. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- the trash

/** `.cos-sync-trash/2026-12-04/`: the trash folder of a day, in the user's calendar. */
export function trashPrefixFor(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${TRASH_DIR}/${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}/`;
}

function normaliseTrashPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  // An empty trash prefix would make every trash key the key itself: trash then overwrites.
  return trimmed === '' ? `${TRASH_DIR}/undated/` : `${trimmed}/`;
}

/**
 * The `n`th candidate trash key: `<prefix><key>`, then `<prefix><dir>/<name> (n)<ext>` when the first
 * is taken (the same file trashed twice in a day), so a trashed version is never overwritten.
 */
export function trashKey(key: Key, trashPrefix: string, n = 1): Key {
  if (n <= 1) return `${trashPrefix}${key}`;
  const slash = key.lastIndexOf('/');
  const dir = key.slice(0, slash + 1);
  const name = key.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${trashPrefix}${dir}${stem} (${n})${ext}`;
}

function trashKeys(trashPrefix: string, remote: Tree<RemoteEntry>): (key: Key) => Key {
  const assigned = new Set<Key>();
  return (key) => {
    let n = 1;
    // Terminates: each taken candidate is a distinct key of `remote` or `assigned`.
    while (remote.has(trashKey(key, trashPrefix, n)) || assigned.has(trashKey(key, trashPrefix, n))) n += 1;
    const chosen = trashKey(key, trashPrefix, n);
    assigned.add(chosen);
    return chosen;
  };
}

// ---- keys the plan never touches

/** The trash folder, and today's trash wherever the caller put it (not its first segment: that may be a real folder). */
function underTrash(trashPrefix: string): (key: Key) => boolean {
  return (key) => key.startsWith(`${TRASH_DIR}/`) || key.startsWith(trashPrefix);
}

function refusals(local: Tree<LocalEntry>, inTrash: (k: Key) => boolean, markerKey: Key, isIgnored: (k: Key) => boolean,
  fromScan: ReadonlyMap<Key, string> | undefined, only?: (k: Key) => boolean): Map<Key, Refusal> {
  const refused = new Map<Key, Refusal>(fromScan ? [...fromScan].filter(([k]) => !only || only(k)).map(([key, message]) => [key, { key, message }]) : []);
  const candidates = only ? collisionCandidates(local, only, markerKey, isIgnored) : [...local.keys()].filter((k) => k !== markerKey && !isIgnored(k));
  for (const key of candidates.filter(inTrash)) {
    const why = msg('plan.inTrash', { key, trash: TRASH_DIR });
    if (!refused.has(key)) refused.set(key, { key, message: english(why), why });
  }
  for (const c of findCollisions(candidates.filter((k) => !inTrash(k)))) {
    if (!refused.has(c.path) && (!only || only(c.path))) refused.set(c.path, { key: c.path, message: c.message, why: c.why });
  }
  return refused;
}

/** The keys in `only`, and every other local key that folds to the same name as one of them. */
function collisionCandidates(local: Tree<LocalEntry>, only: (k: Key) => boolean, markerKey: Key, isIgnored: (k: Key) => boolean): Key[] {
  const chosen: Key[] = [];
  const folds = new Set<string>();
  for (const k of local.keys()) {
    if (only(k) && k !== markerKey && !isIgnored(k)) {
      chosen.push(k);
      folds.add(foldKey(k));
    }
  }
  if (folds.size === 0) return chosen;
  for (const k of local.keys()) {
    // An ASCII name folds to its lower case (NFC leaves it alone): the full fold only for the others.
    const fold = ASCII.test(k) ? k.toLowerCase() : foldKey(k);
    if (folds.has(fold) && !only(k) && k !== markerKey && !isIgnored(k)) chosen.push(k);
  }
  return chosen;
}

// eslint-disable-next-line no-control-regex -- the whole ASCII range is the point
const ASCII = /^[\u0000-\u007f]*$/;

/** Keys the bucket would reject are refused as a whole: none of their operations run. */
function withoutInvalidKeys(ops: Operation[], prefix: string, limits: KeyLimits): { operations: Operation[]; invalid: Map<Key, Refusal> } {
  const invalid = new Map<Key, Refusal>();
  for (const op of ops) {
    const written = op.kind === 'upload' || op.kind === 'copyRemote' ? op.key : op.kind === 'trashRemote' ? op.trashKey : undefined;
    if (written === undefined || invalid.has(op.key)) continue;
    const check = validateKey(written, prefix, limits);
    if (!check.ok) invalid.set(op.key, { key: op.key, message: check.problems.map((p) => p.message).join(' '), why: problemsMsg(check.problems) });
  }
  return { operations: ops.filter((op) => !invalid.has(op.key)), invalid };
}

// ---- order

/**
 * Copies first (their sources must still exist), then moves to the trash (they clear keys that
 * uploads create), uploads, bookkeeping, and real deletes last so an interrupted run has removed
 * as little as possible.
 */
const PHASE: Record<OperationKind, number> = {
  copyRemote: 0, trashRemote: 1, upload: 2, download: 3, conflictCopy: 4, adopt: 5, deleteRemote: 6, deleteLocal: 7, forget: 8,
};

export function sortOperations(ops: readonly Operation[]): Operation[] {
  return [...ops].sort((a, b) => PHASE[a.kind] - PHASE[b.kind] || byCodeUnits(a.key, b.key));
}
