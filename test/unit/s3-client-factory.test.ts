// The headers the factory's clients really send (recorded by a loopback server), per provider quirk:
// no aws-chunked or CRC32 for non-AWS providers, Content-MD5 where required, SDK defaults kept for AWS.
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import type { ResolvedConnection } from '../../src/shared/profile.js';
import { loopbackLookup, resolvedFor, startStub, TEST_KEYS, type Recorded, type Stub } from './s3-stub.js';

let stub: Stub;
const open: S3Connection[] = [];

before(async () => {
  stub = await startStub();
});
after(async () => {
  for (const c of open) c.destroy();
  await stub.close();
});

async function connect(resolved: ResolvedConnection): Promise<S3Client> {
  const conn = await createS3Client(resolved, TEST_KEYS, { lookup: loopbackLookup, maxAttempts: 1 });
  open.push(conn);
  return conn.client;
}

/** Sends one command and returns the request the server saw. */
async function sent(client: S3Client, command: object): Promise<Recorded> {
  stub.requests.length = 0;
  // send() is overloaded per command type; any command will do here.
  await client.send(command as Parameters<S3Client['send']>[0]);
  assert.equal(stub.requests.length, 1);
  return stub.requests[0]!;
}

const cos = () => resolvedFor('cos', `http://cos.ap-guangzhou.myqcloud.com:${stub.port}`);
const aws = () => resolvedFor('aws', `http://s3.us-east-1.amazonaws.com:${stub.port}`);
const minio = () => resolvedFor('minio', `http://minio.test:${stub.port}`);
const BUCKET = 'examplebucket-1250000000';
const pathOf = (r: Recorded) => new URL(r.url, 'http://stub').pathname;
const queryOf = (r: Recorded) => new URL(r.url, 'http://stub').searchParams;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');
const checksumHeaders = (r: Recorded) => Object.keys(r.headers).filter((h) => /^x-amz-(checksum-|sdk-checksum|trailer)/.test(h));

/** What no non-AWS provider may receive: streamed checksum framing or flexible checksums. */
function assertPlainUpload(r: Recorded, length: number) {
  assert.equal(r.headers['content-length'], String(length));
  assert.equal(r.headers['transfer-encoding'], undefined);
  assert.doesNotMatch(String(r.headers['content-encoding'] ?? ''), /aws-chunked/);
  assert.equal(r.headers['x-amz-decoded-content-length'], undefined);
  assert.deepEqual(checksumHeaders(r), []);
  assert.equal(r.body.length, length);
}

describe('COS (WHEN_REQUIRED + MD5 fallback)', () => {
  it('PutObject with a Buffer: Content-Length, no checksum headers, virtual-hosted URL', async () => {
    const client = await connect(cos());
    const r = await sent(client, new PutObjectCommand({ Bucket: BUCKET, Key: 'dir/a b.txt', Body: Buffer.from('hello world') }));
    assertPlainUpload(r, 11);
    assert.equal(r.host, `${BUCKET}.cos.ap-guangzhou.myqcloud.com:${stub.port}`);
    assert.equal(pathOf(r), '/dir/a%20b.txt');
    assert.match(String(r.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/ap-guangzhou\/s3\/aws4_request/);
  });

  it('PutObject with a stream: still a plain body with Content-Length (no aws-chunked, no trailer)', async () => {
    const client = await connect(cos());
    const body = Readable.from([Buffer.alloc(70_000, 1), Buffer.alloc(30_000, 2)]);
    const r = await sent(client, new PutObjectCommand({ Bucket: BUCKET, Key: 'big.bin', Body: body, ContentLength: 100_000 }));
    assertPlainUpload(r, 100_000);
  });

  it('DeleteObjects: Content-MD5 of the exact body, and no CRC32', async () => {
    const client = await connect(cos());
    const r = await sent(client, new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] } }));
    assert.equal(pathOf(r), '/');
    assert.ok(queryOf(r).has('delete'));
    assert.equal(r.headers['content-md5'], md5(r.body));
    assert.deepEqual(checksumHeaders(r), []);
    // Signed after the swap: Content-MD5 is covered by the SigV4 signature, the CRC32 header is not there.
    assert.match(String(r.headers.authorization), /SignedHeaders=[^,]*content-md5/);
    assert.doesNotMatch(String(r.headers.authorization), /x-amz-checksum/);
  });

  it('UploadPart keeps the caller\'s per-part Content-MD5 and adds nothing', async () => {
    const client = await connect(cos());
    const part = Buffer.alloc(1024, 7);
    const r = await sent(client, new UploadPartCommand({ Bucket: BUCKET, Key: 'k', UploadId: 'up-1', PartNumber: 2, Body: part, ContentMD5: md5(part) }));
    assertPlainUpload(r, 1024);
    assert.equal(r.headers['content-md5'], md5(part));
    assert.equal(pathOf(r), '/k');
    assert.equal(queryOf(r).get('partNumber'), '2');
    assert.equal(queryOf(r).get('uploadId'), 'up-1');
  });
});

describe('AWS keeps the SDK defaults', () => {
  it('PutObject (Buffer) carries the SDK\'s CRC32', async () => {
    const client = await connect(aws());
    const r = await sent(client, new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: Buffer.from('hello') }));
    assert.ok(r.headers['x-amz-checksum-crc32'], 'CRC32 header expected for AWS');
    assert.equal(r.host, `bucket.s3.us-east-1.amazonaws.com:${stub.port}`);
  });

  it('PutObject (stream) is aws-chunked with a trailer, as the SDK does for AWS', async () => {
    const client = await connect(aws());
    const r = await sent(client, new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: Readable.from([Buffer.from('hello')]), ContentLength: 5 }));
    assert.match(String(r.headers['content-encoding']), /aws-chunked/);
    assert.equal(r.headers['x-amz-trailer'], 'x-amz-checksum-crc32');
  });

  it('DeleteObjects carries CRC32 and no Content-MD5', async () => {
    const client = await connect(aws());
    const r = await sent(client, new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: 'a' }] } }));
    assert.ok(r.headers['x-amz-checksum-crc32']);
    assert.equal(r.headers['content-md5'], undefined);
  });
});

describe('addressing', () => {
  it('path-style (MinIO/Ceph preset): the bucket is in the path, the Host is the endpoint', async () => {
    const client = await connect(minio());
    const r = await sent(client, new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'a/' }));
    assert.equal(r.host, `minio.test:${stub.port}`);
    assert.equal(pathOf(r), '/photos/');
    assert.equal(queryOf(r).get('list-type'), '2');
    assert.equal(queryOf(r).get('prefix'), 'a/');
  });

  it('virtual-hosted: the bucket is in the Host, the path starts at the key', async () => {
    const client = await connect(resolvedFor('minio', `http://minio.test:${stub.port}`, { forcePathStyle: false }));
    const r = await sent(client, new PutObjectCommand({ Bucket: 'photos', Key: 'x.jpg', Body: Buffer.from('x') }));
    assert.equal(r.host, `photos.minio.test:${stub.port}`);
    assert.equal(pathOf(r), '/x.jpg');
  });

  it('MinIO/Ceph preset also swaps CRC32 for Content-MD5 on DeleteObjects', async () => {
    const client = await connect(minio());
    const r = await sent(client, new DeleteObjectsCommand({ Bucket: 'photos', Delete: { Objects: [{ Key: 'a' }] } }));
    assert.equal(r.headers['content-md5'], md5(r.body));
    assert.deepEqual(checksumHeaders(r), []);
  });

  it('R2 preset (no MD5 fallback) sends the SDK\'s CRC32 on DeleteObjects, as R2 accepts it', async () => {
    const client = await connect(resolvedFor('r2', `http://acct.r2.cloudflarestorage.com:${stub.port}`));
    const r = await sent(client, new DeleteObjectsCommand({ Bucket: 'photos', Delete: { Objects: [{ Key: 'a' }] } }));
    assert.ok(r.headers['x-amz-checksum-crc32']);
  });
});

describe('middleware placement', () => {
  it('the MD5 fallback sits right before signing, the capture wraps the deserializer', async () => {
    const conn = await createS3Client(cos(), TEST_KEYS, { lookup: loopbackLookup });
    open.push(conn);
    const names = conn.client.middlewareStack.identify();
    const at = (prefix: string) => names.findIndex((n) => n.startsWith(prefix));
    assert.ok(at('cosSyncMd5Fallback') >= 0 && at('cosSyncMd5Fallback') < at('httpSigningMiddleware'));
    assert.ok(at('retryMiddleware') < at('cosSyncMd5Fallback'));
    assert.ok(at('cosSyncResponseInfo') >= 0);
  });

  it('no MD5 fallback is installed for AWS', async () => {
    const conn = await createS3Client(aws(), TEST_KEYS, { lookup: loopbackLookup });
    open.push(conn);
    assert.ok(!conn.client.middlewareStack.identify().some((n) => n.startsWith('cosSyncMd5Fallback')));
  });
});
