// The built `cos-sync` command as a user runs it: profiles with the secret in the real keychain, doctor,
// buckets, keys from the environment, and what it says on bad input. Needs the runner's server and keyring.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KeytarSecretStore } from '../../src/main/engine/secrets/keytar-store.js';
import { requireTestKeyring, testEnv } from '../support/env.js';
import { runCli } from '../support/cli.js';

const s3 = testEnv().s3;
requireTestKeyring();
const BUCKET = `cli-${process.pid}`;
const keychain = new KeytarSecretStore();
let home: string;

const cli = (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
  runCli(args, { home, ...options, env: { COS_SYNC_ACCESS_KEY_ID: '', COS_SYNC_SECRET_ACCESS_KEY: '', ...options.env } });

const addRgw = (name: string, secret: string, extra: string[] = []) =>
  cli(['profile', 'add', name, '--provider', 'minio', '--endpoint', s3.httpsEndpoint, '--ca', s3.caCertFile,
    '--access-key-id', s3.users.main.accessKeyId, '--secret-stdin', ...extra], { stdin: `${secret}\n` });

before(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: 'inherit' });
  home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-cli-'));
});

describe('profiles and the keychain', () => {
  it('profile add stores the secret in the keychain and nowhere else', async () => {
    const run = await addRgw('lab', s3.users.main.secretAccessKey);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Saved profile "lab"/);
    const file = await readFile(path.join(home, 'settings.json'), 'utf8');
    assert.match(file, /"accessKeyId": "COSSYNC/);
    assert.ok(!file.includes(s3.users.main.secretAccessKey), 'no secret in the settings file');
    assert.deepEqual(await keychain.get('lab'), { ok: true, value: s3.users.main.secretAccessKey });
  });

  it('profile list and show, as text and JSON', async () => {
    const list = await cli(['profile', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const profiles = JSON.parse(list.stdout) as { profile: { name: string }; hasSecret: boolean }[];
    assert.deepEqual(profiles.map((p) => [p.profile.name, p.hasSecret]), [['lab', true]]);
    const show = await cli(['profile', 'show', 'lab']);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /Secret key: stored/);
    assert.match(show.stdout, /Addressing: path-style/i);
  });

  it('profile add without a secret and without a terminal says how to give one', async () => {
    const run = await cli(['profile', 'add', 'nosecret', '--provider', 'minio', '--endpoint', s3.httpsEndpoint, '--access-key-id', 'X']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--secret-stdin/);
  });

  it('a bad endpoint is refused with what is wrong', async () => {
    const run = await cli(['profile', 'add', 'bad', '--provider', 'cos', '--endpoint', 's3://bucket', '--access-key-id', 'X', '--secret-stdin'], { stdin: 'x' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Error: .*(scheme|s3:\/\/)/i);
  });
});

describe('doctor and buckets', () => {
  it('bucket create, then buckets lists it', async () => {
    const made = await cli(['bucket', 'create', 'lab', BUCKET]);
    assert.equal(made.code, 0, made.stderr);
    const list = await cli(['buckets', 'lab']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${BUCKET}`, 'm'));
  });

  it('doctor exits 0 when every check passes', async () => {
    const run = await cli(['doctor', 'lab', '--bucket', BUCKET]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /✔ Keys accepted/);
    assert.match(run.stdout, /All checks passed\./);
  });

  it('doctor --json gives the checklist', async () => {
    const run = await cli(['doctor', 'lab', '--bucket', BUCKET, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const diagnosis = JSON.parse(run.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
    assert.equal(diagnosis.ok, true);
    assert.equal(diagnosis.checks.find((c) => c.id === 'multipart')?.status, 'pass');
  });

  it('doctor exits 1 and prints the fix when the secret is wrong', async () => {
    assert.equal((await addRgw('wrong', 'not-the-secret')).code, 0);
    const run = await cli(['doctor', 'wrong', '--bucket', BUCKET]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✘ Keys accepted/);
    assert.match(run.stdout, /secret key \(SecretKey\) does not match/);
    assert.match(run.stdout, /What to do: Copy the SecretKey again/);
  });

  it('keys from the environment need no keychain entry', async () => {
    const env = { COS_SYNC_ACCESS_KEY_ID: s3.users.main.accessKeyId, COS_SYNC_SECRET_ACCESS_KEY: s3.users.main.secretAccessKey };
    const added = await cli(['profile', 'add', 'envkeys', '--provider', 'minio', '--endpoint', s3.httpsEndpoint, '--ca', s3.caCertFile, '--access-key-id', 'ignored'], { env });
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual(await keychain.get('envkeys'), { ok: true, value: undefined });
    const run = await cli(['doctor', 'envkeys', '--bucket', BUCKET], { env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  it('a COS bucket name without the APPID is refused with the fix', async () => {
    const added = await cli(['profile', 'add', 'cos', '--provider', 'cos', '--endpoint', 'cos.ap-guangzhou.myqcloud.com', '--access-key-id', 'AKID', '--secret-stdin'], { stdin: 's' });
    assert.equal(added.code, 0, added.stderr);
    const run = await cli(['bucket', 'create', 'cos', 'examplebucket']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /APPID/);
    assert.match(run.stderr, /examplebucket-1250000000/);
  });
});

describe('removing and recovering', () => {
  it('profile remove deletes the secret from the keychain', async () => {
    const run = await cli(['profile', 'remove', 'lab']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await keychain.get('lab'), { ok: true, value: undefined });
    for (const name of ['wrong', 'cos', 'envkeys']) assert.equal((await cli(['profile', 'remove', name])).code, 0);
  });

  it('a corrupt settings file is kept aside and reported', async () => {
    await writeFile(path.join(home, 'settings.json'), '{ not json');
    const run = await cli(['profile', 'list']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /settings/i);
    const kept = (await readdir(home)).filter((f) => f.startsWith('settings.corrupt-'));
    assert.equal(kept.length, 1, 'the corrupt file is kept aside');
    assert.equal(await readFile(path.join(home, kept[0]!), 'utf8'), '{ not json');
  });
});
