// The COS front's own behaviour over an in-memory fake upstream: forwarding, COS's refusals, the
// CRC-64 ledger, and the fault knobs. The same front against real RGW: test/integration/cos-front.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { crc64, startCosFront, type CosFront } from '../support/cos-front.js';
import { startFakeS3, type FakeS3 } from '../support/cos-front/fake-s3.js';
import { loopbackLookup } from '../support/env.js';
import { errorCode, rawRequest, type RawRequest } from '../support/cos-front/raw-client.js';
import { makeTestPki } from '../support/tls.js';

const REGIONS = ['ap-guangzhou', 'ap-beijing'];
let pkiDir: string;
let tls: { cert: string; key: string; ca: string };
const CRC = 'x-cos-hash-crc64ecma';
let fake: FakeS3;
let front: CosFront;

const host = (bucket: string | undefined, region = 'ap-guangzhou') => `${bucket ? `${bucket}.` : ''}cos.${region}.myqcloud.com`;
const send = (hostName: string, method: string, path = '/', extra: Partial<RawRequest> = {}) =>
  rawRequest({ host: hostName, port: front.port, method, path, ca: tls.ca, headers: { authorization: 'AWS4-HMAC-SHA256 fake' }, ...extra });

async function createBucket(bucket: string, region = 'ap-guangzhou') {
  assert.equal((await send(host(bucket, region), 'PUT', '/')).status, 200);
}

async function multipart(bucket: string, key: string, parts: Buffer[]) {
  const started = await send(host(bucket), 'POST', `/${key}?uploads`);
  const uploadId = /<UploadId>([^<]+)</.exec(started.body)![1]!;
  const replies = [];
  for (const [i, part] of parts.entries()) replies.push(await send(host(bucket), 'PUT', `/${key}?partNumber=${i + 1}&uploadId=${uploadId}`, { body: part }));
  const listed = parts.map((_, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>x</ETag></Part>`).join('');
  const body = `<CompleteMultipartUpload>${listed}</CompleteMultipartUpload>`;
  return { uploadId, replies, complete: await send(host(bucket), 'POST', `/${key}?uploadId=${uploadId}`, { body }) };
}

before(async () => {
  pkiDir = await mkdtemp(join(tmpdir(), 'cos-front-pki-'));
  const pki = await makeTestPki(pkiDir);
  tls = { cert: await readFile(pki.certFile, 'utf8'), key: await readFile(pki.keyFile, 'utf8'), ca: pki.caPem };
  fake = await startFakeS3();
  front = await startCosFront({ upstream: { host: '127.0.0.1', port: fake.port }, tls, regions: REGIONS });
});

after(async () => {
  await front.close();
  await fake.close();
  await rm(pkiDir, { recursive: true, force: true });
});

describe('COS front: forwarding', () => {
  it('forwards method, path, query, Host and Authorization unchanged, and streams the body', async () => {
    await createBucket('forward-1250000000');
    const body = Buffer.alloc(6 * 1024 * 1024 + 3, 0x61);
    const reply = await send(host('forward-1250000000'), 'PUT', '/dir/a%20b.txt?x-id=PutObject', { body });
    assert.equal(reply.status, 200);
    const seen = fake.seen.at(-1)!;
    assert.deepEqual([seen.method, seen.url], ['PUT', '/dir/a%20b.txt?x-id=PutObject']);
    assert.equal(seen.headers.host, `${host('forward-1250000000')}:${front.port}`);
    assert.equal(seen.headers.authorization, 'AWS4-HMAC-SHA256 fake');
    assert.ok(seen.body.equals(body));
    assert.equal(reply.headers[CRC], crc64(body).toString());
    assert.equal(reply.headers['x-cos-request-id'], 'fake-request');
  });

  it('records requests without credentials', async () => {
    const last = front.requests.at(-1)!;
    assert.equal(last.op, 'putObject');
    assert.equal(last.bucket, 'forward-1250000000');
    assert.equal(last.key, 'dir/a b.txt');
    assert.equal(last.status, 200);
    assert.equal(last.headers.authorization, undefined);
    assert.equal(last.headers['content-length'], String(6 * 1024 * 1024 + 3));
  });
});

describe('COS front: addressing, names and regions', () => {
  it('refuses path-style with 403 PathStyleDomainForbidden (HEAD: bare 403)', async () => {
    await createBucket('paths-1250000000');
    const before = fake.seen.length;
    const get = await send(host(undefined), 'GET', '/paths-1250000000/key');
    assert.deepEqual([get.status, errorCode(get.body)], [403, 'PathStyleDomainForbidden']);
    const head = await send(host(undefined), 'HEAD', '/paths-1250000000');
    assert.deepEqual([head.status, head.body], [403, '']);
    assert.equal(fake.seen.length, before);
  });

  it('allows GET Service on the bare host and adds each bucket\'s Location', async () => {
    await createBucket('listed-1250000000', 'ap-beijing');
    const reply = await send(host(undefined, 'ap-beijing'), 'GET', '/');
    assert.equal(reply.status, 200);
    assert.match(reply.body, /<Name>listed-1250000000<\/Name><Location>ap-beijing<\/Location>/);
    assert.match(reply.body, /<Name>paths-1250000000<\/Name><Location>ap-guangzhou<\/Location>/);
  });

  it('refuses bucket names without -<APPID>, and virtual hosts over 60 characters', async () => {
    for (const name of ['frontbucket', 'front-appid', '-front-1250000000', 'a'.repeat(30) + '-1250000000']) {
      const reply = await send(host(name), 'PUT', '/');
      assert.deepEqual([reply.status, errorCode(reply.body)], [400, 'InvalidBucketName'], name);
      assert.match(reply.body, /Bucket format should be &#60;bucketname&#62;-&#60;appid&#62;/);
    }
  });

  it('answers 404 NoSuchBucket through another region\'s host, without forwarding', async () => {
    await createBucket('regional-1250000000');
    const before = fake.seen.length;
    const get = await send(host('regional-1250000000', 'ap-beijing'), 'GET', '/key');
    assert.deepEqual([get.status, errorCode(get.body)], [404, 'NoSuchBucket']);
    const head = await send(host('regional-1250000000', 'ap-beijing'), 'HEAD', '/');
    assert.deepEqual([head.status, head.body], [404, '']);
    const create = await send(host('regional-1250000000', 'ap-beijing'), 'PUT', '/');
    assert.deepEqual([create.status, errorCode(create.body)], [409, 'BucketAlreadyExists']);
    assert.equal(fake.seen.length, before);
  });

  it('follows setBucketRegion, and reports the region in HEAD Bucket and GET Location', async () => {
    fake.buckets.set('moved-1250000000', new Map());
    assert.equal((await send(host('moved-1250000000', 'ap-beijing'), 'HEAD', '/')).status, 404);
    front.setBucketRegion('moved-1250000000', 'ap-beijing');
    const head = await send(host('moved-1250000000', 'ap-beijing'), 'HEAD', '/');
    assert.deepEqual([head.status, head.headers['x-cos-bucket-region']], [200, 'ap-beijing']);
    const location = await send(host('moved-1250000000', 'ap-beijing'), 'GET', '/?location');
    assert.match(location.body, /<LocationConstraint[^>]*>ap-beijing<\/LocationConstraint>/);
    assert.equal((await send(host('moved-1250000000'), 'HEAD', '/')).status, 404);
  });

  it('refuses a Host that is no served COS endpoint', async () => {
    const reply = await send(host(undefined), 'GET', '/', { headers: { host: 'bucket-1.s3.example.test' }, servername: host(undefined) });
    assert.deepEqual([reply.status, errorCode(reply.body)], [400, 'InvalidURI']);
  });
});

describe('COS front: bodies and Content-MD5', () => {
  const markers: Record<string, string>[] = [
    { 'content-encoding': 'aws-chunked' },
    { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' },
    { 'x-amz-trailer': 'x-amz-checksum-crc32' },
  ];
  for (const marker of markers) {
    it(`refuses aws-chunked uploads (${Object.keys(marker)[0]}) with 400 InvalidArgument`, async () => {
      await createBucket('chunked-1250000000');
      const before = fake.seen.length;
      const reply = await send(host('chunked-1250000000'), 'PUT', '/key', { body: 'abc', headers: { ...marker } });
      assert.deepEqual([reply.status, errorCode(reply.body)], [400, 'InvalidArgument']);
      assert.equal(fake.seen.length, before);
    });
  }

  it('refuses a PUT without Content-Length with 411, before asking for the body', async () => {
    const reply = await send(host('chunked-1250000000'), 'PUT', '/key', { body: 'abc', headers: { 'transfer-encoding': 'chunked' } });
    assert.deepEqual([reply.status, errorCode(reply.body)], [411, 'MissingContentLength']);
    const held = await send(host('chunked-1250000000'), 'PUT', '/key', { body: 'abc', expectContinue: true, headers: { 'content-encoding': 'aws-chunked', 'content-length': 3 } });
    assert.deepEqual([held.status, held.continued], [400, false]);
    const fine = await send(host('chunked-1250000000'), 'PUT', '/key', { body: 'abc', expectContinue: true, headers: { 'content-length': 3 } });
    assert.deepEqual([fine.status, fine.continued, fine.headers[CRC]], [200, true, crc64('abc').toString()]);
  });

  it('wants a correct Content-MD5 on DeleteObjects', async () => {
    await createBucket('deletes-1250000000');
    await send(host('deletes-1250000000'), 'PUT', '/gone', { body: 'bye' });
    const body = '<Delete><Object><Key>gone</Key></Object></Delete>';
    const md5 = createHash('md5').update(body).digest('base64');
    const cases: [Record<string, string>, number, string | undefined][] = [
      [{ 'x-amz-checksum-crc32': 'AAAAAA==' }, 400, 'MissingContentMD5'],
      [{ 'content-md5': 'not-md5' }, 400, 'InvalidDigest'],
      [{ 'content-md5': createHash('md5').update('other').digest('base64') }, 400, 'BadDigest'],
      [{ 'content-md5': md5 }, 200, undefined],
    ];
    for (const [headers, status, code] of cases) {
      const reply = await send(host('deletes-1250000000'), 'POST', '/?delete', { body, headers });
      assert.deepEqual([reply.status, errorCode(reply.body)], [status, code], JSON.stringify(headers));
    }
    fake.buckets.get('deletes-1250000000')!.set('gone', Buffer.from('bye'));
    assert.equal((await send(host('deletes-1250000000'), 'HEAD', '/gone')).headers[CRC], undefined);
  });
});

describe('COS front: CRC-64 ledger', () => {
  it('adds the CRC on HEAD and GET, copies it, and forgets it on delete or outside change', async () => {
    await createBucket('crc-1250000000');
    await send(host('crc-1250000000'), 'PUT', '/a', { body: 'content' });
    const want = crc64('content').toString();
    assert.equal((await send(host('crc-1250000000'), 'HEAD', '/a')).headers[CRC], want);
    assert.equal((await send(host('crc-1250000000'), 'GET', '/a')).headers[CRC], want);
    await send(host('crc-1250000000'), 'PUT', '/b', { headers: { 'x-amz-copy-source': '/crc-1250000000/a', 'content-length': 0 } });
    assert.equal((await send(host('crc-1250000000'), 'HEAD', '/b')).headers[CRC], want);
    fake.buckets.get('crc-1250000000')!.set('b', Buffer.from('changed elsewhere'));
    assert.equal((await send(host('crc-1250000000'), 'HEAD', '/b')).headers[CRC], undefined);
    await send(host('crc-1250000000'), 'DELETE', '/a');
    fake.buckets.get('crc-1250000000')!.set('a', Buffer.from('content'));
    assert.equal((await send(host('crc-1250000000'), 'HEAD', '/a')).headers[CRC], undefined);
  });

  it('combines part CRCs on Complete, in the listed order', async () => {
    const parts = [Buffer.alloc(1024 * 1024, 1), Buffer.from('last part')];
    const { replies, complete } = await multipart('crc-1250000000', 'big', parts);
    assert.deepEqual(replies.map((r) => r.headers[CRC]), parts.map((p) => crc64(p).toString()));
    const whole = crc64(Buffer.concat(parts)).toString();
    assert.equal(complete.headers[CRC], whole);
    assert.equal((await send(host('crc-1250000000'), 'HEAD', '/big')).headers[CRC], whole);
  });

  it('gives no CRC on Complete when a part\'s CRC is unknown', async () => {
    const started = await send(host('crc-1250000000'), 'POST', '/ranged?uploads');
    const uploadId = /<UploadId>([^<]+)</.exec(started.body)![1]!;
    const copy = { 'x-amz-copy-source': 'crc-1250000000/big', 'x-amz-copy-source-range': 'bytes=0-9', 'content-length': 0 };
    await send(host('crc-1250000000'), 'PUT', `/ranged?partNumber=1&uploadId=${uploadId}`, { headers: copy });
    const body = '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>';
    const complete = await send(host('crc-1250000000'), 'POST', `/ranged?uploadId=${uploadId}`, { body });
    assert.equal(complete.status, 200);
    assert.equal(complete.headers[CRC], undefined);
  });

  it('can use the x-amz- header name instead', async () => {
    const other = await startCosFront({ upstream: { host: '127.0.0.1', port: fake.port }, tls, crcHeaderName: 'x-amz-hash-crc64ecma' });
    try {
      const reply = await rawRequest({ host: host('crc-1250000000'), port: other.port, method: 'PUT', path: '/x', body: 'x', ca: tls.ca });
      assert.deepEqual([reply.headers['x-amz-hash-crc64ecma'], reply.headers[CRC]], [crc64('x').toString(), undefined]);
    } finally {
      await other.close();
    }
  });
});

describe('COS front: faults', () => {
  it('fails the next n matching requests without forwarding them', async () => {
    await createBucket('faults-1250000000');
    front.failNext(2, { status: 503, code: 'SlowDown', match: { op: 'putObject' } });
    const before = fake.seen.length;
    assert.equal((await send(host('faults-1250000000'), 'HEAD', '/')).status, 200);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(host('faults-1250000000'), 'PUT', '/k', { body: 'v' })).status);
    assert.deepEqual(statuses, [503, 503, 200]);
    assert.equal(fake.seen.length, before + 2);
  });

  it('can reset the connection, or answer 200 with an error body', async () => {
    front.failNext(1, { reset: true });
    await assert.rejects(send(host('faults-1250000000'), 'GET', '/k'), /socket hang up|ECONNRESET/);
    front.failNext(1, { status: 200, code: 'InternalError', match: (r) => r.op === 'completeUpload' });
    const { complete } = await multipart('faults-1250000000', 'm', [Buffer.from('p')]);
    assert.deepEqual([complete.status, errorCode(complete.body), complete.headers[CRC]], [200, 'InternalError', undefined]);
  });

  it('holds requests while paused', async () => {
    front.pause();
    let answered = false;
    const pending = send(host('faults-1250000000'), 'HEAD', '/').then((r) => ((answered = true), r));
    await delay(100);
    assert.equal(answered, false);
    front.resume();
    assert.equal((await pending).status, 200);
  });
});

describe('COS front: lifecycle', () => {
  it('close() ends kept-alive client connections', async () => {
    const other = await startCosFront({ upstream: { host: '127.0.0.1', port: fake.port }, tls });
    const agent = new Agent({ keepAlive: true, ca: tls.ca, lookup: loopbackLookup });
    await rawRequest({ host: host(undefined), port: other.port, method: 'GET', ca: tls.ca, agent });
    const [socket] = Object.values(agent.freeSockets).flat();
    assert.ok(socket, 'the client kept its connection open');
    const closed = once(socket, 'close');
    await other.close();
    await closed;
    agent.destroy();
  });
});
