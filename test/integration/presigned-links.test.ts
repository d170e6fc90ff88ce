// Presigned GET links made for a pair's object download it over HTTPS with no keys: SigV4 and SigV2, on the
// real RGW (path-style) and through the COS front (virtual-hosted); a tampered or over-long link is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { get } from 'node:https';
import { MAX_EXPIRY_V4_SECONDS } from '../../src/main/engine/s3/presign.js';
import type { Services } from '../../src/main/engine/services.js';
import type { FolderPair } from '../../src/shared/pair.js';
import { loopbackLookup } from '../support/env.js';
import {
  addPair, BucketInspector, createBucket, makeTree, openFrontBucket, rgwTarget, s3, servicesFor, syncOk, tempDir,
  type FrontBucket, type Target,
} from '../support/sync-fixtures.js';

const ca = readFileSync(s3.caCertFile);
const CONTENT = 'a photo, in words: 照片 #1 & more';
const KEY = 'album 1/photo #1+ü.txt';
const roots: string[] = [];

/** GETs `url` as a browser would (no keys), with the run's CA; every host on loopback. */
function fetchLink(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca, lookup: loopbackLookup }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function pairWithPhoto(services: Services, target: Target, name: string): Promise<FolderPair> {
  const root = await tempDir(name);
  roots.push(root);
  await makeTree(root, { [KEY]: CONTENT });
  const pair = await addPair(services.sync(), target, root, name);
  await syncOk(services.sync(), pair);
  return pair;
}

async function link(services: Services, pair: FolderPair, seconds: number) {
  const made = await services.sync().presignLink(pair.id, KEY, seconds);
  assert.ok(made.ok, made.ok ? '' : `${made.error.message} ${made.error.detail ?? ''}`);
  return made.value;
}

/** The link downloads the object; the same link with its signature changed is refused by the server. */
async function assertLinkWorks(url: string, signatureParam: string): Promise<void> {
  assert.ok(!url.includes(s3.users.main.secretAccessKey), 'the secret is not in the link');
  const got = await fetchLink(url);
  assert.equal(got.status, 200, got.body);
  assert.equal(got.body, CONTENT);
  const tampered = new URL(url);
  const sig = tampered.searchParams.get(signatureParam);
  assert.ok(sig, `${signatureParam} in ${url}`);
  tampered.searchParams.set(signatureParam, sig.startsWith('A') ? `B${sig.slice(1)}` : `A${sig.slice(1)}`);
  assert.equal((await fetchLink(tampered.toString())).status, 403);
}

after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('on RGW over HTTPS, path-style', () => {
  const v4: Target = rgwTarget(`links-${process.pid}`);
  const v2: Target = { ...v4, profile: { ...v4.profile, name: 'rgw-v2', signature: 'v2' } };
  let services: Services;
  let inspector: BucketInspector;
  let pair: FolderPair;

  before(async () => {
    services = await servicesFor([v4, v2]);
    await createBucket(services, v4);
    inspector = await BucketInspector.open(v4);
    pair = await pairWithPhoto(services, v4, 'v4');
  });

  after(async () => {
    await services?.close();
    await inspector?.removeBucket();
    inspector?.close();
  });

  it('a SigV4 link downloads the object until it expires', async () => {
    const before = Date.now();
    const made = await link(services, pair, 3600);
    assert.equal(made.key, KEY);
    assert.ok(Math.abs(made.expiresAtMs - (before + 3600_000)) < 60_000, `expires at ${new Date(made.expiresAtMs).toISOString()}`);
    assert.equal(new URL(made.url).searchParams.get('X-Amz-Expires'), '3600');
    await assertLinkWorks(made.url, 'X-Amz-Signature');
  });

  it('SigV4 links last at most 7 days: a longer one is refused with what to choose', async () => {
    assert.equal(new URL((await link(services, pair, MAX_EXPIRY_V4_SECONDS)).url).searchParams.get('X-Amz-Expires'), '604800');
    const refused = await services.sync().presignLink(pair.id, KEY, MAX_EXPIRY_V4_SECONDS + 1);
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? `${refused.error.message} ${refused.error.hint}` : '', /at most 7 days/);
  });

  it('a SigV2 profile gets a SigV2 link (an absolute Expires time), which downloads the object', async () => {
    const v2pair = await pairWithPhoto(services, v2, 'v2');
    const made = await link(services, v2pair, 30 * 86400);
    const url = new URL(made.url);
    assert.equal(url.searchParams.get('AWSAccessKeyId'), s3.users.main.accessKeyId);
    assert.equal(Number(url.searchParams.get('Expires')) * 1000, Math.floor(made.expiresAtMs / 1000) * 1000);
    assert.equal(url.searchParams.get('X-Amz-Signature'), null);
    await assertLinkWorks(made.url, 'Signature');
  });

  it('a key with a bad path segment is refused before anything is signed', async () => {
    const refused = await services.sync().presignLink(pair.id, '../outside.txt', 3600);
    assert.equal(!refused.ok && refused.error.code, 'invalid-argument');
  });
});

describe('through the COS front, virtual-hosted', () => {
  let fixture: FrontBucket;

  before(async () => {
    fixture = await openFrontBucket(`links${process.pid}-1250000000`);
  });

  after(async () => {
    await fixture?.close();
  });

  it('SigV4 and SigV2 links download the object from <bucket>.cos.<region>.myqcloud.com', async () => {
    const { services, target } = fixture;
    const v2: Target = { ...target, profile: { ...target.profile, name: 'cos-v2', signature: 'v2' } };
    const saved = await services.connections.saveProfile({ profile: v2.profile, replace: true });
    assert.ok(saved.ok);
    const pair4 = await pairWithPhoto(services, target, 'front-v4');
    const pair2 = await pairWithPhoto(services, v2, 'front-v2');
    const v4link = await link(services, pair4, 86400);
    assert.match(new URL(v4link.url).hostname, new RegExp(`^${target.bucket}\\.cos\\.ap-guangzhou\\.myqcloud\\.com$`));
    await assertLinkWorks(v4link.url, 'X-Amz-Signature');
    const v2link = await link(services, pair2, 86400);
    assert.match(new URL(v2link.url).hostname, new RegExp(`^${target.bucket}\\.cos\\.`));
    await assertLinkWorks(v2link.url, 'Signature');
    const served = fixture.front.requests.filter((r) => r.method === 'GET' && r.key === `front-v2/${KEY}` && r.status === 200);
    assert.deepEqual(served.map((r) => Object.keys(r.query).sort().join(',')), ['AWSAccessKeyId,Expires,Signature,x-id'], 'the front served the SigV2 download');
  });
});
