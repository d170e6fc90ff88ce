// kill -9 during a 200 MB multipart upload through the COS front, then a restart: only the parts the service
// does not hold whole are sent again (those it holds but the state database had not recorded are matched by
// their ETag against the file's MD5), the object is verified (size, CRC-64) and nothing is left over.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { SqliteSyncState, type UploadRecord } from '../../src/main/engine/sync/state-store.js';
import { startCosFront, type CosFront, type RecordedRequest } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';
import type { ChildConfig } from '../support/sync-child.js';
import {
  BucketInspector, createBucket, ENV_KEYS, frontTarget, MiB, servicesFor, tempDir, waitUntil, writeRandomFile,
  type BigFile, type Target,
} from '../support/sync-fixtures.js';

const SIZE = 200 * MiB;
const PART = 8 * MiB; // the engine's part size for a 200 MB file (max(8 MiB, size / 9000))
const PARTS = SIZE / PART;
const PAIR_ID = 'resume-pair';
const KEY = 'resume/big file.bin';

let front: CosFront;
let target: Target;
let inspector: BucketInspector;
let home: string;
let root: string;
let big: BigFile;

interface Child { process: ChildProcess; output: string[]; exited: Promise<[number | null, NodeJS.Signals | null]> }

function startChild(partConcurrency?: number): Child {
  const config: ChildConfig = { home, profile: target.profile, pair: { id: PAIR_ID, localPath: root, profile: target.profile.name, bucket: target.bucket, prefix: 'resume', ...(partConcurrency ? { partConcurrency } : {}) } };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sync-child.ts', JSON.stringify(config)], {
    env: { ...process.env, ...ENV_KEYS }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  return { process: child, output, exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]> };
}

const partNumbers = (requests: RecordedRequest[]) => requests.filter((r) => r.op === 'uploadPart' && r.status === 200).map((r) => Number(r.query.partNumber)).sort((a, b) => a - b);

function storedUploads(): UploadRecord[] {
  const state = new SqliteSyncState({ file: path.join(home, 'state', 'state.db') });
  try {
    return state.listUploads(PAIR_ID);
  } finally {
    state.close();
  }
}

before(async () => {
  const rgw = rgwForCosFront();
  front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  target = frontTarget(front, `syncresume${process.pid}-1250000000`);
  home = await tempDir('resume-home');
  const services = await servicesFor([target], { home });
  try {
    await createBucket(services, target);
  } finally {
    await services.close();
  }
  inspector = await BucketInspector.open(target);
  root = await tempDir('resume');
  big = await writeRandomFile(path.join(root, 'big file.bin'), SIZE);
});

after(async () => {
  await inspector?.removeBucket();
  inspector?.close();
  await front?.close();
  for (const dir of [root, home]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kill -9 during a multipart upload', () => {
  it('the restarted engine sends only the parts the service does not have, and the object is whole', async (t) => {
    // First run: killed the moment the front has answered 3 parts. One part is in flight at a time
    // (partConcurrency 1), so at most the part just answered can be unrecorded; parts the service accepts
    // after the kill were never known to the child, so they do not count as finished.
    const first = startChild(1);
    let acceptedBefore: number[] = [];
    try {
      acceptedBefore = await waitUntil('3 parts accepted by the service', () => {
        if (first.process.exitCode !== null) throw new Error(`the child ended before it was killed:\n${first.output.join('')}`);
        const accepted = partNumbers(front.requests);
        if (accepted.length < 3) return undefined;
        first.process.kill('SIGKILL');
        return accepted;
      }, 120_000);
    } finally {
      first.process.kill('SIGKILL');
    }
    const [, signal] = await first.exited;
    assert.equal(signal, 'SIGKILL');
    const firstRun = front.requests.slice();
    assert.ok(!firstRun.some((r) => r.op === 'completeUpload'), 'killed before Complete');
    assert.ok(acceptedBefore.length < PARTS, 'killed before every part was sent');

    const stored = storedUploads();
    assert.equal(stored.length, 1, 'the unfinished upload is in the state database');
    const recorded = stored[0]!.parts.map((p) => p.partNumber);
    assert.equal(stored[0]!.partSize, PART);
    const acceptedAtAll = partNumbers(firstRun);
    assert.ok(recorded.every((n) => acceptedAtAll.includes(n)), `recorded ${recorded} ⊆ accepted ${acceptedAtAll}`);
    const unrecorded = acceptedBefore.filter((n) => !recorded.includes(n));
    assert.ok(unrecorded.length <= 1, `at most one part finished before the kill went unrecorded: recorded ${recorded}, accepted ${acceptedBefore}`);
    t.diagnostic(`killed with ${acceptedBefore.length} parts accepted (${acceptedAtAll.length} once the child was gone), ${recorded.length} recorded: ${recorded.join(',')}`);

    // Second run: to the end, with the default parts at a time. What the service accepted by now (a part in
    // flight at the kill may have been answered since) is what it holds.
    const since = front.requests.length;
    const held = partNumbers(front.requests.slice(0, since));
    const started = Date.now();
    const second = startChild();
    const [code] = await Promise.race([second.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the second run took over 5 minutes')), 300_000).unref())]);
    const log = second.output.join('');
    assert.equal(code, 0, log);
    const secondRun = front.requests.slice(since);
    const sentAgain = partNumbers(secondRun);
    const missing = Array.from({ length: PARTS }, (_, i) => i + 1).filter((n) => !held.includes(n));
    assert.deepEqual(sentAgain, missing, 'exactly the parts the service did not hold were sent');
    assert.deepEqual(sentAgain.filter((n) => acceptedBefore.includes(n)), [], 'no finished part sent again, recorded or not');
    assert.ok(!secondRun.some((r) => r.method === 'POST' && 'uploads' in r.query), 'no new multipart upload was created');
    assert.ok(secondRun.filter((r) => r.op === 'uploadPart').every((r) => r.query.uploadId === stored[0]!.uploadId), 'the stored upload was resumed');
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`second run: ${sentAgain.length} parts in ${seconds.toFixed(1)} s (process start and hashing included)`);

    const head = await inspector.head(KEY);
    assert.equal(head.size, SIZE);
    assert.equal(head.crc64, big.crc64, 'the COS CRC-64 of the object equals the local file');
    assert.equal(head.metadata.md5chksum, undefined, 'a multipart object carries no whole-file MD5 (COS has its CRC-64)');
    assert.deepEqual(storedUploads(), [], 'no upload left in the state database');
    assert.deepEqual(await inspector.uploads(), [], 'no multipart upload left in the bucket');
    assert.match(log, /"result":\{[^}]*"inSync":true/);
  });
});
