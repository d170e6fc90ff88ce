// The planner's decision table: one small named rule per row (the table itself is documented in
// plan.ts). A rule is a declarative pattern over a key's Situation plus the operations it yields.
import type { DeletePolicy, Key, LocalEntry, Operation, RemoteEntry, SyncedEntry } from './model.js';

/** A side against the synced tree. `new`: present, never synced. `deleted`: synced, now gone. */
export type LocalState = 'absent' | 'new' | 'unchanged' | 'changed' | 'deleted';
export type RemoteState = 'absent' | 'new' | 'unchanged' | 'changed' | 'deleted';
/** Content comparison by size and MD5/CRC64; `unknown` when no hash is known on both sides. */
export type Comparison = 'same' | 'different' | 'unknown';

export type Rename =
  | { role: 'target'; fromKey: Key; expectSourceEtag: string }
  | { role: 'source'; toKey: Key };

/** Everything the rules may look at for one key. */
export interface Situation {
  key: Key;
  local: LocalEntry | undefined;
  remote: RemoteEntry | undefined;
  synced: SyncedEntry | undefined;
  localState: LocalState;
  remoteState: RemoteState;
  /** Local against remote. */
  content: Comparison;
  /** Local against synced: `same` on a changed file means only its mtime moved. */
  localVsSynced: Comparison;
  ignored: boolean;
  rename: Rename | undefined;
}

export interface RuleContext {
  deletePolicy: DeletePolicy;
  /** A free key in the bucket's trash for `key` (never one already there). */
  trashKeyFor(key: Key): Key;
}

/** Unset fields match anything, except `ignored` (default false) and `rename` (default none). */
export interface Pattern {
  local?: readonly LocalState[];
  remote?: readonly RemoteState[];
  content?: readonly Comparison[];
  localVsSynced?: readonly Comparison[];
  policy?: readonly DeletePolicy[];
  ignored?: boolean;
  rename?: Rename['role'] | 'none';
}

export interface Rule {
  /** Also the name of this row's test in test/unit/plan-rules.test.ts. */
  name: string;
  when: Pattern;
  then(s: Situation, ctx: RuleContext): Operation[];
}

const within = <T>(allowed: readonly T[] | undefined, value: T): boolean => allowed === undefined || allowed.includes(value);

export function matches(p: Pattern, s: Situation, policy: DeletePolicy): boolean {
  return within(p.local, s.localState) && within(p.remote, s.remoteState) && within(p.content, s.content)
    && within(p.localVsSynced, s.localVsSynced) && within(p.policy, policy)
    && (p.ignored ?? false) === s.ignored && (p.rename ?? 'none') === (s.rename?.role ?? 'none');
}

/** The first rule whose pattern matches: order matters (touched-adopt before changed-upload). */
export function ruleFor(s: Situation, policy: DeletePolicy): Rule | undefined {
  return RULES.find((r) => matches(r.when, s, policy));
}

// ---- operation builders: each returns [] when the entry it needs is missing, so rules stay total.

function upload(s: Situation, reason: string, expectEtag?: string): Operation[] {
  if (!s.local) return [];
  return [expectEtag === undefined
    ? { kind: 'upload', key: s.key, local: s.local, reason }
    : { kind: 'upload', key: s.key, local: s.local, reason, expectEtag }];
}

function trash(s: Situation, ctx: RuleContext, why: string): Operation[] {
  if (!s.remote) return [];
  const trashKey = ctx.trashKeyFor(s.key);
  return [{ kind: 'trashRemote', key: s.key, trashKey, expectEtag: s.remote.etag, reason: `${why}: moved to the bucket's trash as “${trashKey}”.` }];
}

/** Someone else's version is kept recoverable in the trash, then the folder's version takes its place. */
function trashThenUpload(s: Situation, ctx: RuleContext, why: string): Operation[] {
  return [...trash(s, ctx, why), ...upload(s, `${why}: the folder's version is uploaded after the bucket's was moved to the trash.`)];
}

function adopt(s: Situation, reason: string): Operation[] {
  return s.local && s.remote ? [{ kind: 'adopt', key: s.key, local: s.local, remote: s.remote, reason }] : [];
}

function forget(s: Situation, reason: string): Operation[] {
  return s.synced ? [{ kind: 'forget', key: s.key, reason }] : [];
}

function deleteRemote(s: Situation, reason: string): Operation[] {
  return s.remote ? [{ kind: 'deleteRemote', key: s.key, expectEtag: s.remote.etag, reason }] : [];
}

function copyFrom(s: Situation): Operation[] {
  if (!s.local || s.rename?.role !== 'target') return [];
  const { fromKey, expectSourceEtag } = s.rename;
  const reason = `Renamed or moved from “${fromKey}” in the folder: copied inside the bucket instead of uploaded again.`;
  return [{ kind: 'copyRemote', key: s.key, fromKey, local: s.local, expectSourceEtag, reason }];
}

const renamedTo = (s: Situation): string => (s.rename?.role === 'source' ? `“${s.rename.toKey}”` : 'a new name');
const nothing = (): Operation[] => [];

const OTHERS = 'not uploaded by this folder pair';

export const RULES: readonly Rule[] = [
  { name: 'ignored-synced-forget', when: { ignored: true, local: ['unchanged', 'changed', 'deleted'] },
    then: (s) => forget(s, 'Now matched by an ignore rule: no longer synced; the bucket\'s copy is left as it is.') },
  { name: 'ignored-unsynced-nothing', when: { ignored: true, local: ['new', 'absent'] }, then: nothing },

  { name: 'renamed-copy', when: { rename: 'target', local: ['new'], remote: ['absent'] }, then: copyFrom },
  { name: 'renamed-source-trash', when: { rename: 'source', local: ['deleted'], remote: ['unchanged'], policy: ['trash'] },
    then: (s, ctx) => trash(s, ctx, `Renamed or moved to ${renamedTo(s)} in the folder; the old object (delete policy “trash”)`) },
  { name: 'renamed-source-delete', when: { rename: 'source', local: ['deleted'], remote: ['unchanged'], policy: ['delete'] },
    then: (s) => deleteRemote(s, `Renamed or moved to ${renamedTo(s)} in the folder: the old object is deleted (delete policy “delete”).`) },
  { name: 'renamed-source-keep', when: { rename: 'source', local: ['deleted'], remote: ['unchanged'], policy: ['keep'] },
    then: (s) => forget(s, `Renamed or moved to ${renamedTo(s)} in the folder: the old object stays in the bucket (delete policy “keep”) and is no longer synced.`) },

  { name: 'new-upload', when: { local: ['new'], remote: ['absent'] }, then: (s) => upload(s, 'New in the folder: uploaded.') },
  { name: 'new-identical-adopt', when: { local: ['new'], remote: ['new'], content: ['same'] },
    then: (s) => adopt(s, 'Already in the bucket with the same size and content hash: adopted, not uploaded again.') },
  { name: 'new-differs-trash-then-upload', when: { local: ['new'], remote: ['new'], content: ['different'] },
    then: (s, ctx) => trashThenUpload(s, ctx, `A different object is already at this key (${OTHERS})`) },
  { name: 'new-unverifiable-trash-then-upload', when: { local: ['new'], remote: ['new'], content: ['unknown'] },
    then: (s, ctx) => trashThenUpload(s, ctx, `An object is already at this key (${OTHERS}) and no shared content hash proves it identical`) },
  { name: 'bucket-only-left-alone', when: { local: ['absent'], remote: ['new'] }, then: nothing },

  { name: 'unchanged-nothing', when: { local: ['unchanged'], remote: ['unchanged'] }, then: nothing },
  { name: 'bucket-changed-identical-adopt', when: { local: ['unchanged'], remote: ['changed'], content: ['same'] },
    then: (s) => adopt(s, 'The object was rewritten in the bucket with the same content: adopted.') },
  { name: 'bucket-changed-restore', when: { local: ['unchanged'], remote: ['changed'], content: ['different', 'unknown'] },
    then: (s, ctx) => trashThenUpload(s, ctx, 'Changed in the bucket by someone else; in upload direction the folder is the source of truth') },
  { name: 'bucket-deleted-restore', when: { local: ['unchanged'], remote: ['deleted'] },
    then: (s) => upload(s, 'Deleted from the bucket by someone else; in upload direction the folder is the source of truth: uploaded again.') },

  { name: 'touched-adopt', when: { local: ['changed'], remote: ['unchanged'], localVsSynced: ['same'] },
    then: (s) => adopt(s, 'Only the modification time changed (same size and content hash): recorded, not uploaded again.') },
  { name: 'changed-upload', when: { local: ['changed'], remote: ['unchanged'] },
    then: (s) => upload(s, 'Changed in the folder: uploaded over the version this pair uploaded last.', s.remote?.etag) },
  { name: 'both-changed-identical-adopt', when: { local: ['changed'], remote: ['changed'], content: ['same'] },
    then: (s) => adopt(s, 'Changed in the folder and in the bucket to the same content: adopted.') },
  { name: 'both-changed-conflict', when: { local: ['changed'], remote: ['changed'], content: ['different', 'unknown'] },
    then: (s, ctx) => trashThenUpload(s, ctx, 'Conflict: changed in the folder and, by someone else, in the bucket; both are kept') },
  { name: 'changed-bucket-deleted-upload', when: { local: ['changed'], remote: ['deleted'] },
    then: (s) => upload(s, 'Changed in the folder and deleted from the bucket by someone else: uploaded.') },

  { name: 'deleted-trash', when: { local: ['deleted'], remote: ['unchanged'], policy: ['trash'] },
    then: (s, ctx) => trash(s, ctx, 'Deleted from the folder (delete policy “trash”)') },
  { name: 'deleted-delete', when: { local: ['deleted'], remote: ['unchanged'], policy: ['delete'] },
    then: (s) => deleteRemote(s, 'Deleted from the folder: deleted from the bucket (delete policy “delete”).') },
  { name: 'deleted-keep-forget', when: { local: ['deleted'], remote: ['unchanged'], policy: ['keep'] },
    then: (s) => forget(s, 'Deleted from the folder: the object stays in the bucket (delete policy “keep”) and is no longer synced.') },
  { name: 'deleted-bucket-changed-keep', when: { local: ['deleted'], remote: ['changed'] },
    then: (s) => forget(s, 'Deleted from the folder, but changed in the bucket by someone else since: their version is kept and no longer synced.') },
  { name: 'deleted-both-forget', when: { local: ['deleted'], remote: ['deleted'] },
    then: (s) => forget(s, 'Deleted from the folder and from the bucket: nothing left to sync.') },
];
