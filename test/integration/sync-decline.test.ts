// Keep on a held plan, with the real engine against the real S3 gateway: what declining each kind of gate does
// (nothing is ever deleted), and that the same gate is not raised again; then a pair's settings and ignore rules
// changed while it runs, and the recent activity found again after a restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../src/main/engine/services.js';
import type { SyncEvent } from '../../src/main/engine/sync/events.js';
import { watchFolder, type FolderWatch, type WatchOptions } from '../../src/main/engine/sync/watcher.js';
import type { FolderPair } from '../../src/shared/pair.js';
import {
  addPair, BucketInspector, createBucket, EventLog, makeTree, openServices, rgwTarget, servicesFor, syncOk, tempDir, type TreeSpec,
} from '../support/sync-fixtures.js';

const target = rgwTarget(`sync-decline-${process.pid}`);
let services: Services;
let inspector: BucketInspector;
let home: string;
const roots: string[] = [];
/** The real watcher, remembered so a test writes files only once the newest one is ready. */
const watchers: FolderWatch[] = [];
const watch = (root: string, options: WatchOptions) => {
  const watcher = watchFolder(root, options);
  watchers.push(watcher);
  return watcher;
};
const watching = () => watchers[watchers.length - 1]!.ready;

before(async () => {
  home = await tempDir('decline-home');
  services = await servicesFor([target], { home, sync: { watch } });
  await createBucket(services, target);
  inspector = await BucketInspector.open(target);
});

after(async () => {
  await services?.close();
  inspector?.close();
  for (const dir of [...roots, home]) await rm(dir, { recursive: true, force: true });
});

async function syncedPair(name: string, spec: TreeSpec): Promise<{ root: string; pair: FolderPair }> {
  const root = await tempDir(name);
  roots.push(root);
  await makeTree(root, spec);
  const pair = await addPair(services.sync(), target, root, name);
  assert.equal((await syncOk(services.sync(), pair)).inSync, true);
  return { root, pair };
}

const files = (n: number, body = (i: number) => `file ${i}\n`): TreeSpec => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${String(i).padStart(3, '0')}.txt`, body(i)]));
const isGated = (pairId: string) => (e: SyncEvent): e is Extract<SyncEvent, { type: 'gated' }> => e.type === 'gated' && e.pairId === pairId;
const stateIs = (pairId: string, state: string) => (e: SyncEvent) => e.type === 'state' && e.pairId === pairId && e.state === state;
const finished = (pairId: string) => (e: SyncEvent): e is Extract<SyncEvent, { type: 'run' }> => e.type === 'run' && e.pairId === pairId && e.phase === 'finished';

/** Watches the pair until its plan is held; returns the gate ids. */
async function heldBack(events: EventLog, pair: FolderPair): Promise<string[]> {
  assert.ok((await services.sync().watchPair(pair)).ok);
  const gated = await events.next('the held plan', isGated(pair.id), { since: 0, timeoutMs: 60_000 });
  await events.next('waiting-for-user', stateIs(pair.id, 'waiting-for-user'), { since: 0 });
  return gated.gates.map((g) => g.id);
}

describe('Keep on a held plan', () => {
  it('a mass delete declined: the objects stay, are no longer synced, and the same gate is not raised again', async () => {
    const { root, pair } = await syncedPair('mass', { ...files(60), 'stays.txt': 'stays' });
    for (let i = 0; i < 55; i++) await rm(path.join(root, `f${String(i).padStart(3, '0')}.txt`));
    const sync = services.sync();
    const events = new EventLog(sync);
    try {
      assert.deepEqual(await heldBack(events, pair), ['too-many-deletes']);
      const mark = events.mark;
      const declined = await sync.decline(pair.id);
      assert.ok(declined.ok, declined.ok ? '' : declined.error.message);
      assert.equal(declined.value.pause, false);
      assert.match(declined.value.notice.message, /55 files stay in the bucket/);
      const run = await events.next('the pass after Keep', finished(pair.id), { since: mark, timeoutMs: 60_000 });
      assert.equal(run.summary?.gated, false, 'the same removals are not held again');
      assert.equal(run.summary?.inSync, true);
      assert.equal((await inspector.keys('mass/')).filter((k) => !k.includes('.cos-sync-trash/')).length, 61, 'every object is still there');
      assert.deepEqual((await inspector.keys('mass/.cos-sync-trash/')), [], 'nothing went to the trash either');
      assert.equal(services.sync().counts(pair.id).synced, 6, 'the 55 are no longer the pair\'s');
      assert.equal(events.outcomes(pair.id).filter((o) => o.kind === 'forgotten' && o.why?.id === 'why.declinedDelete').length, 55);
      // The pair goes on syncing the rest: a new file is uploaded, and a later full pass holds nothing.
      const added = events.mark;
      await watching();
      await writeFile(path.join(root, 'new.txt'), 'after keep');
      await events.outcome(pair.id, 'new.txt', 'uploaded', { since: added, timeoutMs: 30_000 });
      assert.equal(events.events.slice(mark).some(isGated(pair.id)), false);
    } finally {
      events.dispose();
      await sync.stop();
    }
  });

  it('"every file changed" declined: nothing is uploaded, the bucket keeps its versions, and a file edited later uploads', async () => {
    const { root, pair } = await syncedPair('changed', files(12));
    const later = new Date(Date.now() + 10_000);
    for (const rel of Object.keys(files(12))) {
      await writeFile(path.join(root, rel), `restored ${rel}\n`);
      await utimes(path.join(root, rel), later, later);
    }
    const sync = services.sync();
    const events = new EventLog(sync);
    try {
      assert.deepEqual(await heldBack(events, pair), ['all-changed']);
      const mark = events.mark;
      const declined = await sync.decline(pair.id);
      assert.ok(declined.ok && !declined.value.pause);
      const run = await events.next('the pass after Keep', finished(pair.id), { since: mark, timeoutMs: 60_000 });
      assert.equal(run.summary?.gated, false);
      assert.equal(run.summary?.refused, 12, 'the declined files are refused, not uploaded');
      assert.equal((await inspector.get('changed/f000.txt')).toString(), 'file 0\n', 'the bucket keeps its version');
      const edited = events.mark;
      await watching();
      await writeFile(path.join(root, 'f001.txt'), 'edited after keep\n');
      await events.outcome(pair.id, 'f001.txt', 'uploaded', { since: edited, timeoutMs: 30_000 });
      assert.equal((await inspector.get('changed/f001.txt')).toString(), 'edited after keep\n');
      assert.equal((await inspector.get('changed/f002.txt')).toString(), 'file 2\n');
    } finally {
      events.dispose();
      await sync.stop();
    }
  });

  it('a missing folder declined: the pair stays paused (saved so) with what to do, and nothing changes in the bucket', async () => {
    const { root, pair } = await syncedPair('gone', files(5));
    const moved = `${root}-moved`;
    roots.push(moved);
    await rename(root, moved);
    const sync = services.sync();
    const events = new EventLog(sync);
    try {
      assert.deepEqual(await heldBack(events, pair), ['root-missing']);
      const declined = await sync.decline(pair.id);
      assert.ok(declined.ok && declined.value.pause);
      assert.match(declined.value.notice.hint ?? '', /then choose Resume/);
      assert.equal(sync.listPairs().find((p) => p.pair.id === pair.id)?.state, 'paused');
      assert.equal(services.settings.get().pairs.find((p) => p.id === pair.id)?.paused, true, 'paused in the settings too');
      assert.equal((await inspector.keys('gone/')).length, 5);
      assert.ok(events.events.some((e) => e.type === 'notice' && e.pairId === pair.id && e.error.code === 'plan-declined'));
      const again = await sync.decline(pair.id);
      assert.ok(!again.ok && again.error.i18n?.message?.id === 'error.nothingHeld', 'a second Keep has nothing to decline');
      // Fixed and resumed: in sync, nothing held.
      await rename(moved, root);
      const mark = events.mark;
      assert.ok((await sync.setPaused(pair.id, false)).ok);
      const run = await events.next('the pass after Resume', finished(pair.id), { since: mark, timeoutMs: 60_000 });
      assert.equal(run.summary?.inSync, true);
      assert.equal((await inspector.keys('gone/')).length, 5);
    } finally {
      events.dispose();
      await sync.stop();
    }
  });
});

describe('pair settings while it runs, and the activity after a restart', () => {
  it('a new bucket prefix is refused; delete policy, bandwidth and files at once apply; new ignore rules forget, never delete', async () => {
    const { root, pair } = await syncedPair('settings', { 'a.txt': 'a', 'b.log': 'b', 'c.txt': 'c' });
    const sync = services.sync();
    const refused = await sync.updatePair({ id: pair.id, prefix: 'elsewhere' });
    assert.ok(!refused.ok);
    assert.equal(refused.error.field, 'prefix');
    assert.match(refused.error.hint ?? '', /Remove the folder pair/);
    const same = await sync.updatePair({ id: pair.id, prefix: 'settings/', bucket: target.bucket });
    assert.ok(same.ok, 'the same target, written differently, is not a change');
    const events = new EventLog(sync);
    try {
      assert.ok((await sync.watchPair(pair)).ok);
      await events.next('the first pass', finished(pair.id), { since: 0, timeoutMs: 60_000 });
      let mark = events.mark;
      const updated = await sync.updatePair({ id: pair.id, deletePolicy: 'keep', bandwidthLimit: 1024 * 1024, fileConcurrency: 2 });
      assert.ok(updated.ok);
      await events.next('the restarted pair\'s first pass', finished(pair.id), { since: mark, timeoutMs: 60_000 });
      await watching();
      assert.deepEqual(services.settings.get().pairs.find((p) => p.id === pair.id)?.deletePolicy, 'keep');
      assert.equal(services.settings.get().pairs.find((p) => p.id === pair.id)?.bandwidthLimit, 1024 * 1024);
      // The restarted runner uses the new policy: a deleted file stays in the bucket.
      mark = events.mark;
      await rm(path.join(root, 'a.txt'));
      await events.outcome(pair.id, 'a.txt', 'forgotten', { since: mark, timeoutMs: 30_000 });
      assert.deepEqual(await inspector.keys('settings/'), ['settings/a.txt', 'settings/b.log', 'settings/c.txt']);
      // Ignore rules saved from the window: the next pass forgets the now-ignored file and leaves it in the bucket.
      const badRules = await sync.saveIgnoreRules(pair.id, '*\n');
      assert.ok(!badRules.ok && badRules.error.field === 'ignoreRules');
      mark = events.mark;
      const rules = await sync.saveIgnoreRules(pair.id, '*.log');
      assert.deepEqual(rules, { ok: true, value: '*.log\n' });
      assert.deepEqual(await sync.readIgnoreRules(pair.id), { ok: true, value: '*.log\n' });
      await events.outcome(pair.id, 'b.log', 'forgotten', { since: mark, timeoutMs: 30_000 });
      assert.deepEqual(await inspector.keys('settings/'), ['settings/a.txt', 'settings/b.log', 'settings/c.txt']);
    } finally {
      events.dispose();
      await sync.stop();
    }
  });

  it('the recent activity is read back from the state database after a restart', async () => {
    const kept = services.sync().recentActivity();
    assert.ok(kept.length > 50, `${kept.length} outcomes recorded`);
    await services.close();
    services = await openServices(home, { watch });
    const reread = services.sync().recentActivity();
    assert.deepEqual(reread, kept);
    assert.ok(reread.some((o) => o.why?.id === 'why.declinedDelete'), 'reason messages survive the restart');
  });
});
