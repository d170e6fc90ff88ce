// What the factory's clients capture beyond typed outputs (CRC64 under both header names, request ids,
// the server's Date), the errors they map to, retries, and clock-skew correction seen via clockOffsetMs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { createS3Client, type ClientDeps, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { crc64 } from '../../src/main/engine/s3/crc64.js';
import { toAppError } from '../../src/main/engine/s3/error-map.js';
import { responseInfo } from '../../src/main/engine/s3/response-info.js';
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

async function connect(resolved: ResolvedConnection, deps: ClientDeps = {}): Promise<S3Connection> {
  const conn = await createS3Client(resolved, TEST_KEYS, { lookup: loopbackLookup, maxAttempts: 1, ...deps });
  open.push(conn);
  return conn;
}

const cos = (overrides: Partial<ResolvedConnection> = {}) =>
  resolvedFor('cos', `http://cos.ap-guangzhou.myqcloud.com:${stub.port}`, overrides);
const Bucket = 'examplebucket-1250000000';
const errorXml = (code: string, message = code) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>X</RequestId></Error>`;

describe('responseInfo on outputs', () => {
  for (const header of ['x-cos-hash-crc64ecma', 'x-amz-hash-crc64ecma']) {
    it(`captures the CRC64 from ${header}, the request id and the Date`, async () => {
      const body = Buffer.from('hello crc');
      stub.respond = () => ({ headers: { [header]: crc64(body), 'x-cos-request-id': 'cos-req-1', etag: '"e"' } });
      const { client } = await connect(cos());
      const out = await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: body }));
      const info = responseInfo(out);
      assert.ok(info);
      assert.equal(info.crc64, crc64(body));
      assert.equal(info.requestId, 'cos-req-1');
      assert.equal(info.operation, 'PutObject');
      assert.equal(info.bucket, Bucket);
      assert.equal(info.status, 200);
      assert.ok(info.date !== undefined && Math.abs(info.date - Date.now()) < 5000);
      assert.equal(JSON.stringify(out).includes('cos-req-1'), false, 'kept out of JSON');
      assert.equal(responseInfo({ ...out })?.crc64, crc64(body), 'kept by object spread');
    });
  }

  it('UploadPart outputs carry the part CRC64; x-amz-request-id is used when COS\'s is absent', async () => {
    stub.respond = () => ({ headers: { 'x-cos-hash-crc64ecma': '42', etag: '"p"' } });
    const { client } = await connect(cos());
    const out = await client.send(new UploadPartCommand({ Bucket, Key: 'k', UploadId: 'u', PartNumber: 1, Body: Buffer.from('x') }));
    assert.equal(responseInfo(out)?.crc64, '42');
    assert.match(responseInfo(out)?.requestId ?? '', /^req-\d+$/);
  });

  it('is undefined for values the client did not produce', () => {
    assert.equal(responseInfo({}), undefined);
    assert.equal(responseInfo(null), undefined);
  });
});

describe('errors from a real exchange', () => {
  it('AccessDenied on PutObject names the operation, with COS\'s request id', async () => {
    stub.respond = () => ({ status: 403, headers: { 'x-cos-request-id': 'cos-req-9' }, body: errorXml('AccessDenied') });
    const { client } = await connect(cos());
    const err = await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Buffer.from('x') })).catch((e: unknown) => e);
    const mapped = toAppError(err);
    assert.equal(mapped.code, 'access-denied');
    assert.match(mapped.message, /upload files in bucket "examplebucket-1250000000" \(PutObject\)/);
    assert.match(mapped.detail ?? '', /request id cos-req-9/);
    assert.equal(responseInfo(err)?.status, 403);
  });

  it('a bare 403 on HEAD of a path-style COS request is path-style-forbidden', async () => {
    stub.respond = (r) => (r.method === 'HEAD' ? { status: 403 } : undefined);
    const { client } = await connect(cos({ forcePathStyle: true, addressingSource: 'explicit' }));
    const err = await client.send(new HeadObjectCommand({ Bucket, Key: 'k' })).catch((e: unknown) => e);
    assert.equal(toAppError(err).code, 'path-style-forbidden');
    const virtual = await (await connect(cos())).client.send(new HeadObjectCommand({ Bucket, Key: 'k' })).catch((e: unknown) => e);
    assert.equal(toAppError(virtual).code, 'access-denied');
  });

  it('a 403 with an unknown code on path-style COS is not mistaken for PathStyleDomainForbidden', async () => {
    stub.respond = () => ({ status: 403, body: errorXml('UserSuspended') });
    const { client } = await connect(cos({ forcePathStyle: true }));
    const err = await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Buffer.from('x') })).catch((e: unknown) => e);
    assert.equal(toAppError(err).code, 'access-denied');
    assert.match(toAppError(err).detail ?? '', /S3 code UserSuspended/);
  });

  it('PathStyleDomainForbidden with a body maps whatever the addressing', async () => {
    stub.respond = () => ({ status: 403, body: errorXml('PathStyleDomainForbidden') });
    const { client } = await connect(cos({ forcePathStyle: true }));
    const err = await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Buffer.from('x') })).catch((e: unknown) => e);
    assert.equal(toAppError(err).code, 'path-style-forbidden');
  });

  it('a 200 with an error body on Complete is an error (the SDK turns it into one)', async () => {
    stub.respond = (r) => (r.method === 'POST' ? { body: errorXml('InternalError', 'try again') } : undefined);
    const { client } = await connect(cos());
    const { CompleteMultipartUploadCommand } = await import('@aws-sdk/client-s3');
    const err = await client
      .send(new CompleteMultipartUploadCommand({ Bucket, Key: 'k', UploadId: 'u', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] } }))
      .catch((e: unknown) => e);
    assert.equal(toAppError(err).code, 'server-error');
  });
});

describe('retries and clock skew', () => {
  it('retries SlowDown (adaptive mode) and then succeeds', async () => {
    let calls = 0;
    stub.respond = () => (++calls === 1 ? { status: 503, body: errorXml('SlowDown') } : undefined);
    const { client } = await connect(cos(), { maxAttempts: 3 });
    const out = await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Buffer.from('x') }));
    assert.equal(calls, 2);
    assert.equal(out.$metadata.attempts, 2);
  });

  it('a wrong secret is not retried (no clock moved): one request, signature-mismatch', async () => {
    stub.respond = () => ({ status: 403, body: errorXml('SignatureDoesNotMatch') });
    stub.requests.length = 0;
    const { client } = await connect(cos(), { maxAttempts: 3 });
    const err = await client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Buffer.from('x') })).catch((e: unknown) => e);
    assert.equal(toAppError(err).code, 'signature-mismatch');
    assert.equal(stub.requests.length, 1);
  });

  /** Answers RequestTimeTooSkewed, as S3 does, when the signed time is more than 15 minutes off. */
  function skewGuard(r: Recorded) {
    const amzDate = r.headers['x-amz-date'];
    const signed = typeof amzDate === 'string'
      ? Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'))
      : Date.parse(String(r.headers.date));
    if (Math.abs(signed - Date.now()) > 15 * 60_000) return { status: 403, body: errorXml('RequestTimeTooSkewed') };
    return undefined;
  }

  for (const signature of ['v4', 'v2'] as const) {
    it(`corrects a clock one hour slow and reports it via clockOffsetMs (${signature})`, async () => {
      stub.respond = skewGuard;
      stub.requests.length = 0;
      const conn = await connect(cos({ signature }), { now: () => Date.now() - 3_600_000, maxAttempts: 3 });
      assert.equal(conn.clockOffsetMs(), 0, 'nothing corrected before the first response');
      await conn.client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Buffer.from('x') }));
      assert.equal(stub.requests.length, 2, 'one refused, one accepted after correction');
      assert.ok(Math.abs(conn.clockOffsetMs() - 3_600_000) < 10_000, `offset ${conn.clockOffsetMs()}`);
    });
  }
});
