// The COS front in front of real Ceph RGW, driven by @aws-sdk/client-s3 set up for COS: RGW checks
// the signatures, the front adds COS's refusals and CRC-64 headers. Needs the runner's RGW.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { Readable } from 'node:stream';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, HeadObjectCommand, GetObjectCommand, ListBucketsCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, DeleteObjectsCommand,
  ListObjectsV2Command, DeleteBucketCommand, AbortMultipartUploadCommand, ListMultipartUploadsCommand, DeleteObjectCommand,
  CopyObjectCommand,
  type S3ServiceException, type ServiceInputTypes, type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import type { FinalizeRequestMiddleware, DeserializeMiddleware } from '@smithy/types';
import { crc64, startCosFront, type CosFront } from '../support/cos-front.js';
import { loopbackLookup } from '../support/env.js';
import { rgwForCosFront, type RgwForCosFront } from '../support/cos-front/rgw-env.js';

const BUCKET = 'frontbucket-1250000000';
const GZ = 'ap-guangzhou';
const CRC = 'x-cos-hash-crc64ecma';
let rgw: RgwForCosFront;
let front: CosFront;
const agents: Agent[] = [];

/** The last response's headers and (for chosen commands) body, as the wire had them. */
interface Captured {
  headers: Record<string, string>;
  body?: string;
}

// Sits just inside the deserializer, so it sees the raw response before the SDK drops headers.
function captureResponses(client: S3Client, bodiesOf: string[] = []): Captured[] {
  const seen: Captured[] = [];
  const capture: DeserializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
    const result = await next(args);
    if (!HttpResponse.isInstance(result.response)) return result;
    const captured: Captured = { headers: { ...result.response.headers } };
    if (bodiesOf.includes(context.commandName ?? '')) {
      const chunks: Buffer[] = [];
      for await (const chunk of result.response.body as Readable) chunks.push(chunk as Buffer);
      result.response.body = Buffer.concat(chunks);
      captured.body = Buffer.concat(chunks).toString('utf8');
    }
    seen.push(captured);
    return result;
  };
  client.middlewareStack.addRelativeTo(capture, { name: 'testCaptureResponse', relation: 'after', toMiddleware: 'deserializerMiddleware' });
  return seen;
}

/** COS's wish on "checksum required" operations: Content-MD5 instead of the SDK's CRC32. */
function contentMd5<I extends object, O extends object>(): FinalizeRequestMiddleware<I, O> {
  return (next) => async (args) => {
    const request = args.request;
    if (HttpRequest.isInstance(request) && (typeof request.body === 'string' || request.body instanceof Uint8Array)) {
      for (const name of Object.keys(request.headers)) {
        if (/^x-amz-checksum-|^x-amz-sdk-checksum-algorithm$/i.test(name)) delete request.headers[name];
      }
      request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
    }
    return next(args);
  };
}

interface ClientOptions {
  pathStyle?: boolean;
  sdkChecksums?: boolean;
  secretAccessKey?: string;
}

function clientFor(region: string, options: ClientOptions = {}): S3Client {
  const httpsAgent = new Agent({ ca: rgw.ca, lookup: loopbackLookup, keepAlive: true });
  agents.push(httpsAgent);
  const checksums = options.sdkChecksums ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  return new S3Client({
    region,
    endpoint: front.url(region),
    forcePathStyle: options.pathStyle ?? false,
    credentials: { ...rgw.credentials, secretAccessKey: options.secretAccessKey ?? rgw.credentials.secretAccessKey },
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    requestHandler: new NodeHttpHandler({ httpsAgent }),
    maxAttempts: 1,
  });
}

async function refusal(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  const error = await promise.then(() => assert.fail('expected the request to be refused'), (e: unknown) => e as S3ServiceException);
  return { name: error.name, status: error.$metadata?.httpStatusCode };
}

let s3: S3Client;
let captured: Captured[];
const lastHeaders = () => captured.at(-1)!.headers;

before(async () => {
  rgw = rgwForCosFront();
  front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  s3 = clientFor(GZ);
  captured = captureResponses(s3, ['ListBucketsCommand']);
});

after(async () => {
  if (s3) await emptyAndDeleteBucket(s3).catch((error: unknown) => console.error('[cos-front test] cleanup', error));
  await front?.close();
  for (const agent of agents) agent.destroy();
});

async function emptyAndDeleteBucket(client: S3Client): Promise<void> {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
  for (const u of uploads.Uploads ?? []) await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: u.Key!, UploadId: u.UploadId! }));
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const o of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: o.Key! }));
  await client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
}

describe('COS front over Ceph RGW, with the SDK set up for COS', () => {
  it('creates a bucket virtual-hosted in ap-guangzhou', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const sent = front.requests.at(-1)!;
    assert.deepEqual([sent.op, sent.host, sent.path, sent.status], ['createBucket', `${BUCKET}.cos.${GZ}.myqcloud.com`, '/', 200]);
  });

  it('answers PutObject, HeadObject and GetObject with the CRC-64 of the content', async () => {
    const body = Buffer.from('COS computes CRC-64/XZ of every object.\n');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'dir/small.txt', Body: body }));
    const want = crc64(body).toString();
    assert.equal(lastHeaders()[CRC], want);
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dir/small.txt' }));
    assert.equal(lastHeaders()[CRC], want);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/small.txt' }));
    assert.equal(lastHeaders()[CRC], want);
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
  });

  it('leaves signatures to RGW: a wrong secret is refused there', async () => {
    const wrong = clientFor(GZ, { secretAccessKey: 'not-the-secret' });
    assert.deepEqual(await refusal(wrong.send(new ListObjectsV2Command({ Bucket: BUCKET }))), { name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('copies the CRC with CopyObject', async () => {
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'dir/copy.txt', CopySource: `${BUCKET}/dir/small.txt` }));
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dir/copy.txt' }));
    assert.equal(lastHeaders()[CRC], crc64('COS computes CRC-64/XZ of every object.\n').toString());
  });

  it('gives each part its CRC and Complete (and HEAD) the combined one', async () => {
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1024 * 1024)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'big.bin' }));
    const done = [];
    for (const [i, part] of parts.entries()) {
      const { ETag } = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'big.bin', UploadId, PartNumber: i + 1, Body: part }));
      assert.equal(lastHeaders()[CRC], crc64(part).toString());
      done.push({ ETag, PartNumber: i + 1 });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'big.bin', UploadId, MultipartUpload: { Parts: done } }));
    const whole = crc64(Buffer.concat(parts)).toString();
    assert.equal(lastHeaders()[CRC], whole);
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }));
    assert.equal(lastHeaders()[CRC], whole);
  });

  it('refuses path-style requests: PathStyleDomainForbidden, and a bare 403 on HEAD', async () => {
    const pathStyle = clientFor(GZ, { pathStyle: true });
    assert.deepEqual(await refusal(pathStyle.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dir/small.txt' }))), { name: 'PathStyleDomainForbidden', status: 403 });
    assert.equal((await refusal(pathStyle.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dir/small.txt' })))).status, 403);
    assert.equal(front.requests.at(-1)!.host, `cos.${GZ}.myqcloud.com`);
  });

  it('refuses a bucket name without -<APPID> with InvalidBucketName', async () => {
    assert.deepEqual(await refusal(s3.send(new ListObjectsV2Command({ Bucket: 'frontbucket' }))), { name: 'InvalidBucketName', status: 400 });
  });

  it('answers NoSuchBucket through another region\'s endpoint', async () => {
    const beijing = clientFor('ap-beijing');
    assert.deepEqual(await refusal(beijing.send(new ListObjectsV2Command({ Bucket: BUCKET }))), { name: 'NoSuchBucket', status: 404 });
  });

  it('refuses the SDK\'s DeleteObjects (CRC32, no Content-MD5) and takes it with Content-MD5', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doomed.txt', Body: 'x' }));
    const input = { Bucket: BUCKET, Delete: { Objects: [{ Key: 'doomed.txt' }] } };
    assert.deepEqual(await refusal(s3.send(new DeleteObjectsCommand(input))), { name: 'MissingContentMD5', status: 400 });
    const refused = front.requests.at(-1)!.headers;
    assert.ok(refused['x-amz-checksum-crc32'] && !refused['content-md5'], JSON.stringify(refused));
    const withMd5 = new DeleteObjectsCommand(input);
    withMd5.middlewareStack.addRelativeTo(contentMd5(), { name: 'testContentMd5', relation: 'before', toMiddleware: 'httpSigningMiddleware' });
    const result = await s3.send(withMd5);
    assert.deepEqual(result.Deleted?.map((d) => d.Key), ['doomed.txt']);
    assert.equal(front.requests.at(-1)!.status, 200);
  });

  it('refuses an aws-chunked streamed PutObject (SDK default checksums)', async () => {
    const defaults = clientFor(GZ, { sdkChecksums: true });
    const body = Buffer.from('streamed body');
    const put = defaults.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed.txt', Body: Readable.from([body]), ContentLength: body.length }));
    assert.deepEqual(await refusal(put), { name: 'InvalidArgument', status: 400 });
    const sent = front.requests.at(-1)!.headers;
    assert.ok(/aws-chunked/.test(sent['content-encoding'] ?? '') || sent['x-amz-trailer'], JSON.stringify(sent));
    assert.equal((await refusal(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'streamed.txt' })))).status, 404);
  });

  it('lists buckets on the bare host with each one\'s Location', async () => {
    await s3.send(new ListBucketsCommand({}));
    assert.equal(front.requests.at(-1)!.host, `cos.${GZ}.myqcloud.com`);
    assert.match(captured.at(-1)!.body ?? '', new RegExp(`<Name>${BUCKET}</Name><Location>${GZ}</Location>`));
  });
});
