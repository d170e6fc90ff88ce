// A 200 MB upload with 4 parts of 8 MiB in flight, against the real Ceph RGW over HTTPS and through the
// COS-mode front: memory stays near (concurrency + 2) x part size, and the speed and CPU cost are printed.
// Also the bandwidth limit, end to end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { open, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createS3Client, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { SqliteSyncState } from '../../src/main/engine/sync/state-store.js';
import { Throttle, uploadFile, type UploadJob } from '../../src/main/engine/sync/upload.js';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../src/shared/profile.js';
import { resolveConnection } from '../../src/shared/resolve.js';
import { startCosFront, type CosFront } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';
import { loopbackLookup, testEnv } from '../support/env.js';

const { s3 } = testEnv();
const MiB = 1024 * 1024;
const KEYS = { accessKeyId: s3.users.main.accessKeyId, secretAccessKey: s3.users.main.secretAccessKey };
const SIZE = 200_000_000;
let front: CosFront;
let dir: string;
let bigFile: { path: string; expected: UploadJob['expected'] };
const targets: Array<{ name: string; bucket: string; conn: S3Connection }> = [];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function connect(profile: Omit<ConnectionProfileInput, 'accessKeyId' | 'caFile'>): Promise<S3Connection> {
  const resolved = resolveConnection(ConnectionProfileSchema.parse({ ...profile, accessKeyId: KEYS.accessKeyId, caFile: s3.caCertFile }));
  assert.ok(resolved.ok);
  return createS3Client(resolved.value, KEYS, { lookup: loopbackLookup });
}

/** Writes `size` random bytes through one small buffer, so the test itself holds no large buffer. */
async function writeRandomFile(path: string, size: number): Promise<UploadJob['expected']> {
  const handle = await open(path, 'w');
  try {
    for (let done = 0; done < size; ) {
      const chunk = randomBytes(Math.min(MiB, size - done));
      await handle.write(chunk, 0, chunk.length, done);
      done += chunk.length;
    }
  } finally {
    await handle.close();
  }
  const facts = await stat(path);
  return { size: facts.size, mtimeMs: facts.mtimeMs };
}

/** Runs `fn` while sampling arrayBuffers every few ms; returns the peak growth over the settled baseline. */
async function peakArrayBuffers<T>(fn: () => Promise<T>): Promise<{ value: T; peakGrowth: number }> {
  gc();
  const baseline = process.memoryUsage().arrayBuffers;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    return { value, peakGrowth: peak - baseline };
  } finally {
    clearInterval(timer);
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cos-sync-upload-big-'));
  const rgw = rgwForCosFront();
  front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  targets.push(
    { name: 'rgw', bucket: `uploadbig-${process.pid}`, conn: await connect({ name: 'rgw', provider: 'minio', endpoint: s3.httpsEndpoint, region: s3.region }) },
    { name: 'cos-front', bucket: `uploadbig${process.pid}-1250000000`, conn: await connect({ name: 'cos', provider: 'cos', endpoint: front.url('ap-guangzhou') }) },
  );
  for (const t of targets) await t.conn.client.send(new CreateBucketCommand({ Bucket: t.bucket }));
  const path = join(dir, 'big.bin');
  bigFile = { path, expected: await writeRandomFile(path, SIZE) };
});

after(async () => {
  for (const t of targets) t.conn.destroy();
  await front?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Uploads the 200 MB file; prints MB/s, CPU per GiB and the peak arrayBuffers growth, which it returns. */
async function measuredUpload(index: number, label: string): Promise<number> {
  const t = targets[index]!;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { value: result, peakGrowth } = await peakArrayBuffers(() =>
    uploadFile(
      { pairId: 'big', bucket: t.bucket, key: `big/${t.name}-${label}.bin`, localPath: bigFile.path, expected: bigFile.expected },
      { connection: t.conn, state: new SqliteSyncState({ file: ':memory:' }), signal: new AbortController().signal, partConcurrency: CONCURRENCY },
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  assert.equal(result.status, 'uploaded');
  const cpuPerGiB = (used.user + used.system) / 1e6 / (SIZE / 1024 ** 3);
  console.log(
    `[upload ${t.name}, ${label}] 200 MB in ${seconds.toFixed(2)} s = ${(SIZE / 1e6 / seconds).toFixed(1)} MB/s (hashing pass included); ` +
      `CPU ${cpuPerGiB.toFixed(2)} s/GiB (user ${(used.user / 1e6).toFixed(2)} s, system ${(used.system / 1e6).toFixed(2)} s` +
      `${t.name === 'cos-front' ? ', the in-process front and its buffers included' : ''}); ` +
      `peak arrayBuffers growth ${(peakGrowth / MiB).toFixed(1)} MiB; verified by ${result.status === 'uploaded' ? result.verifiedBy : '-'}`,
  );
  return peakGrowth;
}

const CONCURRENCY = 4;
const PART = 8 * MiB;

describe('a 200 MB upload, 4 parts of 8 MiB in flight', () => {
  it('memory stays bounded on the real server; speed and CPU printed', async () => {
    // On fresh TLS sockets Node copies the first part sent on each (header and body are coalesced while the
    // socket connects), so a cold pool may hold up to one more part per socket; pooled sockets do not.
    const cold = await measuredUpload(0, 'cold sockets');
    assert.ok(cold < (2 * CONCURRENCY + 2) * PART, `cold: ${cold / MiB} MiB`);
    const warm = await measuredUpload(0, 'pooled sockets');
    assert.ok(warm < (CONCURRENCY + 2) * PART, `warm: ${warm / MiB} MiB over the bound of ${(CONCURRENCY + 2) * 8} MiB`);
  });

  it('through the COS front (the front runs in this process: its buffers count too)', async () => {
    await measuredUpload(1, 'cold sockets');
    const warm = await measuredUpload(1, 'pooled sockets');
    assert.ok(warm < (2 * CONCURRENCY + 2) * PART, `warm: ${warm / MiB} MiB`);
  });
});

describe('the bandwidth limit, end to end', () => {
  it('a 3 MiB file through a 2 MiB/s limit takes about 1.5 s', async () => {
    const t = targets[0]!;
    const path = join(dir, 'limited.bin');
    const expected = await writeRandomFile(path, 3 * MiB);
    const throttle = new Throttle(2 * MiB);
    const started = performance.now();
    const result = await uploadFile(
      { pairId: 'big', bucket: t.bucket, key: 'big/limited.bin', localPath: path, expected },
      { connection: t.conn, state: new SqliteSyncState({ file: ':memory:' }), signal: new AbortController().signal, throttle },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`[upload throttled] 3 MiB at 2 MiB/s: ${seconds.toFixed(2)} s`);
    assert.equal(result.status, 'uploaded');
    // Only the floor is a property of the limiter (it can never be faster); how much slower depends on the machine.
    assert.ok(seconds > 1.3, `${seconds} s`);
  });
});
