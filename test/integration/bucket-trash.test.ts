// The bucket's trash on the real RGW over HTTPS: what a deletion put there is listed with its original key,
// time, size and reason; a restore puts it back in the bucket and the folder, beside anything now at that
// name, and the passes after it see the pair in sync (nothing trashed again, nothing uploaded again).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../src/main/engine/services.js';
import { restoredName } from '../../src/main/engine/sync/trash-restore.js';
import type { FolderPair } from '../../src/shared/pair.js';
import {
  addPair, BucketInspector, createBucket, EventLog, makeTree, openFrontBucket, requestsOf, rgwTarget, servicesFor, syncOk,
  tempDir, waitUntil, type FrontBucket, type Target, type TreeSpec,
} from '../support/sync-fixtures.js';

const target: Target = rgwTarget(`trash-${process.pid}`);
let services: Services;
let inspector: BucketInspector;
const roots: string[] = [];

before(async () => {
  services = await servicesFor([target]);
  await createBucket(services, target);
  inspector = await BucketInspector.open(target);
});

after(async () => {
  await services?.close();
  await inspector?.removeBucket();
  inspector?.close();
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

async function syncedPair(name: string, spec: TreeSpec): Promise<{ root: string; pair: FolderPair }> {
  const root = await tempDir(name);
  roots.push(root);
  await makeTree(root, spec);
  const pair = await addPair(services.sync(), target, root, name);
  assert.equal((await syncOk(services.sync(), pair)).inSync, true);
  return { root, pair };
}

const ops = (result: { operations: { kind: string; key: string }[] }) => result.operations.map((op) => `${op.kind} ${op.key}`);
const text = async (key: string) => (await inspector.get(key)).toString();
const local = (root: string, key: string) => readFile(path.join(root, ...key.split('/')), 'utf8');

async function trashOf(pair: FolderPair) {
  const listed = await services.sync().listTrash(pair.id);
  assert.ok(listed.ok, listed.ok ? '' : listed.error.message);
  return listed.value.entries;
}

async function restore(pair: FolderPair, wanted: string[]) {
  const restored = await services.sync().restoreTrash(pair.localPath, wanted);
  assert.ok(restored.ok, restored.ok ? '' : restored.error.message);
  for (const o of restored.value.outcomes) assert.equal(o.error, undefined, `${o.originalKey}: ${o.error?.message ?? ''} ${o.error?.detail ?? ''}`);
  return restored.value.outcomes;
}

describe('listing the trash', () => {
  it('lists each trashed object with its original key, when and why it was trashed, and its size', async () => {
    const { root, pair } = await syncedPair('list', { 'a.txt': 'alpha', 'docs/b.txt': 'bravo!', 'keep.txt': 'k' });
    const before = Date.now();
    await rm(path.join(root, 'a.txt'));
    await rm(path.join(root, 'docs'), { recursive: true });
    assert.deepEqual(ops(await syncOk(services.sync(), pair)), ['trashRemote a.txt', 'trashRemote docs/b.txt']);
    const entries = await trashOf(pair);
    assert.deepEqual(entries.map((e) => [e.originalKey, e.size]).sort(), [['a.txt', 5], ['docs/b.txt', 6]]);
    for (const e of entries) {
      assert.match(e.trashKey, new RegExp(`^\\.cos-sync-trash/\\d{4}-\\d{2}-\\d{2}/${e.originalKey}$`));
      assert.match(e.reason ?? '', /^Deleted from the folder \(delete policy “trash”\)/);
      assert.ok(e.trashedAtMs >= before && e.trashedAtMs <= Date.now(), `trashed at ${e.trashedAtMs}`);
    }
  });

  it('an object trashed by another computer is listed too, its original key read from its trash key', async () => {
    const { pair } = await syncedPair('foreign', { 'x.txt': 'x' });
    await inspector.put('foreign/.cos-sync-trash/2026-01-02/photos/cat.jpg', 'meow');
    await inspector.put('foreign/.cos-sync-trash/2026-01-02/photos/cat (2).jpg', 'meow again');
    await inspector.put('foreign/.cos-sync-trash/2026-01-02/menu (2).txt', 'a file named so');
    const entries = await trashOf(pair);
    assert.deepEqual(entries.map((e) => [e.trashKey.slice('.cos-sync-trash/2026-01-02/'.length), e.originalKey, e.reason]).sort(), [
      ['menu (2).txt', 'menu (2).txt', undefined],
      ['photos/cat (2).jpg', 'photos/cat.jpg', undefined],
      ['photos/cat.jpg', 'photos/cat.jpg', undefined],
    ]);
  });
});

describe('restoring', () => {
  it('a file comes back at its key in the bucket and in the folder, and the next pass leaves it alone', async () => {
    const { root, pair } = await syncedPair('one', { 'a.txt': 'alpha', 'b.txt': 'bravo' });
    await rm(path.join(root, 'a.txt'));
    await syncOk(services.sync(), pair);
    const [outcome, ...rest] = await restore(pair, ['a.txt']);
    assert.deepEqual(rest, []);
    assert.equal(outcome!.restoredKey, 'a.txt');
    assert.equal(outcome!.inFolder, true);
    assert.equal(await text('one/a.txt'), 'alpha');
    assert.equal(await local(root, 'a.txt'), 'alpha');
    assert.deepEqual(await inspector.keys('one/'), ['one/a.txt', 'one/b.txt'], 'the trash copy is gone once restored');
    assert.deepEqual(await trashOf(pair), []);
    const next = await syncOk(services.sync(), pair);
    assert.deepEqual(ops(next), [], 'in sync: nothing to trash, upload or adopt');
    assert.equal(next.inSync, true);
  });

  it('the file gets back the modification time it was uploaded with', async () => {
    const root = await tempDir('mtime');
    roots.push(root);
    await makeTree(root, { 'old.txt': 'from last year', 'keep.txt': 'k' });
    const lastYear = new Date(Date.now() - 365 * 86400_000);
    await utimes(path.join(root, 'old.txt'), lastYear, lastYear);
    const pair = await addPair(services.sync(), target, root, 'mtime');
    await syncOk(services.sync(), pair);
    await rm(path.join(root, 'old.txt'));
    await syncOk(services.sync(), pair);
    await restore(pair, ['old.txt']);
    assert.equal(Math.floor((await stat(path.join(root, 'old.txt'))).mtimeMs / 1000), Math.floor(lastYear.getTime() / 1000));
    assert.deepEqual(ops(await syncOk(services.sync(), pair)), []);
  });

  it('a whole folder comes back; the newest version of each file', async () => {
    const { root, pair } = await syncedPair('folder', { 'docs/a.txt': 'a1', 'docs/sub/b.txt': 'b1', 'other.txt': 'o' });
    await writeFile(path.join(root, 'docs/a.txt'), 'a2, newer');
    await syncOk(services.sync(), pair);
    await rm(path.join(root, 'docs/a.txt'));
    await syncOk(services.sync(), pair); // a2 to the trash
    await writeFile(path.join(root, 'docs/a.txt'), 'a3');
    await syncOk(services.sync(), pair);
    await rm(path.join(root, 'docs'), { recursive: true });
    await syncOk(services.sync(), pair); // a3 and b1 to the trash: a3 is a.txt's newest version
    assert.equal((await trashOf(pair)).filter((e) => e.originalKey === 'docs/a.txt').length, 2);
    const outcomes = await restore(pair, ['docs/']);
    assert.deepEqual(outcomes.map((o) => o.restoredKey).sort(), ['docs/a.txt', 'docs/sub/b.txt']);
    assert.equal(await local(root, 'docs/a.txt'), 'a3');
    assert.equal(await local(root, 'docs/sub/b.txt'), 'b1');
    assert.equal(await text('folder/docs/a.txt'), 'a3');
    assert.deepEqual((await trashOf(pair)).map((e) => e.originalKey), ['docs/a.txt'], 'the older version stays in the trash');
    assert.deepEqual(ops(await syncOk(services.sync(), pair)), []);
  });

  it('onto a key that holds another file now: restored beside it, both kept, and the next pass changes nothing', async () => {
    const { root, pair } = await syncedPair('taken', { 'x.txt': 'first', 'keep.txt': 'k' });
    await rm(path.join(root, 'x.txt'));
    await syncOk(services.sync(), pair);
    await writeFile(path.join(root, 'x.txt'), 'second, made later');
    await syncOk(services.sync(), pair);
    const [outcome] = await restore(pair, ['x.txt']);
    const beside = restoredName('x.txt', Date.now());
    assert.match(beside, /^x \(restored \d{4}-\d{2}-\d{2}\)\.txt$/);
    assert.equal(outcome!.restoredKey, beside);
    assert.match(outcome!.note ?? '', /Restored beside the original .*an object is at that key in the bucket, and it was kept/);
    assert.equal(await text('taken/x.txt'), 'second, made later');
    assert.equal(await text(`taken/${beside}`), 'first');
    assert.equal(await local(root, 'x.txt'), 'second, made later');
    assert.equal(await local(root, beside), 'first');
    assert.deepEqual(ops(await syncOk(services.sync(), pair)), []);
  });

  it('onto a key where only the folder has a file (not uploaded yet): beside it, and the file is uploaded as usual', async () => {
    const { root, pair } = await syncedPair('localonly', { 'y.txt': 'old', 'keep.txt': 'k' });
    await rm(path.join(root, 'y.txt'));
    await syncOk(services.sync(), pair);
    await writeFile(path.join(root, 'y.txt'), 'new, not synced yet');
    const [outcome] = await restore(pair, ['y.txt']);
    assert.match(outcome!.note ?? '', /a file is at that path in the folder/);
    assert.deepEqual(ops(await syncOk(services.sync(), pair)), ['upload y.txt']);
    assert.equal(await text('localonly/y.txt'), 'new, not synced yet');
    assert.equal(await text(`localonly/${outcome!.restoredKey}`), 'old');
  });

  it('a name that is not in the trash is refused with what to do, and nothing changes', async () => {
    const { pair } = await syncedPair('missing', { 'z.txt': 'z' });
    const result = await services.sync().restoreTrash(pair.id, ['nope.txt', 'z.txt']);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'not-in-trash');
    assert.match(!result.ok ? result.error.message : '', /matches “nope\.txt”, “z\.txt”/);
    assert.deepEqual(await inspector.keys('missing/'), ['missing/z.txt']);
  });

  it('while the pair runs and watches: the restore waits for the pass, and the passes after it trash nothing', async () => {
    const { root, pair } = await syncedPair('watched', { 'w.txt': 'watch me', 'other.txt': 'o' });
    const log = new EventLog(services.sync());
    try {
      const started = await services.sync().watchPair(pair);
      assert.ok(started.ok);
      await log.next('the first pass', (e) => e.type === 'run' && e.pairId === pair.id && e.phase === 'finished');
      await rm(path.join(root, 'w.txt'));
      await log.outcome(pair.id, 'w.txt', 'trashed');
      const mark = log.mark;
      await restore(pair, ['w.txt']);
      // The runner makes a full pass after the restore; it must find the pair in sync.
      const pass = await log.next('the pass after the restore', (e) => e.type === 'run' && e.pairId === pair.id && e.phase === 'finished', { since: log.mark });
      assert.equal(pass.type === 'run' && pass.summary?.planned, 0);
      assert.equal(await local(root, 'w.txt'), 'watch me');
      await waitUntil('the object back in the bucket', async () => (await inspector.keys('watched/')).includes('watched/w.txt'));
      assert.deepEqual(log.events.slice(mark).filter((e) => e.type === 'outcome'), [], 'no item was trashed, uploaded or adopted after the restore');
    } finally {
      log.dispose();
      await services.sync().stop();
    }
  });
});

describe('through the COS front (virtual-hosted, CRC-64)', () => {
  let fixture: FrontBucket;

  before(async () => {
    fixture = await openFrontBucket(`trashfront${process.pid}-1250000000`);
  });

  after(async () => {
    await fixture?.close();
  });

  it('a restore copies inside the bucket only while the trashed version is unchanged, and downloads what it copied', async () => {
    const { services: front, target: t, inspector: bucket } = fixture;
    const root = await tempDir('front');
    roots.push(root);
    await makeTree(root, { 'docs/report.txt': 'quarterly numbers', 'keep.txt': 'k' });
    const pair = await addPair(front.sync(), t, root, 'front');
    await syncOk(front.sync(), pair);
    await rm(path.join(root, 'docs'), { recursive: true });
    await syncOk(front.sync(), pair);
    const listed = await front.sync().listTrash(pair.id);
    assert.ok(listed.ok);
    const trashedEtag = listed.value.entries.find((e) => e.originalKey === 'docs/report.txt')?.etag;
    assert.ok(trashedEtag);
    const since = fixture.front.requests.length;
    const restored = await front.sync().restoreTrash(pair.id, ['docs/']);
    assert.ok(restored.ok && restored.value.outcomes.every((o) => !o.error && o.inFolder), JSON.stringify(restored));
    const copy = requestsOf(fixture.front, 'copyObject', { since });
    assert.deepEqual(copy.map((r) => [r.key, r.headers['x-amz-copy-source-if-match']?.replace(/"/g, '')]), [['front/docs/report.txt', trashedEtag]]);
    assert.equal((await bucket.head('front/docs/report.txt')).size, 'quarterly numbers'.length);
    const got = fixture.front.requests.slice(since).filter((r) => r.method === 'GET' && r.key === 'front/docs/report.txt');
    assert.equal(got.length, 1);
    assert.ok(got[0]!.headers['if-match'], 'the download asks for the restored version only');
    assert.equal(await local(root, 'docs/report.txt'), 'quarterly numbers');
    assert.deepEqual(ops(await syncOk(front.sync(), pair)), []);
  });
});
