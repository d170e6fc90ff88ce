// The benchmark's own S3 calls (never timed): buckets, checking what a tool uploaded, emptying afterwards,
// and HEAD polling for the change-to-visible workload.
import {
  AbortMultipartUploadCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, HeadObjectCommand,
  ListMultipartUploadsCommand, ListObjectsV2Command, S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:http';

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

export function benchClient(endpoint: string, keys: Keys): S3Client {
  return new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true, credentials: keys,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }) }),
  });
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Objects under prefix: how many, and their bytes. */
export async function tally(client: S3Client, bucket: string, prefix = ''): Promise<{ count: number; bytes: number; keys: Set<string> }> {
  let token: string | undefined;
  let count = 0;
  let bytes = 0;
  const keys = new Set<string>();
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }));
    for (const o of page.Contents ?? []) {
      count++;
      bytes += o.Size ?? 0;
      keys.add(o.Key!);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { count, bytes, keys };
}

/** Deletes every object and unfinished multipart upload, then the bucket. */
export async function removeBucket(client: S3Client, bucket: string): Promise<void> {
  // One pass over the listing with a few batch deletes in flight (the server's index takes them side by side),
  // then the loop below for anything the pass missed.
  const inFlight = new Set<Promise<unknown>>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: 1000 }));
    const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (objects.length > 0) {
      const job = client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } })).finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  await Promise.all(inFlight);
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    const objects = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (objects.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  }
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const u of uploads.Uploads ?? []) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export async function etagOf(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return out.ETag?.replaceAll('"', '');
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw err;
  }
}
