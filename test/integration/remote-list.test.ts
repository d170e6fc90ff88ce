// listRemote against the real Ceph RGW over HTTPS and through the COS-mode front: 1,100 keys with spaces,
// '+', '%', '#', XML specials and unicode over two pages, the trash and folder markers set apart, the V1
// fallback for a truncated page without a token, and an error (never a loop) when a listing stops moving;
// ranges listed side by side from expected keys, right or wrong, and a server that ignores StartAfter.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type _Object } from '@aws-sdk/client-s3';
import type { DeserializeMiddleware, InitializeMiddleware, MetadataBearer } from '@smithy/types';
import pLimit from 'p-limit';
import { createS3Client, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { readListingFast } from '../../src/main/engine/sync/list-xml.js';
import { compareKeys, headRemote, listRemote, listRemoteTree } from '../../src/main/engine/sync/remote-list.js';
import { AppFailure } from '../../src/shared/errors.js';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../src/shared/profile.js';
import { resolveConnection } from '../../src/shared/resolve.js';
import { startCosFront, type CosFront } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';
import { loopbackLookup, testEnv } from '../support/env.js';

const { s3 } = testEnv();
const KEYS = { accessKeyId: s3.users.main.accessKeyId, secretAccessKey: s3.users.main.secretAccessKey };
// A COS-style name, created on RGW directly, so both the real server and the front list the same bucket.
const BUCKET = `list${process.pid}-1250000000`;
const PREFIX = 'pair/';
let front: CosFront;
const conns: S3Connection[] = [];

/** 1,100 keys, each with characters that url encoding, XML or SigV4 treat specially. */
const NAMES = Array.from({ length: 1100 }, (_, i) => {
  const specials = ['a b', 'a+b', '100%', '#tag', 'x&y<z>', "it's", 'q?x=1', 'ü é', '日本語', '😀', '~!*()', 'tab\there'];
  return `dir${i % 7}/${specials[i % specials.length]} ${i}.txt`;
});
const TRASHED = '.cos-sync-trash/2026-01-01/old + 1%.txt';

async function connect(profile: Omit<ConnectionProfileInput, 'accessKeyId' | 'caFile'>): Promise<S3Connection> {
  const resolved = resolveConnection(ConnectionProfileSchema.parse({ ...profile, accessKeyId: KEYS.accessKeyId, caFile: s3.caCertFile }));
  assert.ok(resolved.ok);
  const conn = await createS3Client(resolved.value, KEYS, { lookup: loopbackLookup });
  conns.push(conn);
  return conn;
}

const rgw = () => connect({ name: 'rgw', provider: 'minio', endpoint: s3.httpsEndpoint, region: s3.region });
const cos = () => connect({ name: 'cos', provider: 'cos', endpoint: front.url('ap-guangzhou') });

/** Rewrites the XML answer of one operation, the way a misbehaving server would send it (before anything reads it). */
function rewriteAnswer(conn: S3Connection, command: string, rewrite: (xml: string) => string): void {
  const mw: DeserializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: AsyncIterable<Buffer> | Uint8Array };
    if (context.commandName !== command || response.statusCode !== 200 || !response.body) return result;
    const chunks: Buffer[] = [];
    if (response.body instanceof Uint8Array) chunks.push(Buffer.from(response.body));
    else for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
    response.body = Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')));
    return result;
  };
  // Low priority: innermost, next to the transport.
  conn.client.middlewareStack.add(mw, { step: 'deserialize', priority: 'low', name: `test-rewrite-${command}` });
}

before(async () => {
  const rgwForFront = rgwForCosFront();
  front = await startCosFront({ upstream: rgwForFront.upstream, tls: rgwForFront.serverTls });
  const conn = await rgw();
  await conn.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const limit = pLimit(16);
  const put = (Key: string, Body = 'x') => limit(() => conn.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body })));
  await Promise.all([
    ...NAMES.map((name) => put(PREFIX + name)),
    put(PREFIX + TRASHED),
    put(`${PREFIX}dir0/`, ''), // a folder marker, as consoles make them
    put('pair-other/not mine.txt'), // shares the prefix's letters, not its folder
  ]);
});

after(async () => {
  for (const conn of conns) conn.destroy();
  await front?.close();
});

for (const [label, open] of [['rgw', rgw], ['cos-front', cos]] as const) {
  describe(`listRemote (${label})`, () => {
    it('lists 1,100 keys over two pages, decoded, relative to the prefix, trash and folder markers apart', async () => {
      const listing = await listRemoteTree(await open(), BUCKET, 'pair'); // no slash: still the folder
      assert.equal(listing.pages, 2);
      assert.equal(listing.usedV1, false);
      assert.deepEqual([...listing.entries.keys()].sort(), [...NAMES].sort());
      assert.deepEqual([...listing.trash.keys()], [TRASHED]);
      const one = listing.entries.get(NAMES[1]!)!;
      assert.deepEqual({ size: one.size, etag: one.etag }, { size: 1, etag: '9dd4e461268c8034f5c8564e155c67a6' });
      assert.ok(one.lastModifiedMs > Date.now() - 3600_000);
    });

    it('lists in ranges side by side when it knows what to expect, and gets the same tree however wrong the guess', async () => {
      const conn = await open();
      const sorted = [...NAMES].sort(compareKeys);
      const good = await listRemoteTree(conn, BUCKET, PREFIX, { pageSize: 200, expectedKeys: sorted });
      assert.deepEqual([...good.entries.keys()].sort(), [...NAMES].sort());
      assert.deepEqual([...good.trash.keys()], [TRASHED]);
      assert.ok(good.pages <= 7, `${good.pages} pages for 1,100 keys in ranges of 200 (the first holds the trash and a folder marker too)`);
      // A third of them gone, others never there, out of order: still every object, once.
      const wrong = [...NAMES.filter((_, i) => i % 3 !== 0), 'dir3/not there.txt', 'zzz', '', 'dir0'].reverse();
      const listing = await listRemoteTree(conn, BUCKET, PREFIX, { pageSize: 100, expectedKeys: wrong, concurrency: 3 });
      assert.deepEqual([...listing.entries.keys()].sort(), [...NAMES].sort());
      assert.deepEqual([...listing.trash.keys()], [TRASHED]);
    });

    it("reads a listing page as the SDK does, without the SDK's deserialiser", async () => {
      const conn = await open();
      const input = { Bucket: BUCKET, Prefix: PREFIX, MaxKeys: 300, EncodingType: 'url' as const };
      const sdk = await conn.client.send(new ListObjectsV2Command(input));
      const command = new ListObjectsV2Command(input);
      const fast = readListingFast(command);
      await conn.client.send(command);
      const page = fast.page();
      assert.ok(page, 'the fast reader took the page');
      const fields = (o: _Object, ms: number | undefined) => [o.Key, o.Size, o.ETag, ms, o.StorageClass];
      assert.equal(page.Contents.length, 300);
      assert.deepEqual(page.Contents.map((o) => fields(o, o.lastModifiedMs)), (sdk.Contents ?? []).map((o) => fields(o, o.LastModified?.getTime())));
      assert.deepEqual([page.IsTruncated, page.NextContinuationToken, page.EncodingType], [sdk.IsTruncated, sdk.NextContinuationToken, sdk.EncodingType]);
    });

    it('heads one object with a special key', async () => {
      const entry = await headRemote(await open(), BUCKET, PREFIX + NAMES[1], { prefix: PREFIX });
      assert.equal(entry?.key, NAMES[1]);
      assert.equal(entry?.size, 1);
      assert.equal(await headRemote(await open(), BUCKET, `${PREFIX}no such key`), undefined);
    });
  });
}

const dropToken = (xml: string) => xml.replace(/<NextContinuationToken>.*?<\/NextContinuationToken>/s, '');

describe('listings that misbehave', () => {
  it('a V2 page truncated without a token: the rest comes from V1 with a marker', async () => {
    const conn = await rgw();
    rewriteAnswer(conn, 'ListObjectsV2Command', dropToken);
    const listing = await listRemoteTree(conn, BUCKET, PREFIX, { pageSize: 400 });
    assert.equal(listing.usedV1, true);
    assert.equal(listing.pages, 3);
    assert.deepEqual([...listing.entries.keys()].sort(), [...NAMES].sort());
  });

  it('a listing that stops moving on fails with an error instead of looping', async () => {
    const conn = await rgw();
    rewriteAnswer(conn, 'ListObjectsV2Command', dropToken);
    rewriteAnswer(conn, 'ListObjectsCommand', (xml) => xml.replace(/<Contents>.*?<\/Contents>/gs, '').replace(/<NextMarker>.*?<\/NextMarker>/s, '')
      .replace('<IsTruncated>false</IsTruncated>', '<IsTruncated>true</IsTruncated>'));
    const started = Date.now();
    await assert.rejects(listRemote(conn, BUCKET, PREFIX, { pageSize: 400 }), (err: unknown) => {
      assert.ok(err instanceof AppFailure);
      assert.equal(err.appError.code, 'server-error');
      assert.match(err.appError.detail ?? '', /stopped moving on/);
      return true;
    });
    assert.ok(Date.now() - started < 10_000);
  });

  it('a server that ignores StartAfter: the ranges give way to one listing from the start', async () => {
    const conn = await rgw();
    const mw: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      if (context.commandName === 'ListObjectsV2Command') delete (args.input as { StartAfter?: string }).StartAfter;
      return next(args);
    };
    conn.client.middlewareStack.add(mw, { step: 'initialize', name: 'test-drop-start-after' });
    const listing = await listRemoteTree(conn, BUCKET, PREFIX, { pageSize: 400, expectedKeys: [...NAMES].sort(compareKeys) });
    assert.deepEqual([...listing.entries.keys()].sort(), [...NAMES].sort());
    assert.deepEqual([...listing.trash.keys()], [TRASHED]);
  });

  it('a missing bucket is an error, not an empty tree', async () => {
    await assert.rejects(listRemote(await rgw(), 'no-such-bucket-here', PREFIX), (err: unknown) => err instanceof AppFailure && err.appError.code === 'no-such-bucket');
  });
});
