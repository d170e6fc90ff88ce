// Proves the test S3 server works as the other integration tests assume: HTTPS with the run's CA,
// path-style and virtual-hosted addressing on every test domain, and the usual credential errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loopbackLookup, testEnv, type TestUserEnv } from '../support/env.js';
import { setUserSuspended } from '../support/rgw.js';

const env = testEnv();
const ca = readFileSync(env.s3.caCertFile, 'utf8');
const bucket = `smoke-${process.pid}-${Date.now()}`;

function client(options: { endpoint?: string; pathStyle?: boolean; user?: TestUserEnv; secret?: string; keyId?: string; region?: string } = {}): S3Client {
  const user = options.user ?? env.s3.users.main;
  return new S3Client({
    endpoint: options.endpoint ?? env.s3.httpsEndpoint,
    forcePathStyle: options.pathStyle ?? true,
    region: options.region ?? env.s3.region,
    credentials: { accessKeyId: options.keyId ?? user.accessKeyId, secretAccessKey: options.secret ?? user.secretAccessKey },
    // RGW 16 predates the SDK's default CRC32 checksums (see cos-s3-facts.md).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1, // an error should show at once, not after retries
    requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca, lookup: loopbackLookup }) }),
  });
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => assert.fail('expected the request to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof S3ServiceException, `expected an S3 error, got ${String(err)}`);
  return err.name;
}

async function roundTrip(s3: S3Client, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(head.ContentLength, Buffer.byteLength(body));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(await got.Body?.transformToString(), body);
  assert.equal(got.ETag, head.ETag);
}

describe('test S3 server (RGW)', () => {
  const main = client();

  before(async () => {
    await main.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  after(async () => {
    const listed = await main.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const { Key } of listed.Contents ?? []) await main.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    await main.send(new DeleteBucketCommand({ Bucket: bucket }));
    main.destroy();
  });

  it('puts, heads, gets, lists and deletes an object over HTTPS, path-style', async () => {
    await roundTrip(main, 'path/style.txt', 'hello over path-style');
    const listed = await main.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'path/' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['path/style.txt']);
    await main.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'path/style.txt' }));
    const after = await main.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'path/' }));
    assert.equal(after.KeyCount, 0);
  });

  it('serves the same bucket virtual-hosted on s3.test', async () => {
    const virtual = client({ endpoint: `https://s3.test:${env.s3.httpsPort}`, pathStyle: false });
    try {
      await roundTrip(virtual, 'virtual/hosted.txt', 'hello over virtual-hosted');
      const listed = await virtual.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'virtual/' }));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), ['virtual/hosted.txt']);
      await virtual.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'virtual/hosted.txt' }));
    } finally {
      virtual.destroy();
    }
  });

  it('answers virtual-hosted on every COS test domain, with the COS region in the signature', async () => {
    for (const domain of env.s3.virtualHostDomains) {
      const region = /^cos\.([^.]+)\./.exec(domain)?.[1] ?? env.s3.region;
      const virtual = client({ endpoint: `https://${domain}:${env.s3.httpsPort}`, pathStyle: false, region });
      try {
        await virtual.send(new HeadBucketCommand({ Bucket: bucket }));
      } finally {
        virtual.destroy();
      }
    }
  });

  it('serves plain HTTP too', async () => {
    const plain = client({ endpoint: env.s3.httpEndpoint });
    try {
      const { Buckets } = await plain.send(new ListBucketsCommand({}));
      assert.ok(Buckets?.some((b) => b.Name === bucket));
    } finally {
      plain.destroy();
    }
  });

  it('refuses a wrong secret with SignatureDoesNotMatch', async () => {
    const wrong = client({ secret: 'not-the-secret' });
    assert.equal(await errorCode(wrong.send(new ListBucketsCommand({}))), 'SignatureDoesNotMatch');
  });

  it('refuses an unknown key id with InvalidAccessKeyId', async () => {
    const wrong = client({ keyId: 'NOSUCHKEYID000000000' });
    assert.equal(await errorCode(wrong.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
  });

  it("denies the other user the main user's bucket", async () => {
    const other = client({ user: env.s3.users.other });
    assert.equal(await errorCode(other.send(new ListObjectsV2Command({ Bucket: bucket }))), 'AccessDenied');
  });

  it('can suspend and re-enable a user', async () => {
    const other = client({ user: env.s3.users.other });
    await setUserSuspended(env.s3.cephConf, env.s3.users.other.uid, true);
    try {
      assert.equal(await errorCode(other.send(new ListBucketsCommand({}))), 'UserSuspended');
    } finally {
      await setUserSuspended(env.s3.cephConf, env.s3.users.other.uid, false);
    }
    await other.send(new ListBucketsCommand({}));
  });

  it('is not trusted by a client that trusts another CA', async () => {
    const untrusted = new S3Client({
      endpoint: env.s3.httpsEndpoint,
      forcePathStyle: true,
      region: env.s3.region,
      credentials: env.s3.users.main,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: readFileSync(env.s3.untrustedCaCertFile, 'utf8') }) }),
    });
    await assert.rejects(untrusted.send(new ListBucketsCommand({})), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/);
      return true;
    });
  });
});
