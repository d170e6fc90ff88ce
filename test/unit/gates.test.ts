// Safety gates: each one trips on its own signal, stays quiet on the normal cases around it (first
// sync, small folders, renames, replacements), and a tripped plan waits for the user with its plan.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkGates, DEFAULT_GATE_THRESHOLDS, gatePlan, removals, type GateContext, type GateId } from '../../src/main/engine/sync/gates.js';
import type { LocalEntry, Operation } from '../../src/main/engine/sync/model.js';

const file = (key: string): LocalEntry => ({ key, relPath: key, size: 1, mtimeMs: 1 });
const trash = (key: string): Operation => ({ kind: 'trashRemote', key, trashKey: `.cos-sync-trash/2026-12-04/${key}`, expectEtag: 'e', reason: 'r' });
const del = (key: string): Operation => ({ kind: 'deleteRemote', key, expectEtag: 'e', reason: 'r' });
const upload = (key: string, expectEtag?: string): Operation => (expectEtag === undefined
  ? { kind: 'upload', key, local: file(key), reason: 'r' } : { kind: 'upload', key, local: file(key), reason: 'r', expectEtag });
const copy = (key: string, fromKey: string): Operation => ({ kind: 'copyRemote', key, fromKey, local: file(key), expectSourceEtag: 'e', reason: 'r' });
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const ctx = (o: Partial<GateContext> = {}): GateContext => ({
  syncedCount: 1000, localCount: 1000, remoteCount: 1000,
  root: { exists: true, readable: true, hasMarker: true },
  listing: { ok: true },
  ...o,
});
const ids = (plan: Operation[], c: GateContext = ctx()): GateId[] => checkGates(plan, c).map((g) => g.id);

describe('too-many-deletes', () => {
  test('more removals than the count limit trips; exactly the limit does not', () => {
    assert.deepEqual(ids(many(50, (i) => trash(`f${i}`))), []);
    assert.deepEqual(ids(many(51, (i) => trash(`f${i}`))), ['too-many-deletes']);
  });

  test('a share over the limit trips even under the count', () => {
    const gates = checkGates(many(11, (i) => del(`f${i}`)), ctx({ syncedCount: 20, localCount: 9, remoteCount: 20 }));
    assert.deepEqual(gates.map((g) => g.id), ['too-many-deletes']);
    assert.match(gates[0]?.message ?? '', /remove 11 files from the bucket \(deleted outright\): 55% of the 20 synced/);
    assert.equal(gates[0]?.operations.length, 11);
  });

  test('share is not judged on tiny folders (2 of 3 files)', () => {
    assert.deepEqual(ids([trash('a'), trash('b')], ctx({ syncedCount: 3, localCount: 1, remoteCount: 3 })), []);
  });

  test('the thresholds are configurable', () => {
    assert.deepEqual(ids(many(5, (i) => trash(`f${i}`)), ctx({ thresholds: { maxDeletes: 4 } })), ['too-many-deletes']);
    assert.deepEqual(ids(many(60, (i) => trash(`f${i}`)), ctx({ thresholds: { maxDeletes: 100 } })), []);
  });

  test('renames and replacements are not removals', () => {
    const plan = [...many(60, (i) => copy(`new${i}`, `old${i}`)), ...many(60, (i) => trash(`old${i}`)), ...many(60, (i) => trash(`r${i}`)), ...many(60, (i) => upload(`r${i}`))];
    assert.deepEqual(removals(plan), []);
    assert.deepEqual(ids(plan), []);
  });

  test('the message says where the files go', () => {
    const gate = checkGates(many(51, (i) => trash(`f${i}`)), ctx())[0];
    assert.match(gate?.message ?? '', /to the bucket's trash/);
    assert.match(checkGates([...many(40, (i) => trash(`f${i}`)), ...many(20, (i) => del(`g${i}`))], ctx())[0]?.message ?? '', /40 to the trash, 20 deleted outright/);
    assert.match(gate?.hint ?? '', /raise the limits/);
  });
});

describe('the folder', () => {
  test('root-missing', () => {
    const gates = checkGates([trash('a')], ctx({ root: { exists: false, readable: false, hasMarker: false, path: '/Volumes/Photos' } }));
    assert.deepEqual(gates.map((g) => g.id), ['root-missing']);
    assert.match(gates[0]?.message ?? '', /“\/Volumes\/Photos” is not there/);
    assert.deepEqual(gates[0]?.operations, [trash('a')]);
  });

  test('root-unreadable', () => {
    assert.deepEqual(ids([], ctx({ root: { exists: true, readable: false, hasMarker: false } })), ['root-unreadable']);
  });

  test('root-empty when files were synced; not on a first sync', () => {
    const empty = { localCount: 0, root: { exists: true, readable: true, hasMarker: true } };
    assert.deepEqual(ids([], ctx(empty)), ['root-empty']);
    assert.deepEqual(ids([], ctx({ ...empty, syncedCount: 0 })), []);
  });

  test('marker-missing when files were synced; not on a first sync', () => {
    const noMarker = { root: { exists: true, readable: true, hasMarker: false } };
    const gates = checkGates([], ctx(noMarker));
    assert.deepEqual(gates.map((g) => g.id), ['marker-missing']);
    assert.match(gates[0]?.message ?? '', /“\.cos-sync-folder”/);
    assert.deepEqual(ids([], ctx({ ...noMarker, syncedCount: 0 })), []);
  });
});

describe('the listing', () => {
  test('listing-failed, with the error', () => {
    const gates = checkGates([upload('a')], ctx({ listing: { ok: false, error: 'AccessDenied' } }));
    assert.deepEqual(gates.map((g) => g.id), ['listing-failed']);
    assert.match(gates[0]?.message ?? '', /failed: AccessDenied/);
  });

  test('listing-empty when files were synced; an empty bucket on a first sync is fine', () => {
    assert.deepEqual(ids([], ctx({ remoteCount: 0 })), ['listing-empty']);
    assert.deepEqual(ids([], ctx({ remoteCount: 0, syncedCount: 0 })), []);
  });
});

describe('all-changed', () => {
  const synced = new Set(many(100, (i) => `f${i}`));
  const c = ctx({ syncedCount: 100, localCount: 100, remoteCount: 100, syncedKeys: synced });

  test('more than 80% of synced files uploaded again trips', () => {
    assert.deepEqual(ids(many(81, (i) => upload(`f${i}`, 'e')), c), ['all-changed']);
    assert.deepEqual(ids(many(80, (i) => upload(`f${i}`, 'e')), c), []);
  });

  test('new files do not count; without syncedKeys, uploads over our version (expectEtag) do', () => {
    assert.deepEqual(ids(many(100, (i) => upload(`new${i}`)), c), []);
    assert.deepEqual(ids(many(90, (i) => upload(`f${i}`, 'e')), ctx({ syncedCount: 100 })), ['all-changed']);
  });

  test('the share threshold is configurable', () => {
    assert.deepEqual(ids(many(30, (i) => upload(`f${i}`, 'e')), { ...c, thresholds: { maxChangedShare: 0.25 } }), ['all-changed']);
  });
});

describe('gatePlan', () => {
  test('a clean plan runs', () => {
    assert.deepEqual(gatePlan([upload('a')], ctx()), { state: 'syncing', operations: [upload('a')], gates: [] });
  });

  test('a gated plan waits for the user, keeping the plan it would have run; root problems come first', () => {
    const plan = many(60, (i) => trash(`f${i}`));
    const gated = gatePlan(plan, ctx({ localCount: 0, root: { exists: true, readable: true, hasMarker: false } }));
    assert.equal(gated.state, 'waiting-for-user');
    assert.deepEqual(gated.operations, plan);
    assert.deepEqual(gated.gates.map((g) => g.id), ['root-empty', 'marker-missing', 'too-many-deletes']);
    for (const g of gated.gates) assert.ok(g.message.length > 0 && g.hint.length > 0);
  });

  test('defaults are 50 deletes and half the synced files', () => {
    assert.equal(DEFAULT_GATE_THRESHOLDS.maxDeletes, 50);
    assert.equal(DEFAULT_GATE_THRESHOLDS.maxDeleteShare, 0.5);
  });
});
