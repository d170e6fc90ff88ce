// Create-only uploads against the real Ceph RGW (HTTPS and plain HTTP) and through the COS-mode front: the probe
// finds out what the service honours (RGW: If-None-Match on PUT; the front: x-cos-forbid-overwrite; a front that
// ignores it: nothing, so a HEAD goes first), and an object someone else put at the key after our listing is
// never replaced, whichever way, for single PUTs and multipart, down through the executor (the item is deferred).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { executeToOutcome, type ExecContext } from '../../src/main/engine/sync/executor.js';
import type { LocalEntry } from '../../src/main/engine/sync/model.js';
import { S3Remote } from '../../src/main/engine/sync/s3-remote.js';
import { SqliteSyncState } from '../../src/main/engine/sync/state-store.js';
import { probeCreateOnly, uploadFile, type CreateOnlyMode, type UploadDeps } from '../../src/main/engine/sync/upload.js';
import { AppFailure } from '../../src/shared/errors.js';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../src/shared/profile.js';
import { resolveConnection } from '../../src/shared/resolve.js';
import { startCosFront, type CosFront } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';
import { loopbackLookup, testEnv } from '../support/env.js';

const { s3 } = testEnv();
const MiB = 1024 * 1024;
const KEYS = { accessKeyId: s3.users.main.accessKeyId, secretAccessKey: s3.users.main.secretAccessKey };
const PAIR = 'pair-create-only';
let front: CosFront;
let deaf: CosFront;
let dir: string;

interface Target {
  name: string;
  bucket: string;
  conn: S3Connection;
  /** What the probe must find. */
  mode: CreateOnlyMode;
  /** Requests as the front saw them, for the targets behind one. */
  requests?: () => CosFront['requests'];
}
const targets: Target[] = [];

async function connect(profile: Omit<ConnectionProfileInput, 'accessKeyId' | 'caFile'>): Promise<S3Connection> {
  const resolved = resolveConnection(ConnectionProfileSchema.parse({ ...profile, accessKeyId: KEYS.accessKeyId, caFile: s3.caCertFile }));
  assert.ok(resolved.ok);
  return createS3Client(resolved.value, KEYS, { lookup: loopbackLookup, maxAttempts: 2 });
}

let fileNo = 0;
async function makeFile(bytes: number): Promise<{ path: string; data: Buffer; expected: { size: number; mtimeMs: number } }> {
  const data = randomBytes(bytes);
  const path = join(dir, `c${++fileNo}.bin`);
  await writeFile(path, data);
  const facts = await stat(path);
  return { path, data, expected: { size: facts.size, mtimeMs: facts.mtimeMs } };
}

async function download(t: Target, key: string): Promise<string> {
  const out = await t.conn.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray()).toString();
}

const theirs = (t: Target, key: string) => t.conn.client.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: `someone else's ${key}` }));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cos-sync-create-only-'));
  const rgw = rgwForCosFront();
  front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  deaf = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls, forbidOverwrite: false });
  targets.push(
    { name: 'rgw https', bucket: `createonly-${process.pid}`, conn: await connect({ name: 'rgw', provider: 'minio', endpoint: s3.httpsEndpoint, region: s3.region }), mode: 'if-none-match' },
    { name: 'rgw http', bucket: `createonly-${process.pid}`, conn: await connect({ name: 'rgw-http', provider: 'minio', endpoint: s3.httpEndpoint, region: s3.region }), mode: 'if-none-match' },
    {
      name: 'cos-front', bucket: `createonly${process.pid}-1250000000`, conn: await connect({ name: 'cos', provider: 'cos', endpoint: front.url('ap-guangzhou') }),
      mode: 'cos-forbid-overwrite', requests: () => front.requests,
    },
    {
      name: 'cos-front ignoring x-cos-forbid-overwrite', bucket: `createonlydeaf${process.pid}-1250000000`, conn: await connect({ name: 'deaf', provider: 'cos', endpoint: deaf.url('ap-guangzhou') }),
      mode: 'head', requests: () => deaf.requests,
    },
  );
  for (const t of targets) {
    await t.conn.client.send(new CreateBucketCommand({ Bucket: t.bucket })).catch((err: Error) => {
      if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
    });
  }
});

after(async () => {
  for (const t of targets) t.conn.destroy();
  await front?.close();
  await deaf?.close();
  await rm(dir, { recursive: true, force: true });
});

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof AppFailure, String(err));
  assert.equal(err.appError.code, code, `${err.appError.code}: ${err.appError.detail ?? ''}`);
  return true;
};

for (const i of [0, 1, 2, 3]) {
  const t = () => targets[i]!;
  describe(`create-only (${['rgw https', 'rgw http', 'cos-front', 'cos-front ignoring x-cos-forbid-overwrite'][i]})`, () => {
    it('the probe finds what the service honours and leaves nothing behind', async () => {
      const prefix = `probe-${fileNo++}/`;
      assert.equal(await probeCreateOnly(t().conn, t().bucket, prefix, new AbortController().signal), t().mode);
      const listed = await t().conn.client.send(new ListObjectsV2Command({ Bucket: t().bucket, Prefix: prefix }));
      assert.equal(listed.KeyCount ?? 0, 0, 'the probe object is deleted');
    });

    for (const size of [1000, 20 * MiB]) {
      it(`${size > MiB ? 'multipart' : 'single PUT'}: an object put at the key after the listing is not replaced`, async () => {
        const file = await makeFile(size);
        const key = `taken-${fileNo}.bin`;
        await theirs(t(), key);
        const since = t().requests?.().length ?? 0;
        const deps: UploadDeps = { connection: t().conn, state: new SqliteSyncState({ file: ':memory:' }), signal: new AbortController().signal, createOnly: t().mode };
        await assert.rejects(uploadFile({ pairId: PAIR, bucket: t().bucket, key, localPath: file.path, expected: file.expected, createOnly: true }, deps), isCode('precondition-failed'));
        const seen = t().requests?.().slice(since).map((r) => r.op);
        assert.equal(await download(t(), key), `someone else's ${key}`);
        if (seen && size < MiB) {
          // The service refused for us in the one PUT, or (ignored) the HEAD went first and nothing was sent.
          assert.deepEqual(seen, t().mode === 'head' ? ['headObject'] : ['putObject']);
        }
        if (seen && size > MiB) assert.deepEqual(seen, ['headObject'], 'a large file is not sent in vain');
      });
    }

    it('a free key: uploaded with one request, no HEAD, where the service refuses for us', async () => {
      const file = await makeFile(5000);
      const key = `free-${fileNo}.bin`;
      const since = t().requests?.().length ?? 0;
      const deps: UploadDeps = { connection: t().conn, state: new SqliteSyncState({ file: ':memory:' }), signal: new AbortController().signal, createOnly: t().mode };
      const result = await uploadFile({ pairId: PAIR, bucket: t().bucket, key, localPath: file.path, expected: file.expected, createOnly: true }, deps);
      assert.equal(result.status, 'uploaded');
      const seen = t().requests?.().slice(since).map((r) => r.op);
      assert.equal(await download(t(), key), file.data.toString());
      if (seen) assert.deepEqual(seen, t().mode === 'head' ? ['headObject', 'putObject'] : ['putObject']);
    });
  });
}

describe('through the executor', () => {
  it('an object that appeared since the listing defers the item and stays; a free key is uploaded', async () => {
    for (const t of targets) {
      const prefix = `exec-${fileNo++}/`;
      const state = new SqliteSyncState({ file: ':memory:' });
      const remote = new S3Remote({ connection: t.conn, bucket: t.bucket, prefix, pairId: PAIR, state });
      const ctx: ExecContext = { pairId: PAIR, root: dir, remote, state, synced: new Map(), signal: new AbortController().signal, now: Date.now };
      const files = [await makeFile(3000), await makeFile(3000)];
      const locals: LocalEntry[] = files.map((f, n) => ({ key: `k${n}.bin`, relPath: f.path.slice(dir.length + 1), size: f.expected.size, mtimeMs: f.expected.mtimeMs }));
      // The plan saw both keys free; then someone put an object at the first.
      await theirs(t, `${prefix}k0.bin`);
      const taken = await executeToOutcome(ctx, { kind: 'upload', key: 'k0.bin', local: locals[0]!, reason: 'new' }, () => assert.fail('not a failure'));
      assert.equal(taken.kind, 'deferred', `${t.name}: ${JSON.stringify(taken)}`);
      assert.match(taken.reason, /an object appeared in the bucket since the listing/);
      assert.equal(await download(t, `${prefix}k0.bin`), `someone else's ${prefix}k0.bin`, t.name);
      assert.equal(ctx.synced.has('k0.bin'), false);
      const free = await executeToOutcome(ctx, { kind: 'upload', key: 'k1.bin', local: locals[1]!, reason: 'new' }, () => assert.fail('not a failure'));
      assert.equal(free.kind, 'uploaded', t.name);
      assert.equal(await download(t, `${prefix}k1.bin`), files[1]!.data.toString());
      assert.equal(ctx.synced.get('k1.bin')?.etag, (await t.conn.client.send(new ListObjectsV2Command({ Bucket: t.bucket, Prefix: `${prefix}k1` }))).Contents?.[0]?.ETag?.replace(/"/g, ''));
    }
  });
});
