// Properties of the planner over random correlated trees (Dropbox's CanopyCheck): a synced world, then
// rounds of folder edits and edits by others in the bucket; each plan is applied to an in-memory bucket.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { DeletePolicy, Key, LocalEntry, Operation, RemoteEntry, SyncedEntry } from '../../src/main/engine/sync/model.js';
import { makePlan, plan, sortOperations, type Plan, type PlanOptions } from '../../src/main/engine/sync/plan.js';

const TRASH = '.cos-sync-trash/2026-12-04/';
const MARKER = '.cos-sync-folder';
const isIgnored = (key: Key) => key.endsWith('.tmp');
const inTrash = (key: Key) => key.startsWith('.cos-sync-trash/');

/** Content by id; sizes repeat (id % 3) so different contents often share a size. */
const sizeOf = (id: number) => id % 3;
const md5Of = (id: number) => `m${id}`;
const crcOf = (id: number) => `c${id}`;

interface File { content: number; mtimeMs: number; ino: number }
interface Obj { content: number; etag: string; ours: boolean }
type HashKnowledge = 'none' | 'md5' | 'crc' | 'both';

interface World {
  local: Map<Key, File>;
  bucket: Map<Key, Obj>;
  synced: Map<Key, SyncedEntry>;
  seq: number;
}

interface Knowledge {
  local: HashKnowledge;
  remote: HashKnowledge;
  inodes: boolean;
}

const next = (w: World) => (w.seq += 1);
const hasMd5 = (k: HashKnowledge) => k === 'md5' || k === 'both';
const hasCrc = (k: HashKnowledge) => k === 'crc' || k === 'both';

function localTree(w: World, know: Knowledge): Map<Key, LocalEntry> {
  return new Map([...w.local].map(([key, f]) => [key, {
    key, relPath: key, size: sizeOf(f.content), mtimeMs: f.mtimeMs,
    ...(know.inodes ? { ino: f.ino } : {}),
    ...(hasMd5(know.local) ? { md5: md5Of(f.content) } : {}),
    ...(hasCrc(know.local) ? { crc64: crcOf(f.content) } : {}),
  }]));
}

/** COS gives every object a CRC64; only objects we uploaded carry our MD5 metadata. */
function remoteTree(w: World, know: Knowledge): Map<Key, RemoteEntry> {
  return new Map([...w.bucket].map(([key, o]) => [key, {
    key, size: sizeOf(o.content), etag: o.etag, lastModifiedMs: 0,
    ...(hasMd5(know.remote) && o.ours ? { md5: md5Of(o.content) } : {}),
    ...(hasCrc(know.remote) ? { crc64: crcOf(o.content) } : {}),
  }]));
}

// ---- edits

type LocalEdit =
  | { op: 'add'; key: Key; content: number }
  | { op: 'modify' | 'touch' | 'delete'; pick: number; content: number }
  | { op: 'rename'; pick: number; to: Key };
type RemoteEdit = { op: 'put'; key: Key; content: number } | { op: 'rewrite' | 'delete'; pick: number };

const pickKey = (m: Map<Key, unknown>, pick: number, skip: (k: Key) => boolean = () => false) => {
  const keys = [...m.keys()].filter((k) => !skip(k)).sort();
  return keys.length === 0 ? undefined : keys[pick % keys.length];
};

function editLocal(w: World, e: LocalEdit): void {
  if (e.op === 'add') return void w.local.set(e.key, { content: e.content, mtimeMs: next(w), ino: next(w) });
  const key = pickKey(w.local, e.pick, (k) => k === MARKER);
  const file = key === undefined ? undefined : w.local.get(key);
  if (key === undefined || !file) return;
  if (e.op === 'modify') w.local.set(key, { ...file, content: e.content, mtimeMs: next(w) });
  if (e.op === 'touch') w.local.set(key, { ...file, mtimeMs: next(w) });
  if (e.op === 'delete') w.local.delete(key);
  if (e.op === 'rename' && e.to !== key) {
    w.local.delete(key);
    w.local.set(e.to, file);
  }
}

function editRemote(w: World, e: RemoteEdit): void {
  if (e.op === 'put') return void w.bucket.set(e.key, { content: e.content, etag: `x${next(w)}`, ours: false });
  const key = pickKey(w.bucket, e.pick, inTrash);
  const obj = key === undefined ? undefined : w.bucket.get(key);
  if (key === undefined || !obj) return;
  if (e.op === 'rewrite') w.bucket.set(key, { ...obj, etag: `x${next(w)}`, ours: false });
  if (e.op === 'delete') w.bucket.delete(key);
}

// ---- the in-memory bucket: applies a plan, checking every precondition an executor checks

function syncedFrom(local: LocalEntry, etag: string, content: number): SyncedEntry {
  return { key: local.key, size: local.size, mtimeMs: local.mtimeMs, ino: local.ino, md5: md5Of(content), etag, syncedAtMs: 0 };
}

type Apply<K extends Operation['kind']> = (w: World, op: Extract<Operation, { kind: K }>, before: ReadonlyMap<Key, SyncedEntry>) => void;
const contentAt = (w: World, key: Key) => w.local.get(key)?.content ?? -1;

const applyUpload: Apply<'upload'> = (w, op, before) => {
  const current = w.bucket.get(op.key);
  if (op.expectEtag === undefined) assert.equal(current, undefined, `upload ${op.key} is create-only but an object is there`);
  else {
    assert.equal(current?.etag, op.expectEtag, `upload ${op.key}: ETag precondition`);
    assert.equal(op.expectEtag, before.get(op.key)?.etag, `upload ${op.key} overwrites a version that is not the synced one`);
  }
  const etag = `u${next(w)}`;
  w.bucket.set(op.key, { content: contentAt(w, op.key), etag, ours: true });
  w.synced.set(op.key, syncedFrom(op.local, etag, contentAt(w, op.key)));
};

const applyCopy: Apply<'copyRemote'> = (w, op) => {
  const source = w.bucket.get(op.fromKey);
  assert.equal(source?.etag, op.expectSourceEtag, `copy ${op.fromKey}: source ETag`);
  assert.equal(w.bucket.get(op.key), undefined, `copy to ${op.key} would overwrite`);
  assert.equal(source?.content, contentAt(w, op.key), `copy to ${op.key} copies other content than the file's`);
  const etag = `k${next(w)}`;
  w.bucket.set(op.key, { content: source?.content ?? -1, etag, ours: true });
  w.synced.set(op.key, syncedFrom(op.local, etag, contentAt(w, op.key)));
};

const applyTrash: Apply<'trashRemote'> = (w, op) => {
  const current = w.bucket.get(op.key);
  assert.equal(current?.etag, op.expectEtag, `trash ${op.key}: ETag precondition`);
  assert.ok(op.trashKey.startsWith(TRASH), op.trashKey);
  assert.equal(w.bucket.get(op.trashKey), undefined, `trash would overwrite ${op.trashKey}`);
  if (current) w.bucket.set(op.trashKey, current);
  w.bucket.delete(op.key);
  w.synced.delete(op.key);
};

const applyDelete: Apply<'deleteRemote'> = (w, op, before) => {
  assert.equal(w.bucket.get(op.key)?.etag, op.expectEtag, `delete ${op.key}: ETag precondition`);
  assert.equal(op.expectEtag, before.get(op.key)?.etag, `delete ${op.key}: only the synced version may be deleted`);
  w.bucket.delete(op.key);
  w.synced.delete(op.key);
};

const applyAdopt: Apply<'adopt'> = (w, op) => {
  const current = w.bucket.get(op.key);
  assert.equal(current?.etag, op.remote.etag, `adopt ${op.key}: ETag`);
  assert.equal(current?.content, contentAt(w, op.key), `adopt ${op.key} of different content`);
  w.synced.set(op.key, syncedFrom(op.local, op.remote.etag, contentAt(w, op.key)));
};

/** One step of the simulated executor; it asserts each precondition a real executor re-checks. */
function applyOp(w: World, op: Operation, before: ReadonlyMap<Key, SyncedEntry>): void {
  if (op.kind === 'upload') applyUpload(w, op, before);
  else if (op.kind === 'copyRemote') applyCopy(w, op, before);
  else if (op.kind === 'trashRemote') applyTrash(w, op, before);
  else if (op.kind === 'deleteRemote') applyDelete(w, op, before);
  else if (op.kind === 'adopt') applyAdopt(w, op, before);
  else if (op.kind === 'forget') w.synced.delete(op.key);
  else assert.fail(`${op.kind} in an upload plan`);
}

function applyPlan(w: World, ops: readonly Operation[]): void {
  const before = new Map(w.synced);
  for (const op of ops) applyOp(w, op, before);
}

// ---- scenarios

interface Scenario {
  base: { key: Key; content: number }[];
  syncedLost: boolean;
  foreign: { key: Key; content: number }[];
  trashed: Key[];
  rounds: { local: LocalEdit[]; remote: RemoteEdit[] }[];
  policy: DeletePolicy;
  know: Knowledge;
}

/** A synced world: every base file identical in folder, bucket and synced tree; then others' objects. */
function worldOf(s: Scenario): World {
  const w: World = { local: new Map(), bucket: new Map(), synced: new Map(), seq: 0 };
  w.local.set(MARKER, { content: 0, mtimeMs: next(w), ino: next(w) });
  for (const { key, content } of s.base) {
    const file = { content, mtimeMs: next(w), ino: next(w) };
    const etag = `s${next(w)}`;
    w.local.set(key, file);
    w.bucket.set(key, { content, etag, ours: true });
    w.synced.set(key, { key, size: sizeOf(content), mtimeMs: file.mtimeMs, ino: file.ino, md5: md5Of(content), etag, syncedAtMs: 0 });
  }
  if (s.syncedLost) w.synced.clear(); // a first sync against a bucket that already holds the folder
  for (const { key, content } of s.foreign) w.bucket.set(key, { content, etag: `f${next(w)}`, ours: false });
  for (const key of s.trashed) w.bucket.set(`${TRASH}${key}`, { content: 100 + next(w), etag: `t${next(w)}`, ours: true });
  return w;
}

const options = (policy: DeletePolicy): PlanOptions => ({ direction: 'upload', deletePolicy: policy, trashPrefix: TRASH, isIgnored, markerKey: MARKER });

function checkConverged(w: World, result: Plan, policy: DeletePolicy, bucketBefore: Map<Key, Obj>, syncedBefore: Map<Key, SyncedEntry>): void {
  const refused = new Set(result.refused.map((r) => r.key));
  for (const [key, file] of w.local) {
    if (key === MARKER || isIgnored(key) || refused.has(key)) continue;
    assert.equal(w.bucket.get(key)?.content, file.content, `${key}: the bucket does not hold the folder's version`);
  }
  if (policy === 'keep') return;
  for (const key of w.bucket.keys()) {
    if (inTrash(key) || w.local.has(key) || isIgnored(key)) continue;
    const wasOurs = bucketBefore.get(key)?.etag !== undefined && bucketBefore.get(key)?.etag === syncedBefore.get(key)?.etag;
    assert.ok(!wasOurs, `${key}: deleted from the folder, still in the bucket with policy ${policy}`);
  }
}

/** Every content the bucket held is still somewhere in it, unless it was the synced version and was replaced or deleted by policy. */
function checkNothingLost(w: World, policy: DeletePolicy, bucketBefore: Map<Key, Obj>, syncedBefore: Map<Key, SyncedEntry>): void {
  const contents = new Set([...w.bucket.values()].map((o) => o.content));
  for (const [key, obj] of bucketBefore) {
    if (contents.has(obj.content)) continue;
    const syncedVersion = syncedBefore.get(key)?.etag === obj.etag;
    assert.ok(syncedVersion && (policy === 'delete' || w.local.has(key)), `the content of ${key} (${obj.etag}) is gone from the bucket`);
  }
}

function checkPlanShape({ operations: ops, refused }: Plan, policy: DeletePolicy): void {
  assert.deepEqual(sortOperations(ops), ops, 'sorted');
  const refusedKeys = new Set(refused.map((r) => r.key));
  for (const op of ops) {
    assert.ok(!refusedKeys.has(op.key), `${op.kind} of refused ${op.key}`);
    assert.ok(!inTrash(op.key) && op.key !== MARKER, `${op.kind} ${op.key} touches our own bookkeeping`);
    if (policy === 'trash') assert.notEqual(op.kind, 'deleteRemote', 'deleteRemote with policy trash');
    if (isIgnored(op.key)) assert.equal(op.kind, 'forget', `${op.kind} of an ignored file`);
  }
}

function syncRound(w: World, policy: DeletePolicy, know: Knowledge): void {
  const opts = options(policy);
  const [local, remote, synced] = [localTree(w, know), remoteTree(w, know), new Map(w.synced)];
  const result = makePlan(local, remote, synced, opts);
  const reversed = <V>(m: Map<Key, V>) => new Map([...m].reverse());
  assert.deepEqual(plan(reversed(local), reversed(remote), reversed(synced), opts), result.operations, 'deterministic');
  checkPlanShape(result, policy);
  const [bucketBefore, syncedBefore] = [new Map(w.bucket), new Map(w.synced)];
  applyPlan(w, result.operations);
  checkConverged(w, result, policy, bucketBefore, syncedBefore);
  checkNothingLost(w, policy, bucketBefore, syncedBefore);
  const again = plan(localTree(w, know), remoteTree(w, know), new Map(w.synced), opts);
  assert.deepEqual(again, [], 'a second plan over the result does nothing');
}

const KEYS = ['a', 'b', 'B', 'c.txt', 'd/e', 'd/f', 'g.tmp', 'h/i/j', 'é.txt'];
const key = fc.constantFrom(...KEYS);
const content = fc.integer({ min: 1, max: 9 });
const localEdit: fc.Arbitrary<LocalEdit> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), key, content }),
  fc.record({ op: fc.constantFrom('modify' as const, 'touch' as const, 'delete' as const), pick: fc.nat(20), content }),
  fc.record({ op: fc.constant('rename' as const), pick: fc.nat(20), to: key }),
);
const remoteEdit: fc.Arbitrary<RemoteEdit> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key, content }),
  fc.record({ op: fc.constantFrom('rewrite' as const, 'delete' as const), pick: fc.nat(20) }),
);
const hashes = fc.constantFrom<HashKnowledge>('none', 'md5', 'crc', 'both');
const scenario: fc.Arbitrary<Scenario> = fc.record({
  base: fc.uniqueArray(fc.record({ key, content }), { selector: (e) => e.key, maxLength: 7 }),
  syncedLost: fc.boolean(),
  foreign: fc.array(fc.record({ key, content }), { maxLength: 3 }),
  trashed: fc.subarray(KEYS),
  rounds: fc.array(fc.record({ local: fc.array(localEdit, { maxLength: 8 }), remote: fc.array(remoteEdit, { maxLength: 3 }) }), { minLength: 1, maxLength: 3 }),
  policy: fc.constantFrom<DeletePolicy>('trash', 'delete', 'keep'),
  know: fc.record({ local: hashes, remote: hashes, inodes: fc.boolean() }),
});

describe('plan over random correlated trees', () => {
  test('converges, is idempotent and deterministic, and loses no content', () => {
    fc.assert(fc.property(scenario, (s) => {
      const w = worldOf(s);
      syncRound(w, s.policy, s.know); // first the world as generated (a first sync when syncedLost)
      for (const round of s.rounds) {
        for (const e of round.local) editLocal(w, e);
        for (const e of round.remote) editRemote(w, e);
        syncRound(w, s.policy, s.know);
      }
    }), { numRuns: 1000 });
  });

  test('never throws on arbitrary trees, and its output is sorted and within the keys it was given', () => {
    const anyKey = fc.oneof(key, fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
    const num = fc.oneof(fc.integer(), fc.double());
    const text = fc.option(fc.string({ maxLength: 3 }), { nil: undefined });
    const entry = fc.record({ key: anyKey, size: num, mtimeMs: num, ino: fc.option(fc.nat(3), { nil: undefined }), md5: text, crc64: text, etag: fc.string({ maxLength: 3 }) });
    type Raw = typeof entry extends fc.Arbitrary<infer E> ? E : never;
    const treeOf = <T>(f: (e: Raw) => T) => fc.array(entry, { maxLength: 8 }).map((es) => new Map(es.map((e) => [e.key, f(e)])));
    const locals = treeOf((e): LocalEntry => ({ ...e, relPath: e.key }));
    const remotes = treeOf((e): RemoteEntry => ({ ...e, lastModifiedMs: 0 }));
    const synceds = treeOf((e): SyncedEntry => ({ ...e, syncedAtMs: 0 }));
    fc.assert(fc.property(locals, remotes, synceds, fc.constantFrom<DeletePolicy>('trash', 'delete', 'keep'), fc.string(), (l, r, sy, policy, trashPrefix) => {
      const ops = plan(l, r, sy, { direction: 'upload', deletePolicy: policy, trashPrefix });
      const given = new Set([...l.keys(), ...r.keys(), ...sy.keys()]);
      for (const op of ops) assert.ok(given.has(op.key));
      assert.deepEqual(sortOperations(ops), ops);
      if (policy === 'trash') assert.ok(!ops.some((op) => op.kind === 'deleteRemote'));
    }), { numRuns: 500 });
  });
});
