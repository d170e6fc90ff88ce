// The persisted engine state: SyncedTree round trips, schema versions, uploads with parts, back-off, and
// that a crash in the middle of a transaction leaves the file as it was before the transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  BACKOFF_SCHEDULE_MS,
  CURRENT_VERSION,
  MIGRATIONS,
  SqliteSyncState,
  backoffDelayMs,
  migrate,
  type Migration,
} from '../../src/main/engine/sync/state-store.js';
import type { SyncedEntry } from '../../src/main/engine/sync/model.js';
import { AppFailure } from '../../src/shared/errors.js';

const entry = (key: string, extra: Partial<SyncedEntry> = {}): SyncedEntry => ({
  key,
  size: 10,
  mtimeMs: 1_700_000_000_123.5,
  etag: '"abc"',
  syncedAtMs: 1_700_000_001_000,
  ...extra,
});

async function withDir(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cos-sync-state-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const memory = (random = () => 0): SqliteSyncState => new SqliteSyncState({ file: ':memory:', random });

test('synced entries round-trip, optional fields stay absent, pairs are separate', () => {
  const state = memory();
  const full = entry('photos/été 2024/a+b #1.jpg', { ino: 42, md5: 'rL0Y20zC+Fzt72VPzMSk2A==', crc64: '18446744073709551615' });
  state.putSynced('p1', full);
  state.putSynced('p1', entry('b.txt'));
  state.putSynced('p2', entry('b.txt', { size: 99 }));
  const tree = state.loadSynced('p1');
  assert.deepEqual([...tree.keys()].sort(), ['b.txt', 'photos/été 2024/a+b #1.jpg']);
  assert.deepEqual(tree.get(full.key), full);
  assert.deepEqual(tree.get('b.txt'), entry('b.txt'));
  assert.equal('md5' in tree.get('b.txt')!, false);
  assert.equal(state.getSynced('p2', 'b.txt')?.size, 99);
  state.putSynced('p1', entry('b.txt', { size: 11 }));
  assert.equal(state.getSynced('p1', 'b.txt')?.size, 11, 'put replaces');
  state.deleteSynced('p1', 'b.txt');
  assert.equal(state.getSynced('p1', 'b.txt'), undefined);
  assert.equal(state.loadSynced('p2').size, 1);
  state.close();
});

test('putSyncedMany is all or nothing', () => {
  const state = memory();
  state.putSynced('p', entry('before'));
  function* failing(): Generator<SyncedEntry> {
    yield entry('x1');
    yield entry('x2');
    throw new Error('disk on fire');
  }
  assert.throws(() => state.putSyncedMany('p', failing()), /disk on fire/);
  assert.deepEqual([...state.loadSynced('p').keys()], ['before']);
  state.putSyncedMany('p', [entry('x1'), entry('x2')]);
  assert.equal(state.loadSynced('p').size, 3);
  state.close();
});

test('a new file gets the current user_version; reopening keeps the data', () =>
  withDir((dir) => {
    const file = join(dir, 'state.db');
    const state = new SqliteSyncState({ file });
    state.putSynced('p', entry('a'));
    state.close();
    const db = new Database(file);
    assert.equal(db.pragma('user_version', { simple: true }), CURRENT_VERSION);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    const again = new SqliteSyncState({ file });
    assert.deepEqual(again.getSynced('p', 'a'), entry('a'));
    again.close();
  }));

test('a file from a newer version is refused, not migrated down', () =>
  withDir((dir) => {
    const file = join(dir, 'state.db');
    const db = new Database(file);
    db.pragma(`user_version = ${CURRENT_VERSION + 1}`);
    db.close();
    assert.throws(
      () => new SqliteSyncState({ file }),
      (error: unknown) => error instanceof AppFailure && /newer version/.test(error.appError.message),
    );
  }));

test('migrations run in order, keep data, and a failing one changes nothing', () => {
  const db = new Database(':memory:');
  assert.equal(migrate(db), CURRENT_VERSION);
  db.prepare("INSERT INTO synced VALUES ('p', 'k', 1, 2, NULL, NULL, NULL, 'e', 3)").run();
  const v2: Migration = { version: CURRENT_VERSION + 1, up: (d) => d.exec('ALTER TABLE synced ADD COLUMN note TEXT') };
  const broken: Migration = {
    version: CURRENT_VERSION + 2,
    up: (d) => {
      d.exec('CREATE TABLE half_done (x)');
      throw new Error('migration bug');
    },
  };
  assert.throws(() => migrate(db, [...MIGRATIONS, v2, broken]), /migration bug/);
  assert.equal(db.pragma('user_version', { simple: true }), CURRENT_VERSION + 1, 'v2 committed, the broken one did not');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").all();
  assert.deepEqual(tables, []);
  assert.deepEqual(db.prepare('SELECT key, note FROM synced').all(), [{ key: 'k', note: null }]);
  assert.equal(migrate(db, [...MIGRATIONS, v2]), CURRENT_VERSION + 1, 'idempotent');
  db.close();
});

test('uploads: begin, record parts (out of order, retried), find the newest, finish with a synced entry', () => {
  const state = memory();
  const start = { pairId: 'p', key: 'big.iso', objectKey: 'backup/big.iso', partSize: 8 << 20, size: 20 << 20, mtimeMs: 5.5, ino: 7 };
  state.beginUpload({ ...start, uploadId: 'u-old', createdAtMs: 100 });
  state.beginUpload({ ...start, uploadId: 'u-new', createdAtMs: 200 });
  state.recordPart('u-new', { partNumber: 2, etag: '"e2"', size: 8 << 20, crc64: '2' });
  state.recordPart('u-new', { partNumber: 1, etag: '"bad"', size: 8 << 20 });
  state.recordPart('u-new', { partNumber: 1, etag: '"e1"', size: 8 << 20, md5: 'bTU=', crc64: '1' });
  const found = state.findUpload('p', 'big.iso');
  assert.equal(found?.uploadId, 'u-new');
  assert.equal(found?.objectKey, 'backup/big.iso');
  assert.equal(found?.ino, 7);
  assert.deepEqual(found?.parts, [
    { partNumber: 1, etag: '"e1"', size: 8 << 20, md5: 'bTU=', crc64: '1' },
    { partNumber: 2, etag: '"e2"', size: 8 << 20, crc64: '2' },
  ]);
  assert.deepEqual(state.listUploads('p').map((u) => u.uploadId), ['u-old', 'u-new'], 'abandoned ones are listed too');
  state.finishUpload('u-new', { pairId: 'p', entry: entry('big.iso', { size: 20 << 20 }) });
  assert.equal(state.getSynced('p', 'big.iso')?.size, 20 << 20);
  assert.equal(state.findUpload('p', 'big.iso')?.uploadId, 'u-old');
  state.dropUpload('u-old');
  assert.equal(state.findUpload('p', 'big.iso'), undefined);
  assert.throws(() => state.recordPart('u-old', { partNumber: 3, etag: '"x"', size: 1 }), /FOREIGN KEY/);
  state.close();
});

test('dropping an upload drops its parts', () => {
  const state = memory();
  state.beginUpload({ pairId: 'p', key: 'k', objectKey: 'k', uploadId: 'u', partSize: 5, size: 10, mtimeMs: 1, createdAtMs: 1 });
  state.recordPart('u', { partNumber: 1, etag: '"a"', size: 5 });
  state.dropUpload('u');
  state.beginUpload({ pairId: 'p', key: 'k', objectKey: 'k', uploadId: 'u', partSize: 5, size: 10, mtimeMs: 1, createdAtMs: 2 });
  assert.deepEqual(state.findUpload('p', 'k')?.parts, [], 'no stale part survives under a reused id');
  state.close();
});

test('back-off follows the schedule, caps at an hour, and jitter only shortens', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelayMs(n, () => 0)),
    [30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 3_600_000, 3_600_000],
  );
  for (let n = 1; n < 10; n++) {
    const step = BACKOFF_SCHEDULE_MS[Math.min(n, BACKOFF_SCHEDULE_MS.length) - 1]!;
    const shortest = backoffDelayMs(n, () => 0.999999);
    assert.ok(shortest >= step * 0.8 && shortest <= step, `${n}: ${shortest}`);
  }
});

test('failures are counted, persisted, due in time, and cleared', () =>
  withDir((dir) => {
    const file = join(dir, 'state.db');
    let state = new SqliteSyncState({ file, random: () => 0 });
    assert.equal(state.recordFailure('p', 'a', 'EACCES', 1_000), 31_000);
    assert.equal(state.recordFailure('p', 'a', 'EBUSY', 31_000), 91_000);
    state.recordFailure('p', 'b', 'timeout', 1_000);
    state.close();
    state = new SqliteSyncState({ file, random: () => 0 });
    assert.deepEqual(state.getFailure('p', 'a'), {
      pairId: 'p', key: 'a', failures: 2, nextAttemptMs: 91_000, lastError: 'EBUSY', lastFailedAtMs: 31_000,
    });
    assert.deepEqual(state.dueFailures('p', 31_000).map((f) => f.key), ['b']);
    assert.deepEqual(state.dueFailures('p', 91_000).map((f) => f.key), ['b', 'a']);
    assert.deepEqual(state.listFailures('p').map((f) => f.key), ['b', 'a']);
    state.clearFailure('p', 'a');
    assert.equal(state.getFailure('p', 'a'), undefined);
    assert.equal(state.recordFailure('p', 'a', 'again', 100_000), 130_000, 'count starts over after a success');
    state.close();
  }));

test('forgetPair removes only that pair', () => {
  const state = memory();
  for (const pair of ['p', 'q']) {
    state.putSynced(pair, entry('a'));
    state.beginUpload({ pairId: pair, key: 'a', objectKey: 'a', uploadId: `u-${pair}`, partSize: 1, size: 1, mtimeMs: 1, createdAtMs: 1 });
    state.recordFailure(pair, 'a', 'x', 0);
  }
  state.forgetPair('p');
  assert.equal(state.loadSynced('p').size, 0);
  assert.deepEqual(state.listUploads('p'), []);
  assert.deepEqual(state.listFailures('p'), []);
  assert.equal(state.loadSynced('q').size, 1);
  assert.equal(state.listUploads('q').length, 1);
  state.close();
  state.close(); // closing twice is harmless
});

/** A child process that writes rows, then dies inside a putSyncedMany transaction without committing. */
const CRASHING_WRITER = `
import { SqliteSyncState } from './src/main/engine/sync/state-store.ts';
const state = new SqliteSyncState({ file: process.argv[1] });
state.putSynced('p', { key: 'committed', size: 1, mtimeMs: 1, etag: 'e', syncedAtMs: 1 });
function* rows() {
  for (let i = 0; i < 5000; i++) {
    if (i === 4000) process.kill(process.pid, 'SIGKILL');
    yield { key: 'batch-' + i, size: i, mtimeMs: i, etag: 'e', syncedAtMs: i };
  }
}
state.putSyncedMany('p', rows());
`;

test('a process killed mid-transaction leaves the last committed state', () =>
  withDir((dir) => {
    const file = join(dir, 'state.db');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CRASHING_WRITER, file], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
    });
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    const state = new SqliteSyncState({ file });
    assert.deepEqual([...state.loadSynced('p').keys()], ['committed']);
    state.putSynced('p', entry('after'));
    assert.equal(state.loadSynced('p').size, 2, 'the file is writable after the crash');
    state.close();
    const db = new Database(file);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  }));
