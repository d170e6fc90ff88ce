// The planner's decision table: one small named rule per row (the table itself is documented in
// plan.ts). A rule is a declarative pattern over a key's Situation plus the operations it yields.
import { english } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
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
// Reasons are messages (ids with parameters): `reason` is their English, `why` lets the window translate.

const told = (why: Msg) => ({ reason: english(why), why });

function upload(s: Situation, why: Msg, expectEtag?: string): Operation[] {
  if (!s.local) return [];
  return [expectEtag === undefined
    ? { kind: 'upload', key: s.key, local: s.local, ...told(why) }
    : { kind: 'upload', key: s.key, local: s.local, ...told(why), expectEtag }];
}

function trash(s: Situation, ctx: RuleContext, why: Msg): Operation[] {
  if (!s.remote) return [];
  const trashKey = ctx.trashKeyFor(s.key);
  return [{ kind: 'trashRemote', key: s.key, trashKey, expectEtag: s.remote.etag, ...told(msg('why.trashed', { why, trashKey })) }];
}

/** Someone else's version is kept recoverable in the trash, then the folder's version takes its place. */
function trashThenUpload(s: Situation, ctx: RuleContext, why: Msg): Operation[] {
  return [...trash(s, ctx, why), ...upload(s, msg('why.replaced', { why }))];
}

function adopt(s: Situation, why: Msg): Operation[] {
  return s.local && s.remote ? [{ kind: 'adopt', key: s.key, local: s.local, remote: s.remote, ...told(why) }] : [];
}

function forget(s: Situation, why: Msg): Operation[] {
  return s.synced ? [{ kind: 'forget', key: s.key, ...told(why) }] : [];
}

function deleteRemote(s: Situation, why: Msg): Operation[] {
  return s.remote ? [{ kind: 'deleteRemote', key: s.key, expectEtag: s.remote.etag, ...told(why) }] : [];
}

function copyFrom(s: Situation): Operation[] {
  if (!s.local || s.rename?.role !== 'target') return [];
  const { fromKey, expectSourceEtag } = s.rename;
  return [{ kind: 'copyRemote', key: s.key, fromKey, local: s.local, expectSourceEtag, ...told(msg('why.renamedCopy', { from: fromKey })) }];
}

const renamedTo = (s: Situation): Msg => (s.rename?.role === 'source' ? msg('why.renamedTo', { key: s.rename.toKey }) : msg('why.aNewName'));
const nothing = (): Operation[] => [];

export const RULES: readonly Rule[] = [
  { name: 'ignored-synced-forget', when: { ignored: true, local: ['unchanged', 'changed', 'deleted'] },
    then: (s) => forget(s, msg('why.ignoredForget')) },
  { name: 'ignored-unsynced-nothing', when: { ignored: true, local: ['new', 'absent'] }, then: nothing },

  { name: 'renamed-copy', when: { rename: 'target', local: ['new'], remote: ['absent'] }, then: copyFrom },
  { name: 'renamed-source-trash', when: { rename: 'source', local: ['deleted'], remote: ['unchanged'], policy: ['trash'] },
    then: (s, ctx) => trash(s, ctx, msg('why.renamedTrash', { to: renamedTo(s) })) },
  { name: 'renamed-source-delete', when: { rename: 'source', local: ['deleted'], remote: ['unchanged'], policy: ['delete'] },
    then: (s) => deleteRemote(s, msg('why.renamedDelete', { to: renamedTo(s) })) },
  { name: 'renamed-source-keep', when: { rename: 'source', local: ['deleted'], remote: ['unchanged'], policy: ['keep'] },
    then: (s) => forget(s, msg('why.renamedKeep', { to: renamedTo(s) })) },

  { name: 'new-upload', when: { local: ['new'], remote: ['absent'] }, then: (s) => upload(s, msg('why.new')) },
  { name: 'new-identical-adopt', when: { local: ['new'], remote: ['new'], content: ['same'] },
    then: (s) => adopt(s, msg('why.newIdentical')) },
  { name: 'new-differs-trash-then-upload', when: { local: ['new'], remote: ['new'], content: ['different'] },
    then: (s, ctx) => trashThenUpload(s, ctx, msg('why.newDiffers')) },
  { name: 'new-unverifiable-trash-then-upload', when: { local: ['new'], remote: ['new'], content: ['unknown'] },
    then: (s, ctx) => trashThenUpload(s, ctx, msg('why.newUnverifiable')) },
  { name: 'bucket-only-left-alone', when: { local: ['absent'], remote: ['new'] }, then: nothing },

  { name: 'unchanged-nothing', when: { local: ['unchanged'], remote: ['unchanged'] }, then: nothing },
  { name: 'bucket-changed-identical-adopt', when: { local: ['unchanged'], remote: ['changed'], content: ['same'] },
    then: (s) => adopt(s, msg('why.bucketSame')) },
  { name: 'bucket-changed-restore', when: { local: ['unchanged'], remote: ['changed'], content: ['different', 'unknown'] },
    then: (s, ctx) => trashThenUpload(s, ctx, msg('why.bucketChanged')) },
  { name: 'bucket-deleted-restore', when: { local: ['unchanged'], remote: ['deleted'] },
    then: (s) => upload(s, msg('why.bucketDeleted')) },

  { name: 'touched-adopt', when: { local: ['changed'], remote: ['unchanged'], localVsSynced: ['same'] },
    then: (s) => adopt(s, msg('why.touched')) },
  { name: 'changed-upload', when: { local: ['changed'], remote: ['unchanged'] },
    then: (s) => upload(s, msg('why.changed'), s.remote?.etag) },
  { name: 'both-changed-identical-adopt', when: { local: ['changed'], remote: ['changed'], content: ['same'] },
    then: (s) => adopt(s, msg('why.bothSame')) },
  { name: 'both-changed-conflict', when: { local: ['changed'], remote: ['changed'], content: ['different', 'unknown'] },
    then: (s, ctx) => trashThenUpload(s, ctx, msg('why.conflict')) },
  { name: 'changed-bucket-deleted-upload', when: { local: ['changed'], remote: ['deleted'] },
    then: (s) => upload(s, msg('why.changedBucketDeleted')) },

  { name: 'deleted-trash', when: { local: ['deleted'], remote: ['unchanged'], policy: ['trash'] },
    then: (s, ctx) => trash(s, ctx, msg('why.deletedTrash')) },
  { name: 'deleted-delete', when: { local: ['deleted'], remote: ['unchanged'], policy: ['delete'] },
    then: (s) => deleteRemote(s, msg('why.deletedDelete')) },
  { name: 'deleted-keep-forget', when: { local: ['deleted'], remote: ['unchanged'], policy: ['keep'] },
    then: (s) => forget(s, msg('why.deletedKeep')) },
  { name: 'deleted-bucket-changed-keep', when: { local: ['deleted'], remote: ['changed'] },
    then: (s) => forget(s, msg('why.deletedBucketChanged')) },
  { name: 'deleted-both-forget', when: { local: ['deleted'], remote: ['deleted'] },
    then: (s) => forget(s, msg('why.deletedBoth')) },
];
