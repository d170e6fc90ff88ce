// Changes after a first sync, through the COS front (its request log shows what was sent): edits, atomic
// saves, renames (server-side copy), deletes under each policy, the held mass delete, and .cossyncignore.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../src/main/engine/services.js';
import type { SyncEvent } from '../../src/main/engine/sync/events.js';
import type { FolderPair, FolderPairInput } from '../../src/shared/pair.js';
import type { CosFront } from '../support/cos-front.js';
import {
  addPair, openFrontBucket, type BucketInspector, type FrontBucket, EventLog, makeTree, syncOk, tempDir,
  WRITES, type Target, type TreeSpec,
} from '../support/sync-fixtures.js';

let front: CosFront;
let target: Target;
let services: Services;
let inspector: BucketInspector;
let fixture: FrontBucket;
const roots: string[] = [];
const TRASHED = (prefix: string, key: string) => new RegExp(`^${prefix}/\\.cos-sync-trash/\\d{4}-\\d{2}-\\d{2}/${key.replace(/[.()]/g, '\\$&')}$`);

before(async () => {
  fixture = await openFrontBucket(`syncchanges${process.pid}-1250000000`);
  ({ front, target, services, inspector } = fixture);
});

after(async () => {
  await fixture?.close();
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

/** A folder with `spec`, paired to `<name>/` and synced once. */
async function syncedPair(name: string, spec: TreeSpec, extra: Partial<FolderPairInput> = {}): Promise<{ root: string; pair: FolderPair }> {
  const root = await tempDir(name);
  roots.push(root);
  await makeTree(root, spec);
  const pair = await addPair(services.sync(), target, root, name, extra);
  const first = await syncOk(services.sync(), pair);
  assert.equal(first.inSync, true);
  return { root, pair };
}

const opsOf = (result: { operations: { kind: string; key: string }[] }) => result.operations.map((op) => `${op.kind} ${op.key}`);
const sentSince = (since: number) => front.requests.slice(since).filter((r) => WRITES.has(r.op) || ['copyObject', 'deleteObject', 'deleteObjects'].includes(r.op));
const text = async (key: string) => (await inspector.get(key)).toString();

describe('edits', () => {
  it('an edited file is uploaded again over the version synced last', async () => {
    const { root, pair } = await syncedPair('edit', { 'notes.txt': 'v1', 'same size.txt': 'AAAA' });
    await writeFile(path.join(root, 'notes.txt'), 'version 2, longer');
    await writeFile(path.join(root, 'same size.txt'), 'BBBB');
    const later = new Date(Date.now() + 5000); // a same-size edit is seen by its mtime
    await utimes(path.join(root, 'same size.txt'), later, later);
    const since = front.requests.length;
    const result = await syncOk(services.sync(), pair);
    assert.deepEqual(opsOf(result), ['upload notes.txt', 'upload same size.txt']);
    assert.match(result.operations[0]!.reason, /Changed in the folder/);
    assert.equal(result.inSync, true);
    assert.equal(await text('edit/notes.txt'), 'version 2, longer');
    assert.equal(await text('edit/same size.txt'), 'BBBB');
    assert.deepEqual(sentSince(since).map((r) => `${r.op} ${r.key}`).sort(), ['putObject edit/notes.txt', 'putObject edit/same size.txt']);
  });

  it('an atomic save (temp file, then rename over) uploads the final content once and never the temp file', async () => {
    const { root, pair } = await syncedPair('atomic', { 'doc.txt': 'v1' });
    const since = front.requests.length;
    await writeFile(path.join(root, 'doc.txt.tmp'), 'v2, saved atomically');
    assert.deepEqual(opsOf(await syncOk(services.sync(), pair)), [], '*.tmp is ignored by default');
    await rename(path.join(root, 'doc.txt.tmp'), path.join(root, 'doc.txt'));
    const result = await syncOk(services.sync(), pair);
    assert.deepEqual(opsOf(result), ['upload doc.txt']);
    assert.deepEqual(sentSince(since).map((r) => `${r.op} ${r.key}`), ['putObject atomic/doc.txt']);
    assert.ok(!front.requests.some((r) => r.key?.endsWith('.tmp')), 'the temp file never reached the bucket');
    assert.equal(await text('atomic/doc.txt'), 'v2, saved atomically');
    assert.deepEqual(await inspector.keys('atomic/'), ['atomic/doc.txt']);
  });
});

describe('renames', () => {
  it('a renamed or moved file is copied inside the bucket, not uploaded; the old object goes to the trash', async () => {
    const { root, pair } = await syncedPair('rename', { 'old name.txt': 'renamed content', 'folder/a.txt': 'a', 'folder/b.txt': 'b' });
    await mkdir(path.join(root, 'sub dir'));
    await rename(path.join(root, 'old name.txt'), path.join(root, 'sub dir', 'new #name.txt'));
    await rename(path.join(root, 'folder'), path.join(root, 'renamed folder'));
    const since = front.requests.length;
    const result = await syncOk(services.sync(), pair);
    assert.equal(result.inSync, true);
    assert.deepEqual(opsOf(result).filter((op) => op.startsWith('copyRemote')), [
      'copyRemote renamed folder/a.txt', 'copyRemote renamed folder/b.txt', 'copyRemote sub dir/new #name.txt',
    ]);
    assert.deepEqual(opsOf(result).filter((op) => !op.startsWith('copyRemote')), ['trashRemote folder/a.txt', 'trashRemote folder/b.txt', 'trashRemote old name.txt']);
    const log = sentSince(since);
    for (const key of ['rename/sub dir/new #name.txt', 'rename/renamed folder/a.txt', 'rename/renamed folder/b.txt']) {
      assert.equal(log.filter((r) => r.op === 'copyObject' && r.key === key).length, 1, `one CopyObject to ${key}`);
      assert.equal(log.filter((r) => WRITES.has(r.op) && r.key === key).length, 0, `no upload of ${key}`);
    }
    assert.equal(log.filter((r) => WRITES.has(r.op)).length, 0, 'nothing uploaded at all');
    assert.equal(await text('rename/sub dir/new #name.txt'), 'renamed content');
    const keys = await inspector.keys('rename/');
    assert.ok(!keys.includes('rename/old name.txt'));
    assert.ok(keys.some((k) => TRASHED('rename', 'old name.txt').test(k)), keys.join('\n'));
    assert.deepEqual(opsOf(await syncOk(services.sync(), pair)), []);
  });
});

describe('deletes', () => {
  it('default policy: a deleted file is moved to the bucket\'s trash', async () => {
    const { root, pair } = await syncedPair('del-trash', { 'gone.txt': 'old content', 'stays.txt': 's' });
    await rm(path.join(root, 'gone.txt'));
    const result = await syncOk(services.sync(), pair);
    assert.deepEqual(opsOf(result), ['trashRemote gone.txt']);
    const keys = await inspector.keys('del-trash/');
    const trashed = keys.find((k) => TRASHED('del-trash', 'gone.txt').test(k));
    assert.ok(trashed, keys.join('\n'));
    assert.equal(await text(trashed), 'old content');
    assert.deepEqual(keys.filter((k) => k !== trashed), ['del-trash/stays.txt']);
    // The same name deleted again the same day: the first trashed version is kept, the second goes beside it.
    await writeFile(path.join(root, 'gone.txt'), 'second life');
    assert.deepEqual(opsOf(await syncOk(services.sync(), pair)), ['upload gone.txt']);
    await rm(path.join(root, 'gone.txt'));
    const again = await syncOk(services.sync(), pair);
    assert.deepEqual(again.operations.map((op) => op.kind === 'trashRemote' && op.trashKey.replace(/\d{4}-\d{2}-\d{2}/, 'DATE')), ['.cos-sync-trash/DATE/gone (2).txt']);
    assert.equal(await text(trashed), 'old content');
    assert.equal(await text(trashed.replace('gone.txt', 'gone (2).txt')), 'second life');
  });

  it('policy "delete": the object is deleted outright, nothing in the trash', async () => {
    const { root, pair } = await syncedPair('del-delete', { 'gone.txt': 'x', 'stays.txt': 's' }, { deletePolicy: 'delete' });
    await rm(path.join(root, 'gone.txt'));
    const since = front.requests.length;
    assert.deepEqual(opsOf(await syncOk(services.sync(), pair)), ['deleteRemote gone.txt']);
    assert.deepEqual(await inspector.keys('del-delete/'), ['del-delete/stays.txt']);
    assert.deepEqual(sentSince(since).map((r) => `${r.op} ${r.key}`), ['deleteObject del-delete/gone.txt']);
  });

  it('policy "keep": the object stays and is no longer synced', async () => {
    const { root, pair } = await syncedPair('del-keep', { 'gone.txt': 'x', 'stays.txt': 's' }, { deletePolicy: 'keep' });
    await rm(path.join(root, 'gone.txt'));
    const since = front.requests.length;
    assert.deepEqual(opsOf(await syncOk(services.sync(), pair)), ['forget gone.txt']);
    assert.deepEqual(sentSince(since), []);
    assert.deepEqual(await inspector.keys('del-keep/'), ['del-keep/gone.txt', 'del-keep/stays.txt']);
    assert.deepEqual(opsOf(await syncOk(services.sync(), pair)), [], 'the kept object is left alone from now on');
  });

  it('more than 50 deletions are held (waiting-for-user, nothing deleted) until approved', async (t) => {
    const spec = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`bulk/f${String(i).padStart(3, '0')}.txt`, `file ${i}`]));
    const started = Date.now();
    const { root, pair } = await syncedPair('mass', spec);
    const ms = Date.now() - started;
    t.diagnostic(`first sync of 120 small files through the COS front: ${ms} ms (${(120 / (ms / 1000)).toFixed(0)} files/s)`);
    const doomed = Object.keys(spec).slice(0, 55); // 46%: under the share limit, over the count limit
    for (const rel of doomed) await rm(path.join(root, rel));
    const sync = services.sync();
    const events = new EventLog(sync);
    try {
      const since = front.requests.length;
      const watching = await sync.watchPair(pair);
      assert.ok(watching.ok);
      const gated = await events.next('the gate', (e): e is Extract<SyncEvent, { type: 'gated' }> => e.type === 'gated' && e.pairId === pair.id, { since: 0 });
      assert.deepEqual(gated.gates.map((g) => g.id), ['too-many-deletes']);
      assert.match(gated.gates[0]!.message, /remove 55 files/);
      await events.next('waiting-for-user', (e) => e.type === 'state' && e.pairId === pair.id && e.state === 'waiting-for-user', { since: 0 });
      assert.equal(sync.listPairs().find((p) => p.pair.id === pair.id)?.state, 'waiting-for-user');
      assert.equal((await inspector.keys('mass/bulk/')).length, 120, 'nothing deleted while held');
      assert.deepEqual(sentSince(since), []);

      const mark = events.mark;
      assert.ok(sync.approve(pair.id).ok);
      const run = await events.next('the approved run', (e) => e.type === 'run' && e.pairId === pair.id, { since: mark, timeoutMs: 60_000 });
      assert.equal(run.type === 'run' && run.summary?.done, 55);
      assert.equal(run.type === 'run' && run.summary?.inSync, true);
      const keys = await inspector.keys('mass/');
      assert.equal(keys.filter((k) => k.startsWith('mass/bulk/')).length, 65);
      assert.equal(keys.filter((k) => k.startsWith('mass/.cos-sync-trash/')).length, 55);
    } finally {
      events.dispose();
      await sync.stop();
    }
  });
});

describe('ignore rules', () => {
  it('.cossyncignore is respected; a synced file that becomes ignored is left alone in the bucket', async () => {
    const { root, pair } = await syncedPair('ignore', {
      '.cossyncignore': 'build/\n*.log\n!keep.log\n', 'build/out.js': 'x', 'app.log': 'x', 'keep.log': 'k', 'src/main.ts': 'm', 'draft.tmp': 't',
    });
    assert.deepEqual(await inspector.keys('ignore/'), ['ignore/keep.log', 'ignore/src/main.ts']);
    await appendFile(path.join(root, '.cossyncignore'), 'src/\n');
    await writeFile(path.join(root, 'src', 'main.ts'), 'changed, but now ignored');
    const since = front.requests.length;
    const result = await syncOk(services.sync(), pair);
    assert.deepEqual(opsOf(result), ['forget src/main.ts']);
    assert.deepEqual(sentSince(since), []);
    assert.equal(await text('ignore/src/main.ts'), 'm');
  });
});
