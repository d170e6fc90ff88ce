// The client factory against the real Ceph RGW of the test run, over HTTPS with the run's CA: SigV4 and
// SigV2, path-style and virtual-hosted, the usual operations, multipart with Content-MD5 per part, wrong
// keys; then the COS flavour through the COS front (CRC64 capture, COS's refusals).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createS3Client, type Credentials, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { combineCrc64, crc64 } from '../../src/main/engine/s3/crc64.js';
import { toAppError } from '../../src/main/engine/s3/error-map.js';
import { responseInfo } from '../../src/main/engine/s3/response-info.js';
import { ConnectionProfileSchema, type ResolvedConnection } from '../../src/shared/profile.js';
import type { ProviderId } from '../../src/shared/providers.js';
import { resolveConnection } from '../../src/shared/resolve.js';
import { startCosFront, type CosFront } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';
import { loopbackLookup, testEnv } from '../support/env.js';

const { s3 } = testEnv();
const BUCKET = `s3client-${Date.now().toString(36)}-1250000000`;
const MAIN: Credentials = { accessKeyId: s3.users.main.accessKeyId, secretAccessKey: s3.users.main.secretAccessKey };
const open: S3Connection[] = [];

type Signature = 'v4' | 'v2';

/** The app's own path: a profile as the settings window saves it, resolved, then the factory. */
async function connect(provider: ProviderId, endpoint: string, opts: { signature: Signature; addressing: 'path' | 'virtual'; region?: string; keys?: Credentials }): Promise<S3Connection> {
  const profile = ConnectionProfileSchema.parse({
    name: 'integration', provider, endpoint, region: opts.region ?? s3.region, addressing: opts.addressing,
    signature: opts.signature, accessKeyId: (opts.keys ?? MAIN).accessKeyId, caFile: s3.caCertFile,
  });
  const resolved = resolveConnection(profile);
  assert.ok(resolved.ok, JSON.stringify(resolved));
  const conn = await createS3Client(resolved.value as ResolvedConnection, opts.keys ?? MAIN, { lookup: loopbackLookup, maxAttempts: 2 });
  open.push(conn);
  return conn;
}

const rgwEndpoint = (addressing: 'path' | 'virtual') => (addressing === 'path' ? s3.httpsEndpoint : `https://s3.test:${s3.httpsPort}`);
const md5 = (data: Uint8Array) => createHash('md5').update(data).digest('base64');
const failure = (promise: Promise<unknown>) => promise.then(() => assert.fail('expected a failure'), (e: unknown) => e);

before(async () => {
  const conn = await connect('minio', s3.httpsEndpoint, { signature: 'v4', addressing: 'path' });
  await conn.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

after(async () => {
  const conn = await connect('minio', s3.httpsEndpoint, { signature: 'v4', addressing: 'path' });
  const listed = await conn.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const { Key } of listed.Contents ?? []) await conn.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
  await conn.client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
  for (const c of open) c.destroy();
});

/** put, head, get, list, delete one object; the key has characters SigV2 and SigV4 encode differently. */
async function roundTrip(conn: S3Connection, prefix: string): Promise<void> {
  const { client } = conn;
  const Key = `${prefix}/dir/ü é+a b~(1)!.txt`;
  const body = randomBytes(4096);
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: body, ContentMD5: md5(body), Metadata: { mtime: '1700000000' } }));
  const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
  assert.equal(head.ContentLength, body.length);
  assert.equal(head.Metadata?.mtime, '1700000000');
  const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key, ResponseCacheControl: 'no-cache' }));
  assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), [Key]);
  await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
  const gone = await failure(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key })));
  assert.equal(toAppError(gone).code, 'no-such-key');
}

async function deleteMany(conn: S3Connection, prefix: string): Promise<void> {
  const keys = ['a', 'b', 'c'].map((k) => `${prefix}/many/${k}`);
  for (const Key of keys) await conn.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
  const out = await conn.client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  assert.deepEqual(out.Errors ?? [], []);
  assert.deepEqual(out.Deleted?.map((d) => d.Key).sort(), keys);
}

const PART = 5 * 1024 * 1024;

/** Three 5 MiB parts, each with its Content-MD5; returns the body and the per-part outputs. */
async function multipart(conn: S3Connection, Key: string) {
  const { client } = conn;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
  const UploadId = created.UploadId!;
  const parts = [randomBytes(PART), randomBytes(PART), randomBytes(PART)];
  const outputs = [];
  for (const [i, part] of parts.entries()) {
    outputs.push(await client.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: i + 1, Body: part, ContentMD5: md5(part) })));
  }
  const complete = await client.send(new CompleteMultipartUploadCommand({
    Bucket: BUCKET, Key, UploadId,
    MultipartUpload: { Parts: outputs.map((o, i) => ({ PartNumber: i + 1, ETag: o.ETag! })) },
  }));
  const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
  assert.equal(head.ContentLength, 3 * PART);
  // RGW answers Complete with an empty <ETag/>: the multipart ETag is only seen on HEAD.
  assert.match(head.ETag ?? '', /-3"$/);
  if (complete.ETag) assert.equal(complete.ETag, head.ETag);
  const whole = Buffer.concat(parts);
  const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
  assert.equal(md5(await got.Body!.transformToByteArray()), md5(whole));
  return { whole, parts, outputs, complete, head };
}

async function wrongKeys(signature: Signature, addressing: 'path' | 'virtual'): Promise<void> {
  const endpoint = rgwEndpoint(addressing);
  const badSecret = await connect('minio', endpoint, { signature, addressing, keys: { ...MAIN, secretAccessKey: 'not-the-secret' } });
  assert.equal(toAppError(await failure(badSecret.client.send(new ListBucketsCommand({})))).code, 'signature-mismatch');
  const badId = await connect('minio', endpoint, { signature, addressing, keys: { ...MAIN, accessKeyId: 'NOSUCHKEYID000000000' } });
  const mapped = toAppError(await failure(badId.client.send(new ListObjectsV2Command({ Bucket: BUCKET }))));
  assert.equal(mapped.code, 'access-key-unknown');
  assert.match(mapped.detail ?? '', /S3 code InvalidAccessKeyId; HTTP 403; request id /);
}

for (const signature of ['v4', 'v2'] as const) {
  for (const addressing of ['path', 'virtual'] as const) {
    describe(`RGW over HTTPS, ${signature}, ${addressing === 'path' ? 'path-style' : 'virtual-hosted'}`, () => {
      const prefix = `${signature}-${addressing}`;
      const conn = () => connect('minio', rgwEndpoint(addressing), { signature, addressing });

      it('put, head, get, list and delete', async () => roundTrip(await conn(), prefix));
      it('DeleteObjects (Content-MD5 instead of CRC32)', async () => deleteMany(await conn(), prefix));
      it('multipart upload: 3 parts of 5 MiB with Content-MD5 per part', async () => {
        await multipart(await conn(), `${prefix}/multipart.bin`);
      });
      it('wrong secret -> signature-mismatch; unknown key id -> access-key-unknown', async () => wrongKeys(signature, addressing));
    });
  }
}

describe('COS flavour through the COS front (virtual-hosted, CRC64, COS refusals)', () => {
  let front: CosFront;
  const GZ = 'ap-guangzhou';
  before(async () => {
    const rgw = rgwForCosFront();
    front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  });
  after(async () => front.close());

  for (const signature of ['v4', 'v2'] as const) {
    it(`PutObject and multipart return the CRC64 we compute; DeleteObjects passes COS's Content-MD5 rule (${signature})`, async () => {
      const conn = await connect('cos', front.url(GZ), { signature, addressing: 'virtual', region: 'auto' });
      assert.equal(conn.resolved.region, GZ);
      const body = randomBytes(100_000);
      const put = await conn.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `cos-${signature}/one.bin`, Body: body }));
      assert.equal(responseInfo(put)?.crc64, crc64(body));
      assert.ok(responseInfo(put)?.requestId, 'COS request id captured');
      const { parts, outputs, complete } = await multipart(conn, `cos-${signature}/multi.bin`);
      outputs.forEach((o, i) => assert.equal(responseInfo(o)?.crc64, crc64(parts[i]!)));
      const combined = parts.reduce((acc, p) => combineCrc64(acc, crc64(p), p.length), '0');
      assert.equal(responseInfo(complete)?.crc64, combined);
      await deleteMany(conn, `cos-${signature}`);
    });
  }

  it('path-style on COS is refused and mapped to path-style-forbidden', async () => {
    const conn = await connect('cos', front.url(GZ), { signature: 'v4', addressing: 'path', region: 'auto' });
    const err = await failure(conn.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'x' })));
    assert.equal(toAppError(err).code, 'path-style-forbidden');
  });

  it('another region\'s endpoint does not know the bucket: no-such-bucket', async () => {
    const conn = await connect('cos', front.url('ap-beijing'), { signature: 'v4', addressing: 'virtual', region: 'auto' });
    const err = await failure(conn.client.send(new ListObjectsV2Command({ Bucket: BUCKET })));
    assert.equal(toAppError(err).code, 'no-such-bucket');
  });
});
