// The built `cos-sync` sync commands against RGW over HTTPS (keys from the environment): sync, --dry-run,
// --json, exit codes 0/2/3/4, and pair add/list/pause/resume/remove with status --json.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BucketInspector, ENV_KEYS, KEYS, makeTree, rgwTarget, s3, tempDir, type TreeSpec } from '../support/sync-fixtures.js';
import { cliOk, runCli } from '../support/cli.js';

const BUCKET = `synccli-${process.pid}`;
const target = rgwTarget(BUCKET);
let home: string;
let inspector: BucketInspector;
const roots: string[] = [];

const cli = (args: string[]) => runCli(args, { home, env: ENV_KEYS });
const ok = cliOk;

async function folder(name: string, spec: TreeSpec): Promise<string> {
  const root = await tempDir(name);
  roots.push(root);
  await makeTree(root, spec);
  return root;
}

before(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: 'inherit' });
  home = await tempDir('cli-home');
  ok(await cli(['profile', 'add', 'lab', '--provider', 'minio', '--endpoint', s3.httpsEndpoint, '--addressing', 'path', '--ca', s3.caCertFile, '--access-key-id', KEYS.accessKeyId]));
  ok(await cli(['bucket', 'create', 'lab', BUCKET]));
  inspector = await BucketInspector.open(target);
});

after(async () => {
  await inspector?.removeBucket();
  inspector?.close();
  for (const root of [...roots, home]) if (root) await rm(root, { recursive: true, force: true });
});

describe('cos-sync sync', () => {
  let root: string;
  const spec: TreeSpec = { 'a.txt': 'a', 'b c/d#e+f%.txt': 'odd name', 'empty.txt': '' };

  it('syncs once and exits 0 when in sync', async () => {
    root = await folder('cli-once', spec);
    const run = await cli(['sync', root, `lab:${BUCKET}/once`]);
    ok(run);
    assert.match(run.stdout, /^uploaded +b c\/d#e\+f%\.txt$/m);
    assert.match(run.stdout, /In sync: 3 done, 0 failed, 0 deferred, 0 refused/);
    assert.deepEqual(await inspector.keys('once/'), ['once/a.txt', 'once/b c/d#e+f%.txt', 'once/empty.txt']);
    assert.equal((await inspector.get('once/b c/d#e+f%.txt')).toString(), 'odd name');
    const again = await cli(['sync', root, `lab:${BUCKET}/once`]);
    ok(again);
    assert.match(again.stdout, /In sync: 0 done/);
  });

  it('--dry-run prints each operation with its reason and changes nothing', async () => {
    await writeFile(path.join(root, 'new.txt'), 'new');
    await rm(path.join(root, 'a.txt'));
    const run = await cli(['sync', root, `lab:${BUCKET}/once`, '--dry-run']);
    ok(run);
    assert.match(run.stdout, /^trashRemote a\.txt → \.cos-sync-trash\/\d{4}-\d{2}-\d{2}\/a\.txt +\(Deleted from the folder/m);
    assert.match(run.stdout, /^upload +new\.txt +\(New in the folder: uploaded\.\)$/m);
    assert.match(run.stdout, /2 operation\(s\) planned; nothing was changed\./);
    assert.deepEqual(await inspector.keys('once/'), ['once/a.txt', 'once/b c/d#e+f%.txt', 'once/empty.txt']);
  });

  it('--json prints one JSON event per line', async () => {
    const run = await cli(['sync', root, `lab:${BUCKET}/once`, '--json']);
    ok(run);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; outcome?: { key: string; kind: string }; summary?: { inSync: boolean } });
    const outcomes = events.filter((e) => e.type === 'outcome').map((e) => `${e.outcome!.kind} ${e.outcome!.key}`);
    assert.deepEqual(outcomes, ['trashed a.txt', 'uploaded new.txt']);
    assert.equal(events.filter((e) => e.type === 'run').at(-1)?.summary?.inSync, true);
    assert.ok(events.some((e) => e.type === 'state'), 'state changes are events too');
  });

  it('--delete delete removes the object outright', async () => {
    await rm(path.join(root, 'new.txt'));
    const run = await cli(['sync', root, `lab:${BUCKET}/once`, '--delete', 'delete']);
    ok(run);
    assert.match(run.stdout, /^deleted +new\.txt$/m);
    const keys = await inspector.keys('once/');
    assert.ok(!keys.includes('once/new.txt') && !keys.some((k) => k.endsWith('/new.txt')), keys.join('\n'));
  });

  it('exits 4 when a safety gate holds the plan, and deletes nothing', async () => {
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, `${i}`]));
    const gated = await folder('cli-gate', many);
    ok(await cli(['sync', gated, `lab:${BUCKET}/gate`]));
    for (const name of Object.keys(many)) await rm(path.join(gated, name));
    const run = await cli(['sync', gated, `lab:${BUCKET}/gate`]);
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(run.stderr, /Held for you to decide, nothing was changed/);
    assert.match(run.stderr, /is empty, but 12 files were synced from it/);
    assert.equal((await inspector.keys('gate/')).length, 12);

    // --keep on an emptied folder: the folder is in doubt, so declining changes nothing and runs nothing.
    const doubt = await cli(['sync', gated, `lab:${BUCKET}/gate`, '--keep']);
    assert.equal(doubt.code, 4, doubt.stdout + doubt.stderr);
    assert.match(doubt.stderr, /Note: You chose Keep: the folder stays paused and nothing in the bucket was changed/);
    assert.equal((await inspector.keys('gate/')).length, 12);

    // Four files back, eight of twelve still removed: only the mass-delete gate holds. --keep declines those
    // removals: the objects stay, and the next run holds nothing.
    for (const name of Object.keys(many).slice(0, 4)) await writeFile(path.join(gated, name), many[name]!);
    const held = await cli(['sync', gated, `lab:${BUCKET}/gate`]);
    assert.equal(held.code, 4, held.stdout + held.stderr);
    assert.doesNotMatch(held.stderr, /is empty/);
    const kept = await cli(['sync', gated, `lab:${BUCKET}/gate`, '--keep']);
    assert.equal(kept.code, 0, kept.stdout + kept.stderr);
    assert.match(kept.stderr, /Note: /, 'the decline is reported');
    assert.equal((await inspector.keys('gate/')).length, 12, 'nothing deleted or trashed');
    const again = await cli(['sync', gated, `lab:${BUCKET}/gate`]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.doesNotMatch(again.stderr, /Held for you to decide/);
    assert.equal((await inspector.keys('gate/')).length, 12);
  });

  it('--approve runs a held plan (the removals go to the trash); --approve with --keep is a usage error', async () => {
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, `${i}`]));
    const gated = await folder('cli-approve', many);
    ok(await cli(['sync', gated, `lab:${BUCKET}/approve`]));
    for (const name of Object.keys(many)) await rm(path.join(gated, name));
    const both = await cli(['sync', gated, `lab:${BUCKET}/approve`, '--approve', '--keep']);
    assert.equal(both.code, 2, both.stdout + both.stderr);
    assert.match(both.stderr, /--approve and --keep/);
    assert.equal((await inspector.keys('approve/')).length, 12, 'the usage error changed nothing');
    const run = await cli(['sync', gated, `lab:${BUCKET}/approve`, '--approve']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /Held for you to decide/, 'the held plan is shown before it runs');
    const keys = await inspector.keys('approve/');
    assert.deepEqual(keys.filter((k) => !k.startsWith('approve/.cos-sync-trash/')), [], 'the removals were applied');
    assert.equal(keys.filter((k) => k.startsWith('approve/.cos-sync-trash/') && k.endsWith('.txt')).length, 12, 'every removed file is in the trash');
  });

  it('exits 3 when some files could not be synced (two names for one key)', async () => {
    const clash = await folder('cli-partial', { 'fine.txt': 'ok', 'caf\u00e9.txt': 'NFC', 'cafe\u0301.txt': 'NFD' });
    const run = await cli(['sync', clash, `lab:${BUCKET}/partial`]);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.match(run.stdout, /^refused +café\.txt: /m);
    assert.match(run.stdout, /Partly synced: 1 done, 0 failed, 0 deferred, 1 refused/);
    assert.deepEqual(await inspector.keys('partial/'), ['partial/fine.txt'], 'neither name overwrote the other');
  });

  it('exits 2 on a target that is not <profile>:<bucket>', async () => {
    const run = await cli(['sync', root, 'no-colon-here']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /<profile>:<bucket>\[\/<prefix>\]/);
  });
});

describe('cos-sync pair and status', () => {
  it('pair add, list, sync, status --json, pause, resume, remove (the objects stay)', async () => {
    const root = await folder('cli-pair', { 'x.txt': 'x', 'y/z.txt': 'z' });
    const added = await cli(['pair', 'add', root, `lab:${BUCKET}/saved`, '--delete', 'keep', '--max-deletes', '5']);
    ok(added);
    const id = /Added pair (\S+):/.exec(added.stdout)?.[1];
    assert.ok(id, added.stdout);
    const overlap = await cli(['pair', 'add', path.join(root, 'y'), `lab:${BUCKET}/other`]);
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /overlaps the synced folder/);

    const list = JSON.parse((await cli(['pair', 'list', '--json'])).stdout) as { id: string; prefix: string; deletePolicy: string; maxDeletes: number; paused: boolean }[];
    assert.deepEqual(list.map((p) => [p.id, p.prefix, p.deletePolicy, p.maxDeletes, p.paused]), [[id, 'saved/', 'keep', 5, false]]);

    type Row = { id: string; paused: boolean; synced: number; failing: number; target: string };
    const status = async () => JSON.parse((await cli(['status', '--json'])).stdout) as Row[];
    assert.deepEqual((await status()).map((r) => [r.id, r.synced, r.paused]), [[id, 0, false]]);
    ok(await cli(['sync', root, `lab:${BUCKET}/saved`])); // the saved pair's id: its state is what status shows
    assert.deepEqual(await status(), [{ id, localPath: root, target: `lab:${BUCKET}/saved/`, paused: false, synced: 2, failing: 0 }]);

    ok(await cli(['pair', 'pause', id]));
    assert.equal((await status())[0]?.paused, true);
    assert.match((await cli(['pair', 'list'])).stdout, /\tpaused$/m);
    ok(await cli(['pair', 'resume', id]));
    assert.equal((await status())[0]?.paused, false);

    const removed = await cli(['pair', 'remove', id]);
    ok(removed);
    assert.match(removed.stdout, /No file was deleted/);
    assert.deepEqual(await status(), []);
    assert.deepEqual(await inspector.keys('saved/'), ['saved/x.txt', 'saved/y/z.txt']);
    assert.equal((await cli(['pair', 'remove', id])).code, 1, 'a pair that is gone');
  });
});
