// Faults for real: the root folder removed or emptied (gated, nothing deleted), keys revoked mid-upload, the bucket
// removed (the pair in error, with the fix; the upload resumes), a 503 on a part retried, watch mode with pause/resume.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../src/main/engine/services.js';
import type { SyncEvent } from '../../src/main/engine/sync/events.js';
import { SqliteSyncState } from '../../src/main/engine/sync/state-store.js';
import { Throttle, THROTTLE_CHUNK, throttledBody } from '../../src/main/engine/sync/throttle.js';
import type { FolderWatch } from '../../src/main/engine/sync/watcher.js';
import { watchFolder } from '../../src/main/engine/sync/watcher.js';
import type { FolderPair } from '../../src/shared/pair.js';
import type { CosFront } from '../support/cos-front.js';
import { removeAccessKey, restoreAccessKey } from '../support/rgw.js';
import {
  addPair, BucketInspector, createBucket, openFrontBucket, type FrontBucket, EventLog, makeTree, MiB, requestsOf, rgwTarget, s3, servicesFor, syncOk, tempDir,
  waitUntil, writeRandomFile, WRITES, type Target, type TreeSpec,
} from '../support/sync-fixtures.js';

let front: CosFront;
let target: Target;
let services: Services;
let inspector: BucketInspector;
let fixture: FrontBucket;
const roots: string[] = [];
/** Set while the main key is removed: the after hook gives it back whatever happened. */
let revoked = false;
const twelve: TreeSpec = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, `file ${i}`]));

before(async () => {
  fixture = await openFrontBucket(`syncfaults${process.pid}-1250000000`);
  ({ front, target, services, inspector } = fixture);
});

after(async () => {
  if (revoked) await restoreAccessKey(s3.cephConf, s3.users.main);
  await fixture?.close();
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

async function syncedPair(svc: Services, t: Target, name: string, spec: TreeSpec): Promise<{ root: string; pair: FolderPair }> {
  const root = await tempDir(name);
  roots.push(root);
  await makeTree(root, spec);
  const pair = await addPair(svc.sync(), t, root, name);
  assert.equal((await syncOk(svc.sync(), pair)).inSync, true);
  return { root, pair };
}

const isGated = (pairId: string) => (e: SyncEvent): e is Extract<SyncEvent, { type: 'gated' }> => e.type === 'gated' && e.pairId === pairId;
const removalsSince = (since: number) => front.requests.slice(since).filter((r) => ['copyObject', 'deleteObject', 'deleteObjects'].includes(r.op) || WRITES.has(r.op));

describe('the root folder', () => {
  it('removed: the pair waits for the user (root-missing) and nothing in the bucket is deleted', async () => {
    const { root, pair } = await syncedPair(services, target, 'gone-root', twelve);
    await rm(root, { recursive: true });
    const events = new EventLog(services.sync());
    const since = front.requests.length;
    const result = await syncOk(services.sync(), pair);
    events.dispose();
    assert.equal(result.state, 'waiting-for-user');
    assert.equal(result.gated, true);
    const gated = await events.next('the gate', isGated(pair.id), { since: 0 });
    assert.equal(gated.gates[0]?.id, 'root-missing');
    assert.match(gated.gates[0]!.hint, /Nothing in the bucket changes/);
    assert.deepEqual(removalsSince(since), []);
    assert.equal((await inspector.keys('gone-root/')).length, 12);
  });

  it('emptied (folder and marker still there, 12 files synced): held as root-empty, nothing deleted', async () => {
    const { root, pair } = await syncedPair(services, target, 'empty-root', twelve);
    for (const name of Object.keys(twelve)) await rm(path.join(root, name));
    assert.deepEqual(await readdir(root), ['.cos-sync-folder'], 'only the marker is left');
    const events = new EventLog(services.sync());
    const since = front.requests.length;
    const result = await syncOk(services.sync(), pair);
    events.dispose();
    assert.equal(result.state, 'waiting-for-user');
    const gated = await events.next('the gate', isGated(pair.id), { since: 0 });
    assert.ok(gated.gates.some((g) => g.id === 'root-empty'), gated.gates.map((g) => g.id).join());
    assert.deepEqual(removalsSince(since), []);
    assert.equal((await inspector.keys('empty-root/')).length, 12);
  });
});

describe('the service side', () => {
  it('keys revoked mid-upload: the pair is in error with the fix; once restored, the upload resumes and ends in sync', { timeout: 120_000 }, async () => {
    const { root, pair } = await syncedPair(services, target, 'revoked', { 'a.txt': 'a' });
    // All 6 parts go at once, slowed to 16 MiB/s (~3 s): the front is paused as soon as they are all on their way,
    // so the request after them (Complete) is held while the key is revoked. A part body cut off by a server that
    // refuses early would test the front's relaying rather than the engine.
    const slow = await services.sync().preparePair({ ...pair, partConcurrency: 6, bandwidthLimit: 16 * MiB });
    assert.ok(slow.ok);
    const big = await writeRandomFile(path.join(root, 'big.bin'), 48 * MiB);
    const direct = await BucketInspector.open(rgwTarget(target.bucket)); // a plain client straight to RGW
    const events = new EventLog(services.sync());
    const since = front.requests.length;
    const parts = () => requestsOf(front, 'uploadPart', { since });
    try {
      const running = services.sync().syncOnce(slow.value);
      await waitUntil('all 6 parts to be sent', () => parts().length === 6 && (front.pause(), true));
      await waitUntil('all 6 parts to be accepted', () => parts().every((r) => r.status === 200));
      revoked = true;
      await removeAccessKey(s3.cephConf, s3.users.main);
      await waitUntil('RGW to refuse the key', () => direct.list().then(() => false, (err: Error) => err.name === 'InvalidAccessKeyId'));
      front.resume();
      const run = await running;
      assert.ok(!run.ok, 'the run failed');
      assert.equal(run.error.code, 'access-key-unknown');
      assert.match(run.error.message, /access key \(SecretId\) is not recognised/);
      assert.match(run.error.hint ?? '', /SecretId again/);
      const error = await events.next('the error state', (e) => e.type === 'state' && e.pairId === pair.id && e.state === 'error', { since: 0 });
      assert.equal(error.type === 'state' && error.error?.code, 'access-key-unknown');
      assert.equal(requestsOf(front, 'completeUpload', { since }).at(-1)?.status, 403, 'Complete was refused');
    } finally {
      front.resume();
      events.dispose();
      await restoreAccessKey(s3.cephConf, s3.users.main);
      revoked = false;
    }
    await waitUntil('RGW to accept the key again', () => direct.list().then(() => true, () => false));
    direct.close();
    const state = new SqliteSyncState({ file: path.join(services.paths.stateDir, 'state.db') });
    const stored = state.listUploads(pair.id);
    state.close();
    assert.deepEqual(stored.map((u) => u.parts.length), [6], 'the upload is kept to resume, every part recorded');
    const mark = front.requests.length;
    const again = await syncOk(services.sync(), pair);
    assert.equal(again.inSync, true, 'the key error left no back-off on the file');
    assert.deepEqual(again.operations.map((op) => `${op.kind} ${op.key}`), ['upload big.bin']);
    assert.deepEqual(requestsOf(front, 'uploadPart', { since: mark }), [], 'no part is sent again');
    assert.ok(!front.requests.slice(mark).some((r) => r.method === 'POST' && 'uploads' in r.query), 'the stored upload is resumed, not started over');
    const head = await inspector.head('revoked/big.bin');
    assert.deepEqual([head.size, head.crc64], [big.size, big.crc64]);
  });

  it('bucket removed: the pair is in error (no-such-bucket), nothing is recreated', async () => {
    const rgw = rgwTarget(`syncfaults-gone-${process.pid}`);
    const svc = await servicesFor([rgw]);
    const plain = await BucketInspector.open(rgw);
    try {
      await createBucket(svc, rgw);
      const { pair } = await syncedPair(svc, rgw, 'gone-bucket', { 'a.txt': 'a', 'b/c.txt': 'c' });
      await plain.removeBucket();
      const events = new EventLog(svc.sync());
      const run = await svc.sync().syncOnce(pair);
      events.dispose();
      assert.ok(!run.ok);
      assert.equal(run.error.code, 'no-such-bucket');
      assert.match(run.error.hint ?? '', /region/);
      assert.ok(events.events.some((e) => e.type === 'state' && e.state === 'error' && e.error?.code === 'no-such-bucket'));
      await assert.rejects(plain.list(), (err: Error) => err.name === 'NoSuchBucket');
    } finally {
      await svc.close();
      plain.close();
    }
  });

  it('a 503 SlowDown on an UploadPart is retried and the run ends in sync', async () => {
    const root = await tempDir('slowdown');
    roots.push(root);
    const big = await writeRandomFile(path.join(root, 'forty.bin'), 40 * MiB);
    const pair = await addPair(services.sync(), target, root, 'slowdown');
    const since = front.requests.length;
    front.failNext(1, { match: { op: 'uploadPart' }, status: 503, code: 'SlowDown' });
    const result = await syncOk(services.sync(), pair);
    assert.equal(result.inSync, true);
    const parts = front.requests.slice(since).filter((r) => r.op === 'uploadPart');
    const refused = parts.filter((r) => r.status === 503);
    assert.equal(refused.length, 1);
    const again = parts.filter((r) => r.query.partNumber === refused[0]!.query.partNumber && r.status === 200);
    assert.equal(again.length, 1, 'the refused part was sent again and accepted');
    assert.equal(parts.filter((r) => r.status === 200).length, 5, '5 parts of 8 MiB, each accepted once');
    const head = await inspector.head('slowdown/forty.bin');
    assert.deepEqual([head.size, head.crc64], [big.size, big.crc64]);
  });

  it('a metered part body cut off by the upload stopping errors quietly (no uncaught exception)', async () => {
    // What a server that refuses a part mid-body (RGW, after the key was revoked) led to: the upload stops, the
    // abort rejects the pending take() of the other parts' metered bodies, and nobody reads them any more.
    const abort = new AbortController();
    const body = throttledBody(new Uint8Array(4 * THROTTLE_CHUNK), new Throttle(16 * THROTTLE_CHUNK), abort.signal);
    body.on('data', () => abort.abort(new Error('the upload stopped')));
    await new Promise((resolve) => body.on('close', resolve)); // not once(): it would listen for 'error' itself
    assert.ok(body.errored, 'the body ended in error, heard by nobody but itself');
  });

  it('a part refused outright (not a connection-wide error) fails that file alone; the upload is kept to resume', async () => {
    const root = await tempDir('refused-part');
    roots.push(root);
    await writeRandomFile(path.join(root, 'thirty-two.bin'), 32 * MiB);
    const pair = await addPair(services.sync(), target, root, 'refused-part', { bandwidthLimit: 16 * MiB });
    const events = new EventLog(services.sync());
    front.failNext(1, { match: (r) => r.op === 'uploadPart' && r.query.partNumber === '2', status: 403, code: 'AccessDenied', message: 'Access Denied.' });
    const result = await syncOk(services.sync(), pair);
    events.dispose();
    assert.deepEqual([result.failed, result.inSync], [1, false]);
    const failed = events.outcomes(pair.id).find((o) => o.kind === 'failed');
    assert.equal(failed?.key, 'thirty-two.bin');
    assert.equal(failed?.error?.code, 'access-denied');
    assert.equal((await inspector.uploads('refused-part/')).length, 1, 'the upload is kept to resume');
  });
});

describe('watch mode', () => {
  it('a new file is uploaded on its own; nothing uploads while paused; resume catches up', async () => {
    const watchers: FolderWatch[] = [];
    const dirty: string[] = [];
    // The real chokidar watcher, with its reports to the engine recorded so the test knows when a change was seen.
    const svc = await servicesFor([target], {
      sync: {
        watch: (root, options) => {
          const w = watchFolder(root, { ...options, onDirty: (paths) => { dirty.push(...paths); options.onDirty(paths); } });
          watchers.push(w);
          return w;
        },
      },
    });
    const sync = svc.sync();
    const events = new EventLog(sync);
    try {
      const root = await tempDir('watch');
      roots.push(root);
      await makeTree(root, { 'first.txt': '1' });
      const pair = await addPair(sync, target, root, 'watch');
      assert.ok((await sync.watchPair(pair)).ok);
      await events.next('the first pass', (e) => e.type === 'run' && e.pairId === pair.id && e.summary?.inSync === true, { since: 0 });
      await watchers[0]!.ready;

      await writeFile(path.join(root, 'created.txt'), 'made while watching');
      await events.outcome(pair.id, 'created.txt', 'uploaded', { since: 0 });
      assert.equal((await inspector.get('watch/created.txt')).toString(), 'made while watching');
      assert.equal(requestsOf(front, 'putObject', { key: 'watch/first.txt' }).length, 1, 'the short pass did not upload first.txt again');
      assert.ok(!events.events.some((e) => e.type === 'gated'), 'no gate on a short pass');

      assert.ok((await sync.setPaused(pair.id, true)).ok);
      await events.next('paused', (e) => e.type === 'state' && e.pairId === pair.id && e.state === 'paused', { since: 0 });
      const since = front.requests.length;
      const mark = events.mark;
      await writeFile(path.join(root, 'while paused.txt'), 'waits');
      // The watcher has told the runner; a paused runner must not act on it.
      await waitUntil('the watcher to report the new file', () => dirty.includes('while paused.txt'));
      assert.equal(sync.listPairs().find((p) => p.pair.id === pair.id)?.state, 'paused');
      assert.deepEqual(events.events.slice(mark).filter((e) => e.type !== 'progress'), [], 'no pass, no outcome while paused');
      assert.deepEqual(front.requests.slice(since), [], 'nothing sent while paused');

      assert.ok((await sync.setPaused(pair.id, false)).ok);
      await events.outcome(pair.id, 'while paused.txt', 'uploaded', { since: mark });
      assert.equal((await inspector.get('watch/while paused.txt')).toString(), 'waits');

      await rm(path.join(root, 'created.txt'));
      await events.outcome(pair.id, 'created.txt', 'trashed', { since: mark });
      await rename(path.join(root, 'first.txt'), path.join(root, 'moved.txt'));
      await events.outcome(pair.id, 'moved.txt', 'copied', { since: mark });
      await events.outcome(pair.id, 'first.txt', 'trashed', { since: mark });
      assert.deepEqual((await inspector.keys('watch/')).filter((k) => !k.includes('.cos-sync-trash/')), ['watch/moved.txt', 'watch/while paused.txt']);
      assert.equal(requestsOf(front, 'putObject', { key: 'watch/moved.txt' }).length, 0, 'a rename seen by the watcher is a copy');
    } finally {
      events.dispose();
      await svc.close();
    }
  });
});
