// SigV2: the canonical string and signature against the worked examples of the 2006 S3 developer guide
// (RESTAuthentication), then the signer plugged into a real client, checked by a loopback server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/protocol-http';
import { createS3Client, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import {
  bucketFromHost,
  canonicalAmzHeaders,
  SigV2Signer,
  signatureV2,
  stringToSign,
  type SignableRequest,
} from '../../src/main/engine/s3/sigv2.js';
import { loopbackLookup, resolvedFor, startStub, TEST_KEYS, type Recorded, type Stub } from './s3-stub.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ENDPOINT = 's3.amazonaws.com';

const req = (method: string, hostname: string, path: string, headers: Record<string, string>, query = {}): SignableRequest =>
  ({ method, hostname, path, headers, query });

/** [name, request, expected string to sign, expected signature] from the guide. */
const EXAMPLES: Array<[string, SignableRequest, string, string]> = [
  ['Object GET', req('GET', 'johnsmith.s3.amazonaws.com', '/photos/puppy.jpg', { Date: 'Tue, 27 Mar 2007 19:36:42 +0000' }),
    'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg', 'bWq2s1WEIj+Ydj0vQ697zp+IXMU='],
  ['Object PUT', req('PUT', 'johnsmith.s3.amazonaws.com', '/photos/puppy.jpg',
    { 'Content-Type': 'image/jpeg', 'Content-Length': '94328', Date: 'Tue, 27 Mar 2007 21:15:45 +0000' }),
    'PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg', 'MyyxeRY7whkBe+bq8fHCL/2kKUg='],
  ['List', req('GET', 'johnsmith.s3.amazonaws.com', '/', { 'User-Agent': 'Mozilla/5.0', Date: 'Tue, 27 Mar 2007 19:42:41 +0000' },
    { prefix: 'photos', 'max-keys': '50', marker: 'puppy' }),
    'GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/', 'htDYFYduRNen8P9ZfE/s9SuKy0U='],
  ['Fetch (sub-resource)', req('GET', 'johnsmith.s3.amazonaws.com', '/', { Date: 'Tue, 27 Mar 2007 19:44:46 +0000' }, { acl: '' }),
    'GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl', 'c2WLPFtWHVgbEmeEG93a4cG37dM='],
  ['Upload (CNAME host, amz headers folded and sorted)', req('PUT', 'static.johnsmith.net', '/db-backup.dat.gz', {
    'User-Agent': 'curl/7.15.5', Date: 'Tue, 27 Mar 2007 21:06:08 +0000', 'x-amz-acl': 'public-read',
    'content-type': 'application/x-download', 'Content-MD5': '4gJE4saaMU4BqNR0kLY+lw==',
    'X-Amz-Meta-ReviewedBy': 'joe@johnsmith.net', 'x-amz-meta-reviewedby': 'jane@johnsmith.net',
    'X-Amz-Meta-FileChecksum': '0x02661779', 'X-Amz-Meta-ChecksumAlgorithm': ' crc32 ',
    'Content-Disposition': 'attachment; filename=database.dat', 'Content-Encoding': 'gzip', 'Content-Length': '5913339' }),
    'PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\nx-amz-acl:public-read\n' +
    'x-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n' +
    'x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n/static.johnsmith.net/db-backup.dat.gz',
    'ilyl83RwaSoYIEdixDQcA4OnAnc='],
  ['List all my buckets', req('GET', 's3.amazonaws.com', '/', { Date: 'Wed, 28 Mar 2007 01:29:59 +0000' }),
    'GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/', 'qGdzdERIC03wnaRNKh6OqZehG9s='],
  ['Unicode keys (path taken literally, still encoded)', req('GET', 's3.amazonaws.com', '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
    { Date: 'Wed, 28 Mar 2007 01:49:49 +0000' }),
    'GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re', 'DNEZGsoieTZ92F3bUfSPQcbGmlM='],
];

describe('SigV2 canonical string: the guide\'s examples', () => {
  for (const [name, request, expected, signature] of EXAMPLES) {
    it(name, () => {
      const toSign = stringToSign(request, ENDPOINT);
      assert.equal(toSign, expected);
      assert.equal(signatureV2(SECRET, toSign), signature);
    });
  }

  it('x-amz-date empties the Date line and is signed as an amz header (the rule the guide states)', () => {
    const toSign = stringToSign(req('DELETE', 's3.amazonaws.com', '/johnsmith/photos/puppy.jpg', {
      'User-Agent': 'dotnet', Date: 'Tue, 27 Mar 2007 21:20:27 +0000', 'x-amz-date': 'Tue, 27 Mar 2007 21:20:26 +0000' }), ENDPOINT);
    assert.equal(toSign, 'DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg');
  });

  it('sub-resources are sorted, keep their values, and other parameters are left out', () => {
    const toSign = stringToSign(req('PUT', 'b.s3.test', '/k', { Date: 'd' }, { uploadId: 'u/1', partNumber: '3', 'x-id': 'UploadPart' }), 's3.test');
    assert.equal(toSign, 'PUT\n\n\nd\n/b/k?partNumber=3&uploadId=u/1');
  });

  it('folded header values are unfolded to one space', () => {
    assert.equal(canonicalAmzHeaders({ 'X-Amz-Meta-Note': 'a\r\n   b', Other: 'x' }), 'x-amz-meta-note:a b\n');
  });

  it('tells the bucket from the Host', () => {
    assert.equal(bucketFromHost('photos.s3.test', 's3.test'), 'photos');
    assert.equal(bucketFromHost('S3.TEST', 's3.test'), undefined);
    assert.equal(bucketFromHost('cdn.example.com', 's3.test'), 'cdn.example.com');
    assert.equal(bucketFromHost('my.bucket.s3.us-west-2.amazonaws.com', undefined), 'my.bucket');
  });
});

describe('SigV2Signer', () => {
  it('sets Date and Authorization and drops SigV4 leftovers', async () => {
    const signer = new SigV2Signer({ accessKeyId: 'AKID', secretAccessKey: SECRET, sessionToken: 'tok' }, 's3.test');
    const request = new HttpRequest({ method: 'GET', hostname: 'b.s3.test', path: '/k', headers: {
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': '20070327T000000Z', Authorization: 'old' } });
    const signed = await signer.sign(request, { signingDate: new Date('2007-03-27T19:36:42Z') });
    assert.equal(signed.headers['date'], 'Tue, 27 Mar 2007 19:36:42 GMT');
    assert.equal(signed.headers['x-amz-security-token'], 'tok');
    assert.equal(signed.headers['x-amz-content-sha256'], undefined);
    assert.equal(signed.headers['x-amz-date'], undefined);
    assert.equal(signed.headers['Authorization'], undefined);
    const expected = signatureV2(SECRET, 'GET\n\n\nTue, 27 Mar 2007 19:36:42 GMT\nx-amz-security-token:tok\n/b/k');
    assert.equal(signed.headers['authorization'], `AWS AKID:${expected}`);
    assert.equal(request.headers['x-amz-date'], '20070327T000000Z', 'the input request is left untouched');
  });

  it('refuses an aws-chunked body rather than sending a request the server must reject', async () => {
    const signer = new SigV2Signer({ accessKeyId: 'AKID', secretAccessKey: SECRET }, 's3.test');
    const request = new HttpRequest({ method: 'PUT', hostname: 'b.s3.test', path: '/k', headers: { 'content-encoding': 'aws-chunked' } });
    await assert.rejects(signer.sign(request), /aws-chunked/);
  });
});

describe('SigV2 through the client (loopback server re-checks every signature)', () => {
  let stub: Stub;
  const open: S3Connection[] = [];
  before(async () => {
    stub = await startStub();
  });
  after(async () => {
    for (const c of open) c.destroy();
    await stub.close();
  });

  /** Recomputes the signature from what arrived on the wire. */
  function verify(r: Recorded, endpointHost: string): void {
    const url = new URL(r.url, 'http://stub');
    const query = Object.fromEntries(url.searchParams);
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
    const request = { method: r.method, hostname: r.host.split(':')[0]!, path: url.pathname, query, headers };
    const expected = `AWS ${TEST_KEYS.accessKeyId}:${signatureV2(TEST_KEYS.secretAccessKey, stringToSign(request, endpointHost))}`;
    assert.equal(r.headers.authorization, expected);
    assert.match(String(r.headers.authorization), /^AWS AKIDTEST:[A-Za-z0-9+/]{27}=$/);
    assert.ok(r.headers.date, 'Date header sent');
    for (const h of ['x-amz-date', 'x-amz-content-sha256', 'x-amz-trailer']) assert.equal(r.headers[h], undefined, h);
  }

  for (const [style, forcePathStyle] of [['virtual-hosted', false], ['path-style', true]] as const) {
    it(`signs put, get, list and DeleteObjects (${style})`, async () => {
      const resolved = resolvedFor('cos', `http://cos.ap-guangzhou.myqcloud.com:${stub.port}`, { signature: 'v2', forcePathStyle });
      const conn = await createS3Client(resolved, TEST_KEYS, { lookup: loopbackLookup, maxAttempts: 1 });
      open.push(conn);
      stub.requests.length = 0;
      const Bucket = 'examplebucket-1250000000';
      await conn.client.send(new PutObjectCommand({ Bucket, Key: 'a/ü b+c.txt', Body: Buffer.from('hi'), Metadata: { mtime: '1' } }));
      await conn.client.send(new GetObjectCommand({ Bucket, Key: 'a/ü b+c.txt', ResponseContentType: 'text/plain' }));
      await conn.client.send(new ListObjectsV2Command({ Bucket, Prefix: 'a/' }));
      await conn.client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'a' }] } }));
      assert.equal(stub.requests.length, 4);
      for (const r of stub.requests) verify(r, 'cos.ap-guangzhou.myqcloud.com');
      assert.ok(stub.requests[3]!.headers['content-md5'], 'DeleteObjects gets Content-MD5 under SigV2');
    });
  }

  it('SigV2 on an AWS-style profile still stays WHEN_REQUIRED (no aws-chunked stream)', async () => {
    const resolved = resolvedFor('aws', `http://s3.us-east-1.amazonaws.com:${stub.port}`, { signature: 'v2' });
    const conn = await createS3Client(resolved, TEST_KEYS, { lookup: loopbackLookup, maxAttempts: 1 });
    open.push(conn);
    stub.requests.length = 0;
    const { Readable } = await import('node:stream');
    await conn.client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: Readable.from([Buffer.from('hello')]), ContentLength: 5 }));
    verify(stub.requests[0]!, 's3.us-east-1.amazonaws.com');
    assert.equal(stub.requests[0]!.headers['content-length'], '5');
  });
});
