// PairRunner.start: the first pass waits until the watcher's walk of the folder is done (then a change is either
// in that pass's scan or reported by the watcher), and a stop before then leaves no pass behind.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ignoreRulesFromText } from '../../src/main/engine/sync/ignore-rules.js';
import { S3_KEY_LIMITS } from '../../src/main/engine/sync/keys.js';
import type { Key, RemoteEntry } from '../../src/main/engine/sync/model.js';
import { PairRunner } from '../../src/main/engine/sync/pair-runner.js';
import type { Remote } from '../../src/main/engine/sync/remote.js';
import { SqliteSyncState } from '../../src/main/engine/sync/state-store.js';
import type { FolderWatch } from '../../src/main/engine/sync/watcher.js';
import { FolderPairSchema } from '../../src/shared/pair.js';
import { appError } from '../../src/shared/errors.js';

async function runner() {
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-runner-'));
  const listed: number[] = [];
  const remote = {
    list: async () => (listed.push(Date.now()), new Map<Key, RemoteEntry>()),
    head: async () => undefined,
    close: () => {},
  } as unknown as Remote;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const watch = (): FolderWatch => ({ ready, degraded: false, close: async () => markReady() });
  const state = new SqliteSyncState({ file: ':memory:' });
  const pair = FolderPairSchema.parse({ id: 'p', localPath: root, profile: 'x', bucket: 'b' });
  const r = new PairRunner({ pair, remote, state, ignore: ignoreRulesFromText(''), keyLimits: S3_KEY_LIMITS, emit: () => {}, toError: (e) => appError('unknown', { detail: String(e) }), watch });
  const done = async () => {
    await r.stop();
    state.close();
    await rm(root, { recursive: true, force: true });
  };
  return { r, listed, markReady, done };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

test('the first pass starts once the watcher is ready, not before', async () => {
  const { r, listed, markReady, done } = await runner();
  try {
    r.start();
    await settle();
    assert.equal(listed.length, 0, 'no pass while the watcher still walks the folder');
    markReady();
    for (let i = 0; i < 100 && listed.length === 0; i++) await settle();
    assert.equal(listed.length, 1);
  } finally {
    await done();
  }
});

test('stopped before the watcher was ready: no pass at all', async () => {
  const { r, listed, done } = await runner();
  r.start();
  await done(); // close() resolves ready, as the real watcher does
  await settle();
  assert.equal(listed.length, 0);
});
