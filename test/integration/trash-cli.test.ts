// The built `cos-sync trash list|restore` against RGW over HTTPS: a saved pair's deletions listed (text and
// --json), a file and a folder restored to the bucket and the folder, and the next sync finds nothing to do.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { BucketInspector, ENV_KEYS, KEYS, makeTree, rgwTarget, s3, tempDir } from '../support/sync-fixtures.js';
import { cliOk, runCli } from '../support/cli.js';

const BUCKET = `trashcli-${process.pid}`;
const TARGET = `lab:${BUCKET}/photos`;
let home: string;
let root: string;
let inspector: BucketInspector;

const cli = (args: string[]) => runCli(args, { home, env: ENV_KEYS });
const ok = cliOk;

before(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: 'inherit' });
  home = await tempDir('trash-cli-home');
  root = await tempDir('trash-cli');
  await makeTree(root, { 'a.jpg': 'aaaa', 'trip/b.jpg': 'bb', 'trip/c.jpg': 'c', 'keep.jpg': 'k' });
  ok(await cli(['profile', 'add', 'lab', '--provider', 'minio', '--endpoint', s3.httpsEndpoint, '--addressing', 'path', '--ca', s3.caCertFile, '--access-key-id', KEYS.accessKeyId]));
  ok(await cli(['bucket', 'create', 'lab', BUCKET]));
  ok(await cli(['pair', 'add', root, TARGET]));
  ok(await cli(['sync', root, TARGET]));
  inspector = await BucketInspector.open(rgwTarget(BUCKET));
});

after(async () => {
  await inspector?.removeBucket();
  inspector?.close();
  for (const dir of [root, home]) if (dir) await rm(dir, { recursive: true, force: true });
});

it('trash list shows what a sync moved to the trash, with when, size and why; --json for scripts', async () => {
  await rm(path.join(root, 'a.jpg'));
  await rm(path.join(root, 'trip'), { recursive: true });
  ok(await cli(['sync', root, TARGET]));
  const listed = await cli(['trash', 'list', root]);
  ok(listed);
  const lines = listed.stdout.trim().split('\n');
  assert.equal(lines[0], 'Trashed at\tSize\tOriginal key\tWhy\tIn the trash as');
  assert.deepEqual(lines.slice(1).map((l) => l.split('\t').slice(1, 3)).sort(), [['1 B', 'trip/c.jpg'], ['2 B', 'trip/b.jpg'], ['4 B', 'a.jpg']]);
  for (const line of lines.slice(1)) {
    const [at, , key, why, trashKey] = line.split('\t');
    assert.match(at!, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.match(why!, /^Deleted from the folder/);
    assert.equal(trashKey, `.cos-sync-trash/${at!.slice(0, 10)}/${key}`);
  }
  assert.match(listed.stderr, /3 item\(s\)\. Restore with `cos-sync trash restore/);
  const json = JSON.parse((await cli(['trash', 'list', root, '--json'])).stdout) as { entries: { originalKey: string; size: number; reason: string; trashedAt: string }[] };
  assert.deepEqual(json.entries.map((e) => e.originalKey).sort(), ['a.jpg', 'trip/b.jpg', 'trip/c.jpg']);
  assert.ok(json.entries.every((e) => !Number.isNaN(Date.parse(e.trashedAt)) && e.reason.length > 0));
});

it('trash restore puts a file and a folder back; the next sync has nothing to do', async () => {
  const restored = await cli(['trash', 'restore', root, 'a.jpg', 'trip/']);
  ok(restored);
  assert.deepEqual(restored.stdout.trim().split('\n').sort(), ['✔ a.jpg (bucket and folder)', '✔ trip/b.jpg (bucket and folder)', '✔ trip/c.jpg (bucket and folder)']);
  assert.match(restored.stderr, /3 of 3 restored\./);
  assert.equal(await readFile(path.join(root, 'trip/b.jpg'), 'utf8'), 'bb');
  assert.deepEqual(await inspector.keys('photos/'), ['photos/a.jpg', 'photos/keep.jpg', 'photos/trip/b.jpg', 'photos/trip/c.jpg']);
  const again = await cli(['sync', root, TARGET]);
  ok(again);
  assert.match(again.stdout, /^In sync: 0 done, 0 failed/m);
  assert.equal((await cli(['trash', 'list', root])).stdout.trim(), `The bucket's trash of ${root} is empty.`);
});

it('restoring a name that is not in the trash fails with what to do', async () => {
  const run = await cli(['trash', 'restore', root, 'nothing.jpg']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Nothing in the bucket's trash of .* matches “nothing\.jpg”\.\n {2}What to do: List the trash with `cos-sync trash list <pair\|folder>`/);
  const unknown = await cli(['trash', 'list', '/no/such/pair']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No saved folder pair has the id or folder “\/no\/such\/pair”/);
});

it('trash empty lists what it would delete and changes nothing without --yes; with it, deletes for good', async () => {
  await rm(path.join(root, 'trip/c.jpg'));
  ok(await cli(['sync', root, TARGET]));
  const young = await cli(['trash', 'empty', root, '--older-than', '1']);
  ok(young);
  assert.equal(young.stdout.trim(), 'Nothing in the trash is older than 1 day(s).');
  const held = await cli(['trash', 'empty', root, '--older-than', '0']);
  assert.equal(held.code, 4, held.stderr);
  assert.match(held.stdout, /\ttrip\/c\.jpg\t/);
  assert.match(held.stderr, /Nothing was deleted\. These 1 object\(s\) would be deleted for good and could not be restored: run again with --yes/);
  assert.equal((await inspector.keys('photos/.cos-sync-trash/')).length, 1);
  const bad = await cli(['trash', 'empty', root, '--older-than', 'soon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--older-than "soon" is not a number of days/);
  const done = await cli(['trash', 'empty', root, '--older-than', '0', '--yes']);
  ok(done);
  assert.match(done.stderr, /Deleted 1 object\(s\) from the trash for good\./);
  assert.deepEqual(await inspector.keys('photos/.cos-sync-trash/'), []);
  assert.deepEqual(await inspector.keys('photos/'), ['photos/a.jpg', 'photos/keep.jpg', 'photos/trip/b.jpg']);
});
