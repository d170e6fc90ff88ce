// uploadFile against the real Ceph RGW over HTTPS and through the COS-mode front: small, empty and multipart
// files verified end to end, our metadata, resume after a cancel, faults (NoSuchUpload, 200-with-error
// Complete, SlowDown), files edited or removed mid-upload, the ETag precondition, stale upload clean-up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { closeSync, openSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand,
  ListMultipartUploadsCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createS3Client, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { crc64 } from '../../src/main/engine/s3/crc64.js';
import { headRemote } from '../../src/main/engine/sync/remote-list.js';
import { SqliteSyncState, type UploadPart } from '../../src/main/engine/sync/state-store.js';
import { abortStaleUploads, SmallFileReads, uploadFile, type UploadDeps, type UploadJob, type UploadResult, type UploadState } from '../../src/main/engine/sync/upload.js';
import { AppFailure } from '../../src/shared/errors.js';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../src/shared/profile.js';
import { resolveConnection } from '../../src/shared/resolve.js';
import { startCosFront, type CosFront } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';
import { loopbackLookup, testEnv } from '../support/env.js';

const { s3 } = testEnv();
const MiB = 1024 * 1024;
const KEYS = { accessKeyId: s3.users.main.accessKeyId, secretAccessKey: s3.users.main.secretAccessKey };
const PAIR = 'pair-1';
let front: CosFront;
let dir: string;

interface Target {
  name: 'rgw' | 'cos-front';
  bucket: string;
  conn: S3Connection;
  /** Verification expected for a simple PUT and for a multipart upload. */
  verified: { single: string; multipart: string };
}
const targets: Target[] = [];

async function connect(profile: Omit<ConnectionProfileInput, 'accessKeyId' | 'caFile'>): Promise<S3Connection> {
  const resolved = resolveConnection(ConnectionProfileSchema.parse({ ...profile, accessKeyId: KEYS.accessKeyId, caFile: s3.caCertFile }));
  assert.ok(resolved.ok);
  return createS3Client(resolved.value, KEYS, { lookup: loopbackLookup, maxAttempts: 3 });
}

let fileNo = 0;
async function makeFile(bytes: number | Buffer): Promise<{ path: string; data: Buffer; expected: UploadJob['expected'] }> {
  const data = typeof bytes === 'number' ? randomBytes(bytes) : bytes;
  const path = join(dir, `f${++fileNo}.bin`);
  await writeFile(path, data);
  const facts = await stat(path);
  return { path, data, expected: { size: facts.size, mtimeMs: facts.mtimeMs } };
}

const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('base64');
const uniqueKey = (name: string) => `up/${name}-${Date.now().toString(36)}-${fileNo}`;

function deps(t: Target, state: UploadState, extra: Partial<UploadDeps> = {}): UploadDeps {
  return { connection: t.conn, state, signal: new AbortController().signal, ...extra };
}

async function download(t: Target, key: string): Promise<Buffer> {
  const out = await t.conn.client.send(new GetObjectCommand({ Bucket: t.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

function uploaded(result: UploadResult): Extract<UploadResult, { status: 'uploaded' }> {
  assert.equal(result.status, 'uploaded', JSON.stringify(result));
  return result as Extract<UploadResult, { status: 'uploaded' }>;
}

/** The state store, with a hook after every persisted part (the store's methods need their own `this`). */
function watchParts(state: SqliteSyncState, onPart: (part: UploadPart) => void): UploadState {
  return {
    beginUpload: (u) => state.beginUpload(u),
    recordPart: (id, part) => {
      state.recordPart(id, part);
      onPart(part);
    },
    findUpload: (p, k) => state.findUpload(p, k),
    listUploads: (p) => state.listUploads(p),
    finishUpload: (id, s) => state.finishUpload(id, s),
    dropUpload: (id) => state.dropUpload(id),
  };
}

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof AppFailure, String(err));
  assert.equal(err.appError.code, code, `${err.appError.code}: ${err.appError.detail ?? ''}`);
  return true;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cos-sync-upload-'));
  const rgw = rgwForCosFront();
  front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  const rgwConn = await connect({ name: 'rgw', provider: 'minio', endpoint: s3.httpsEndpoint, region: s3.region });
  const cosConn = await connect({ name: 'cos', provider: 'cos', endpoint: front.url('ap-guangzhou') });
  targets.push(
    { name: 'rgw', bucket: `upload-${process.pid}`, conn: rgwConn, verified: { single: 'etag', multipart: 'etag' } },
    { name: 'cos-front', bucket: `upload${process.pid}-1250000000`, conn: cosConn, verified: { single: 'crc64', multipart: 'crc64' } },
  );
  for (const t of targets) await t.conn.client.send(new CreateBucketCommand({ Bucket: t.bucket }));
});

after(async () => {
  for (const t of targets) t.conn.destroy();
  await front?.close();
  await rm(dir, { recursive: true, force: true });
});

const rgwT = () => targets[0]!;
const cosT = () => targets[1]!;

for (const which of ['rgw', 'cos-front'] as const) {
  const t = () => (which === 'rgw' ? rgwT() : cosT());
  describe(`uploads verified end to end (${which})`, () => {
    it('a small file: one PUT, our metadata, verified', async () => {
      const file = await makeFile(100_000);
      const key = uniqueKey('small');
      const state = new SqliteSyncState({ file: ':memory:' });
      const result = uploaded(await uploadFile({ pairId: PAIR, bucket: t().bucket, key, localPath: file.path, expected: file.expected }, deps(t(), state)));
      assert.equal(result.verifiedBy, t().verified.single);
      assert.equal(result.md5, md5(file.data));
      // CRC-64 only where the service checks it (COS): elsewhere the MD5 does, and one hash pass is enough.
      assert.equal(result.crc64, which === 'cos-front' ? crc64(file.data) : undefined);
      const head = await headRemote(t().conn, t().bucket, key, { prefix: 'up/' });
      assert.equal(head?.key, key.slice(3));
      assert.equal(head?.md5, md5(file.data), 'md5chksum');
      assert.ok(Math.abs(head!.mtimeMs! - file.expected.mtimeMs) < 0.001, `mtime ${head?.mtimeMs} vs ${file.expected.mtimeMs}`);
      assert.equal(head?.etag, result.etag);
      if (which === 'cos-front') assert.equal(head?.crc64, result.crc64);
      assert.ok((await download(t(), key)).equals(file.data));
    });

    it('an empty file', async () => {
      const file = await makeFile(0);
      const key = uniqueKey('empty');
      const result = uploaded(await uploadFile({ pairId: PAIR, bucket: t().bucket, key, localPath: file.path, expected: file.expected }, deps(t(), new SqliteSyncState({ file: ':memory:' }))));
      assert.deepEqual([result.size, result.md5, result.crc64], [0, '1B2M2Y8AsgTpgAmY7PhCfg==', which === 'cos-front' ? '0' : undefined]);
      assert.equal((await headRemote(t().conn, t().bucket, key))?.size, 0);
    });

    it('a 40 MiB file goes multipart (5 parts of 8 MiB), with its mtime, and leaves no stored upload', async () => {
      const file = await makeFile(40 * MiB);
      const key = uniqueKey('multi');
      const state = new SqliteSyncState({ file: ':memory:' });
      let progress = 0;
      const result = uploaded(await uploadFile({ pairId: PAIR, bucket: t().bucket, key, localPath: file.path, expected: file.expected }, deps(t(), state, { onProgress: (n) => (progress += n) })));
      assert.equal(result.verifiedBy, t().verified.multipart);
      assert.deepEqual(result.parts, { total: 5, reused: 0 });
      assert.equal(progress, 40 * MiB);
      assert.match(result.etag, /^[0-9a-f]{32}-5$/, 'the real ETag from HEAD (RGW leaves it empty on Complete)');
      assert.equal(state.findUpload(PAIR, key), undefined);
      const head = await headRemote(t().conn, t().bucket, key);
      // No md5chksum on a multipart object: the whole-file MD5 would be a second pass over every byte before
      // the first part; COS's CRC-64 (in HEAD and in our state) identifies it instead.
      assert.equal(head?.md5, undefined);
      assert.equal(result.md5, undefined);
      assert.ok(Math.abs(head!.mtimeMs! - file.expected.mtimeMs) < 0.001);
      if (which === 'cos-front') assert.equal(head?.crc64, crc64(file.data));
      assert.equal(result.crc64, which === 'cos-front' ? crc64(file.data) : undefined);
      assert.equal(md5(await download(t(), key)), md5(file.data));
    });

    it('a file removed before the upload is "vanished"; one changed since the plan is "changed"', async () => {
      const file = await makeFile(1000);
      const job = { pairId: PAIR, bucket: t().bucket, key: uniqueKey('gone'), localPath: file.path, expected: file.expected };
      const state = new SqliteSyncState({ file: ':memory:' });
      assert.deepEqual(await uploadFile({ ...job, expected: { ...file.expected, size: 999 } }, deps(t(), state)), { status: 'changed' });
      unlinkSync(file.path);
      assert.deepEqual(await uploadFile(job, deps(t(), state)), { status: 'vanished' });
      assert.equal(await headRemote(t().conn, t().bucket, job.key), undefined);
    });

    it('small files read with synchronous calls: the same upload, "changed" and "vanished"', async () => {
      const file = await makeFile(2000);
      const job = { pairId: PAIR, bucket: t().bucket, key: uniqueKey('sync-read'), localPath: file.path, expected: file.expected };
      const state = new SqliteSyncState({ file: ':memory:' });
      const smallReads = new SmallFileReads();
      assert.deepEqual(await uploadFile({ ...job, expected: { ...file.expected, size: 1999 } }, deps(t(), state, { smallReads })), { status: 'changed' });
      assert.deepEqual(await uploadFile({ ...job, expected: { ...file.expected, mtimeMs: file.expected.mtimeMs - 1000 } }, deps(t(), state, { smallReads })), { status: 'changed' });
      const result = uploaded(await uploadFile(job, deps(t(), state, { smallReads })));
      assert.equal(result.md5, md5(file.data));
      assert.ok((await download(t(), job.key)).equals(file.data));
      unlinkSync(file.path);
      assert.deepEqual(await uploadFile({ ...job, key: uniqueKey('sync-read-gone') }, deps(t(), state, { smallReads })), { status: 'vanished' });
    });
  });
}

/** Part numbers of the UploadPart requests the front saw for `key`, and the statuses they got. */
const frontParts = (key: string) =>
  front.requests.filter((r) => r.op === 'uploadPart' && r.key === key).map((r) => ({ n: Number(r.query.partNumber), status: r.status }));
const frontOps = (key: string, op: string) => front.requests.filter((r) => r.op === op && r.key === key);

/** Starts a 40 MiB upload and cancels it once `parts` parts are persisted; returns what the store kept. */
async function cancelAfterParts(job: UploadJob, state: SqliteSyncState, parts: number) {
  const controller = new AbortController();
  let persisted = 0;
  const watched = watchParts(state, () => void (++persisted === parts && controller.abort(new Error('user pressed pause'))));
  await assert.rejects(uploadFile(job, deps(cosT(), watched, { signal: controller.signal, partConcurrency: 1 })), isCode('cancelled'));
  const stored = state.findUpload(PAIR, job.key);
  assert.ok(stored, 'the upload is kept to resume');
  assert.deepEqual(stored.parts.map((p) => p.partNumber), Array.from({ length: parts }, (_, i) => i + 1));
  return stored;
}

describe('resume and faults (COS front)', () => {
  it('resumes after a cancel: only the missing parts are sent again', async () => {
    const file = await makeFile(40 * MiB);
    const job = { pairId: PAIR, bucket: cosT().bucket, key: uniqueKey('resume'), localPath: file.path, expected: file.expected };
    const state = new SqliteSyncState({ file: ':memory:' });
    const stored = await cancelAfterParts(job, state, 2);
    const listed = await cosT().conn.client.send(new ListMultipartUploadsCommand({ Bucket: cosT().bucket, Prefix: job.key }));
    assert.deepEqual(listed.Uploads?.map((u) => u.UploadId), [stored.uploadId], 'a cancelled upload is not aborted on the service');
    front.requests.length = 0;
    const result = uploaded(await uploadFile(job, deps(cosT(), state)));
    assert.deepEqual(result.parts, { total: 5, reused: 2 });
    assert.deepEqual(frontParts(job.key).map((p) => p.n).sort(), [3, 4, 5]);
    assert.equal(front.requests.filter((r) => r.method === 'GET' && r.query.uploadId === stored.uploadId).length, 1, 'one ListParts');
    assert.equal(front.requests.filter((r) => r.method === 'POST' && 'uploads' in r.query).length, 0, 'no new upload');
    assert.equal(result.verifiedBy, 'crc64');
    assert.equal(md5(await download(cosT(), job.key)), md5(file.data));
  });

  it('starts over when the service no longer knows the stored upload (NoSuchUpload)', async () => {
    const file = await makeFile(40 * MiB);
    const job = { pairId: PAIR, bucket: cosT().bucket, key: uniqueKey('nosuch'), localPath: file.path, expected: file.expected };
    const state = new SqliteSyncState({ file: ':memory:' });
    const stored = await cancelAfterParts(job, state, 1);
    await cosT().conn.client.send(new AbortMultipartUploadCommand({ Bucket: job.bucket, Key: job.key, UploadId: stored.uploadId }));
    front.requests.length = 0;
    const result = uploaded(await uploadFile(job, deps(cosT(), state)));
    assert.deepEqual(result.parts, { total: 5, reused: 0 });
    assert.deepEqual(frontParts(job.key).map((p) => p.n).sort(), [1, 2, 3, 4, 5]);
    // RGW answers ListParts of an aborted upload with 404 NoSuchKey (COS and S3 say NoSuchUpload): both mean gone.
    assert.ok(front.requests.some((r) => r.query.uploadId === stored.uploadId && r.status === 404), 'ListParts said 404');
    assert.equal(state.findUpload(PAIR, job.key), undefined);
  });

  it('a different size or mtime aborts the stored upload and starts a new one', async () => {
    const file = await makeFile(40 * MiB);
    const job = { pairId: PAIR, bucket: cosT().bucket, key: uniqueKey('restart'), localPath: file.path, expected: file.expected };
    const state = new SqliteSyncState({ file: ':memory:' });
    const stored = await cancelAfterParts(job, state, 1);
    const later = new Date(file.expected.mtimeMs + 10_000);
    utimesSync(file.path, later, later);
    const expected = { size: file.expected.size, mtimeMs: (await stat(file.path)).mtimeMs };
    front.requests.length = 0;
    const result = uploaded(await uploadFile({ ...job, expected }, deps(cosT(), state)));
    assert.deepEqual(result.parts, { total: 5, reused: 0 });
    assert.equal(frontOps(job.key, 'abortUpload').length, 1);
    assert.equal(frontOps(job.key, 'abortUpload')[0]!.query.uploadId, stored.uploadId);
  });

  it('a 503 SlowDown on one UploadPart is retried', async () => {
    const file = await makeFile(40 * MiB);
    const key = uniqueKey('slowdown');
    front.requests.length = 0;
    front.failNext(1, { status: 503, code: 'SlowDown', match: { op: 'uploadPart', key } });
    const result = uploaded(await uploadFile({ pairId: PAIR, bucket: cosT().bucket, key, localPath: file.path, expected: file.expected }, deps(cosT(), new SqliteSyncState({ file: ':memory:' }))));
    assert.equal(result.verifiedBy, 'crc64');
    const sent = frontParts(key);
    assert.equal(sent.length, 6);
    assert.equal(sent.filter((p) => p.status === 503).length, 1);
  });

  it('one hash of each byte: over HTTPS, COS parts go unsigned and without Content-MD5 (the CRC-64 covers them); a PUT with Content-MD5', async () => {
    const big = await makeFile(20 * MiB);
    const small = await makeFile(3000);
    front.requests.length = 0;
    const state = new SqliteSyncState({ file: ':memory:' });
    for (const [file, name] of [[big, 'hashes-big'], [small, 'hashes-small']] as const) {
      uploaded(await uploadFile({ pairId: PAIR, bucket: cosT().bucket, key: uniqueKey(name), localPath: file.path, expected: file.expected }, deps(cosT(), state)));
    }
    const parts = front.requests.filter((r) => r.op === 'uploadPart');
    assert.equal(parts.length, 3);
    assert.ok(parts.every((r) => r.headers['x-amz-content-sha256'] === 'UNSIGNED-PAYLOAD' && r.headers['content-md5'] === undefined), JSON.stringify(parts.map((r) => r.headers)));
    const put = front.requests.find((r) => r.op === 'putObject')!;
    assert.equal(put.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
    assert.equal(put.headers['content-md5'], md5(small.data));
  });

  it('a Complete answered 200 with an error body is detected and sent again; if it persists, the upload is kept', async () => {
    const file = await makeFile(40 * MiB);
    const job = { pairId: PAIR, bucket: cosT().bucket, key: uniqueKey('complete200'), localPath: file.path, expected: file.expected };
    const state = new SqliteSyncState({ file: ':memory:' });
    front.requests.length = 0;
    // Four in a row: the first Complete and the three re-sends all get a 200 carrying <Error>.
    front.failNext(4, { status: 200, code: 'InternalError', match: { op: 'completeUpload', key: job.key } });
    await assert.rejects(uploadFile(job, deps(cosT(), state)), isCode('server-error'));
    assert.equal(frontOps(job.key, 'completeUpload').length, 4);
    assert.ok(frontOps(job.key, 'completeUpload').every((r) => r.status === 200));
    assert.equal(state.findUpload(PAIR, job.key)?.parts.length, 5, 'kept, to resume');
    front.failNext(1, { status: 200, code: 'InternalError', match: { op: 'completeUpload', key: job.key } });
    front.requests.length = 0;
    const result = uploaded(await uploadFile(job, deps(cosT(), state)));
    assert.deepEqual(result.parts, { total: 5, reused: 5 });
    assert.equal(frontParts(job.key).length, 0);
    assert.equal(frontOps(job.key, 'completeUpload').length, 2, 'the error, then the real Complete');
    assert.equal(result.verifiedBy, 'crc64');
  });
});

describe('files that change during the upload', () => {
  for (const which of ['rgw', 'cos-front'] as const) {
    const t = () => (which === 'rgw' ? rgwT() : cosT());
    it(`mtime moved mid-upload: "changed", and the upload is aborted (${which})`, async () => {
      const file = await makeFile(40 * MiB);
      const job = { pairId: PAIR, bucket: t().bucket, key: uniqueKey('edited'), localPath: file.path, expected: file.expected };
      const state = new SqliteSyncState({ file: ':memory:' });
      let touched = false;
      const onProgress = () => {
        if (touched) return;
        touched = true;
        const later = new Date(file.expected.mtimeMs + 5000);
        utimesSync(file.path, later, later);
      };
      assert.deepEqual(await uploadFile(job, deps(t(), state, { onProgress, partConcurrency: 1 })), { status: 'changed' });
      assert.equal(state.findUpload(PAIR, job.key), undefined);
      const listed = await t().conn.client.send(new ListMultipartUploadsCommand({ Bucket: t().bucket, Prefix: job.key }));
      assert.equal(listed.Uploads?.length ?? 0, 0, 'aborted on the service');
      assert.equal(await headRemote(t().conn, t().bucket, job.key), undefined);
    });
  }

  it('bytes rewritten with the mtime put back: the ctime moved, "changed"', async () => {
    const file = await makeFile(40 * MiB);
    const job = { pairId: PAIR, bucket: cosT().bucket, key: uniqueKey('sneaky'), localPath: file.path, expected: file.expected };
    let done = false;
    const onProgress = () => {
      if (done) return;
      done = true;
      const fd = openSync(file.path, 'r+');
      writeSync(fd, Buffer.from('rewritten'), 0, 9, 30 * MiB);
      closeSync(fd);
      const mtime = new Date(file.expected.mtimeMs);
      utimesSync(file.path, mtime, mtime);
    };
    const state = new SqliteSyncState({ file: ':memory:' });
    assert.deepEqual(await uploadFile(job, deps(cosT(), state, { onProgress, partConcurrency: 1 })), { status: 'changed' });
    assert.equal(state.findUpload(PAIR, job.key), undefined);
  });

  it('a file deleted mid-upload is "vanished", and the upload is aborted', async () => {
    const file = await makeFile(40 * MiB);
    const job = { pairId: PAIR, bucket: cosT().bucket, key: uniqueKey('deleted'), localPath: file.path, expected: file.expected };
    let gone = false;
    const onProgress = () => void (gone || ((gone = true), unlinkSync(file.path)));
    front.requests.length = 0;
    assert.deepEqual(await uploadFile(job, deps(cosT(), new SqliteSyncState({ file: ':memory:' }), { onProgress, partConcurrency: 1 })), { status: 'vanished' });
    assert.equal(frontOps(job.key, 'abortUpload').length, 1);
  });
});

describe('the ETag precondition', () => {
  it('refuses to overwrite an object whose ETag is no longer the expected one', async () => {
    const t = cosT();
    const first = await makeFile(5000);
    const key = uniqueKey('ifmatch');
    const job = { pairId: PAIR, bucket: t.bucket, key, localPath: first.path, expected: first.expected };
    const state = new SqliteSyncState({ file: ':memory:' });
    const ours = uploaded(await uploadFile(job, deps(t, state)));
    await t.conn.client.send(new PutObjectCommand({ Bucket: t.bucket, Key: key, Body: 'someone else wrote this' }));
    await assert.rejects(uploadFile({ ...job, ifMatchEtag: ours.etag }, deps(t, state)), isCode('remote-changed'));
    assert.equal((await download(t, key)).toString(), 'someone else wrote this', 'not overwritten');
    const theirs = (await headRemote(t.conn, t.bucket, key))!.etag;
    uploaded(await uploadFile({ ...job, ifMatchEtag: `"${theirs}"` }, deps(t, state)));
    assert.ok((await download(t, key)).equals(first.data));
  });

  it('refuses when the expected object is gone', async () => {
    const file = await makeFile(10);
    await assert.rejects(
      uploadFile({ pairId: PAIR, bucket: rgwT().bucket, key: uniqueKey('ifmatch-gone'), localPath: file.path, expected: file.expected, ifMatchEtag: 'abc' }, deps(rgwT(), new SqliteSyncState({ file: ':memory:' }))),
      isCode('remote-changed'),
    );
  });
});

describe('abortStaleUploads', () => {
  it('aborts untracked uploads past the grace period and tracked ones no longer needed; keeps the rest', async () => {
    const t = rgwT();
    const prefix = `stale-${Date.now().toString(36)}/`;
    const create = async (key: string) => (await t.conn.client.send(new CreateMultipartUploadCommand({ Bucket: t.bucket, Key: prefix + key }))).UploadId!;
    const orphan = await create('orphan + ü.bin');
    const tracked = await create('tracked.bin');
    const state = new SqliteSyncState({ file: ':memory:' });
    state.beginUpload({ pairId: PAIR, key: 'tracked.bin', objectKey: `${prefix}tracked.bin`, uploadId: tracked, partSize: 8 * MiB, size: 40 * MiB, mtimeMs: 1, createdAtMs: Date.now() });
    const young = await abortStaleUploads(PAIR, t.bucket, prefix, { connection: t.conn, state });
    assert.deepEqual(young, { aborted: [], kept: 2 }, 'both younger than 24 h');
    const later = await abortStaleUploads(PAIR, t.bucket, prefix, { connection: t.conn, state, now: () => Date.now() + 25 * 3600_000 });
    assert.deepEqual(later, { aborted: [`${prefix}orphan + ü.bin`], kept: 1 }, 'the tracked one is still wanted');
    const unneeded = await abortStaleUploads(PAIR, t.bucket, prefix, { connection: t.conn, state, graceMs: 0, stillNeeded: () => false });
    assert.deepEqual(unneeded, { aborted: [`${prefix}tracked.bin`], kept: 0 });
    assert.equal(state.listUploads(PAIR).length, 0);
    const listed = await t.conn.client.send(new ListMultipartUploadsCommand({ Bucket: t.bucket, Prefix: prefix }));
    assert.equal(listed.Uploads?.length ?? 0, 0);
    void orphan;
  });
});

describe('an upload lost mid-way', () => {
  it('NoSuchUpload on a part: the upload starts over once, from a new upload id', async () => {
    const file = await makeFile(40 * MiB);
    const key = uniqueKey('lost');
    front.requests.length = 0;
    front.failNext(1, { status: 404, code: 'NoSuchUpload', message: 'The specified upload does not exist.', match: { op: 'uploadPart', key } });
    const state = new SqliteSyncState({ file: ':memory:' });
    const result = uploaded(await uploadFile({ pairId: PAIR, bucket: cosT().bucket, key, localPath: file.path, expected: file.expected }, deps(cosT(), state, { partConcurrency: 1 })));
    assert.deepEqual(result.parts, { total: 5, reused: 0 });
    const creates = front.requests.filter((r) => r.key === key && r.method === 'POST' && 'uploads' in r.query);
    assert.equal(creates.length, 2);
    assert.equal(frontOps(key, 'abortUpload').length, 1, 'the first upload is aborted in case it still exists');
    assert.equal(state.findUpload(PAIR, key), undefined);
  });
});
