// The recent-activity log (bounded per pair, kept across a reopen), Keep on a held plan per gate, and the
// pair-settings helpers (bandwidth rates, .cossyncignore checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSyncState } from '../../src/main/engine/sync/state-store.js';
import { ActivityLog } from '../../src/main/engine/sync/activity-log.js';
import { DeclinedUploads, declinedStill, declineHeld, PAUSING_GATES } from '../../src/main/engine/sync/decline.js';
import { checkGates, type GateContext } from '../../src/main/engine/sync/gates.js';
import type { ItemOutcome } from '../../src/main/engine/sync/events.js';
import type { LocalEntry, Operation, SyncedEntry } from '../../src/main/engine/sync/model.js';
import { checkIgnoreText, saveIgnoreFile } from '../../src/main/engine/sync/ignore-edit.js';
import { appError } from '../../src/shared/errors.js';
import { msg } from '../../src/shared/messages.js';
import { formatRate, parseRate } from '../../src/shared/pair-edit.js';

const outcome = (pairId: string, i: number, extra: Partial<ItemOutcome> = {}): ItemOutcome =>
  ({ pairId, key: `f${i}.txt`, kind: 'uploaded', reason: 'New in the folder: uploaded.', atMs: 1_700_000_000_000 + i, ...extra });

test('the activity log keeps the newest rows of each pair, oldest first, with messages and errors, across a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cos-sync-activity-'));
  try {
    const file = join(dir, 'state.db');
    let state = new SqliteSyncState({ file });
    let log = new ActivityLog(state.database, { perPair: 100, batch: 40 });
    for (let i = 0; i < 250; i++) log.record(outcome('a', i));
    for (let i = 0; i < 10; i++) log.record(outcome('b', i));
    const error = appError('access-denied', { message: msg('error.permission', { what: msg('op.PutObject'), operation: 'PutObject' }) });
    log.record(outcome('b', 10, { kind: 'failed', error, why: msg('why.new') }));
    log.close();
    state.close();

    state = new SqliteSyncState({ file });
    log = new ActivityLog(state.database, { perPair: 100 });
    const a = log.recent({ pairId: 'a' });
    assert.equal(a.length, 100, 'bounded to the newest 100 of pair a');
    assert.deepEqual([a[0]!.key, a[99]!.key], ['f150.txt', 'f249.txt'], 'oldest first, the oldest 150 dropped');
    const b = log.recent({ pairId: 'b' });
    assert.equal(b.length, 11, 'another pair is not trimmed by a busy one');
    assert.deepEqual(b[10], outcome('b', 10, { kind: 'failed', error, why: msg('why.new') }), 'error and reason message round-trip');
    assert.deepEqual(log.recent({ limit: 3 }).map((o) => `${o.pairId} ${o.key}`), ['b f8.txt', 'b f9.txt', 'b f10.txt']);
    log.forgetPair('a');
    assert.deepEqual(log.recent({ pairId: 'a' }), []);
    log.close();
    state.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a pending outcome is readable at once: recent() writes what waits', () => {
  const state = new SqliteSyncState({ file: ':memory:' });
  const log = new ActivityLog(state.database, { flushMs: 60_000 });
  log.record(outcome('a', 1));
  assert.deepEqual(log.recent().map((o) => o.key), ['f1.txt']);
  log.close();
  state.close();
});

// ---- Keep on a held plan
const local = (key: string): LocalEntry => ({ key, relPath: key, size: 5, mtimeMs: 1000 });
const trash = (key: string): Operation => ({ kind: 'trashRemote', key, trashKey: `.cos-sync-trash/d/${key}`, expectEtag: 'e', reason: 'r' });
const reupload = (key: string): Operation => ({ kind: 'upload', key, local: local(key), reason: 'r', expectEtag: 'e' });
const synced = (key: string): SyncedEntry => ({ key, size: 5, mtimeMs: 1, etag: 'e', syncedAtMs: 1 });
const ctx = (o: Partial<GateContext> = {}): GateContext => ({
  syncedCount: 100, localCount: 100, remoteCount: 100, root: { exists: true, readable: true, hasMarker: true, path: '/p' }, listing: { ok: true }, ...o,
});

function withState(fn: (state: SqliteSyncState, declined: DeclinedUploads) => void): void {
  const state = new SqliteSyncState({ file: ':memory:' });
  try {
    fn(state, new DeclinedUploads(state.database));
  } finally {
    state.close();
  }
}

test('Keep on a mass delete forgets the objects it would have removed: they stay in the bucket and are no longer the pair\'s', () => {
  withState((state, declined) => {
    const keys = Array.from({ length: 60 }, (_, i) => `f${i}`);
    state.putSyncedMany('p', [...keys, 'other'].map(synced));
    const plan = keys.map(trash);
    const gates = checkGates(plan, ctx());
    assert.deepEqual(gates.map((g) => g.id), ['too-many-deletes']);
    const result = declineHeld({ gates, operations: plan }, { pairId: 'p', state, declined, now: () => 5 });
    assert.equal(result.pause, false);
    assert.equal(result.notice.code, 'plan-declined');
    assert.match(result.notice.message, /60 files stay in the bucket and are no longer synced/);
    assert.deepEqual([...state.loadSynced('p').keys()], ['other'], 'only the declined removals are forgotten');
    assert.equal(result.outcomes.length, 60);
    assert.ok(result.outcomes.every((o) => o.kind === 'forgotten' && o.why?.id === 'why.declinedDelete'));
  });
});

test('Keep on "every file changed" records the held uploads: refused while the file is as it was, uploaded once it changes', () => {
  withState((state, declined) => {
    const keys = Array.from({ length: 20 }, (_, i) => `f${i}`);
    const plan = keys.map(reupload);
    const gates = checkGates(plan, ctx({ syncedCount: 20, localCount: 20, remoteCount: 20, syncedKeys: new Set(keys) }));
    assert.deepEqual(gates.map((g) => g.id), ['all-changed']);
    const result = declineHeld({ gates, operations: plan }, { pairId: 'p', state, declined, now: () => 5 });
    assert.equal(result.pause, false);
    assert.match(result.notice.message, /20 files were not uploaded/);
    const stored = declined.load('p');
    assert.equal(stored.size, 20);
    const now = new Map(keys.map((k) => [k, { size: 5, mtimeMs: 1000 }]));
    now.set('f3', { size: 5, mtimeMs: 2000 });
    now.delete('f4');
    assert.deepEqual(declinedStill(stored, now).sort(), keys.filter((k) => k !== 'f3' && k !== 'f4').sort());
    declined.forgetPair('p');
    assert.equal(declined.load('p').size, 0);
  });
});

test('Keep when the folder or the listing is in doubt changes nothing and keeps the pair paused', () => {
  withState((state, declined) => {
    state.putSyncedMany('p', ['a', 'b'].map(synced));
    for (const root of [{ exists: false, readable: false, hasMarker: false, path: '/p' }, { exists: true, readable: true, hasMarker: true, path: '/p' }]) {
      const plan = [trash('a'), trash('b')];
      const gates = checkGates(plan, ctx({ syncedCount: 2, localCount: 0, remoteCount: 2, root }));
      assert.ok(gates.some((g) => PAUSING_GATES.has(g.id)), gates.map((g) => g.id).join());
      const result = declineHeld({ gates, operations: plan }, { pairId: 'p', state, declined, now: () => 5 });
      assert.equal(result.pause, true);
      assert.deepEqual(result.outcomes, []);
      assert.match(result.notice.hint ?? '', /Resume/);
      assert.equal(state.loadSynced('p').size, 2, 'nothing forgotten');
    }
  });
});

// ---- pair settings
test('bandwidth rates: parsed as the CLI reads them, written back in the shortest exact form', () => {
  assert.equal(parseRate('10M'), 10 * 1024 ** 2);
  assert.equal(parseRate('ten'), undefined);
  for (const bytes of [0, 1, 1000, 1536, 10 * 1024 ** 2, 1310720, 3 * 1024 ** 3]) assert.equal(parseRate(formatRate(bytes)), bytes, `${bytes} → ${formatRate(bytes)}`);
  assert.equal(formatRate(10 * 1024 ** 2), '10M');
  assert.equal(formatRate(0), '0');
});

test('ignore rules: a rule that ignores everything, a NUL or an oversized file is refused with the line; normal rules are saved', async () => {
  const everything = checkIgnoreText('# mine\n*.log\n*\n');
  assert.ok(!everything.ok);
  assert.equal(everything.error.field, 'ignoreRules');
  assert.match(everything.error.message, /^Line 3 \(“\*”\) ignores every file/);
  assert.equal(everything.error.i18n?.message?.id, 'error.ignoreEverything');
  const nul = checkIgnoreText('a\nb\0c\n');
  assert.ok(!nul.ok && /Line 2/.test(nul.error.message));
  assert.ok(!checkIgnoreText('x'.repeat(70_000)).ok);
  assert.deepEqual(checkIgnoreText('*\n!*.jpg\n!*/\n'), { ok: true, value: '*\n!*.jpg\n!*/\n' }, 'a whitelist that keeps some files is fine');
  assert.deepEqual(checkIgnoreText('build/\r\n*.log'), { ok: true, value: 'build/\n*.log\n' });

  const dir = await mkdtemp(join(tmpdir(), 'cos-sync-ignore-'));
  try {
    await writeFile(join(dir, '.cossyncignore'), 'old-rule\n');
    assert.deepEqual(await saveIgnoreFile(dir, 'new-rule'), { ok: true, value: 'new-rule\n' });
    assert.equal(await readFile(join(dir, '.cossyncignore'), 'utf8'), 'new-rule\n');
    assert.equal(await readFile(join(dir, '.cossyncignore~'), 'utf8'), 'old-rule\n', 'the previous rules are kept');
    assert.ok(!(await saveIgnoreFile(dir, '**')).ok);
    assert.equal(await readFile(join(dir, '.cossyncignore'), 'utf8'), 'new-rule\n', 'a refused text changes nothing');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
