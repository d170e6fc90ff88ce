// A test's own S3 client for the run's server (HTTPS with the run's CA, path-style): makes buckets and looks
// at what the app put there, independently of the app's code.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TestEnv } from './env.js';

export interface BucketAdmin {
  createBucket(bucket: string): Promise<void>;
  client: S3Client;
}

const clients = new WeakMap<TestEnv['s3'], BucketAdmin>();

export function adminClient(env: TestEnv['s3']): BucketAdmin {
  const known = clients.get(env);
  if (known) return known;
  const client = new S3Client({
    endpoint: env.httpsEndpoint, region: env.region, forcePathStyle: true, credentials: env.users.main,
    requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: readFileSync(env.caCertFile, 'utf8') }) }),
  });
  const admin = { client, createBucket: async (bucket: string) => void (await client.send(new CreateBucketCommand({ Bucket: bucket }))) };
  clients.set(env, admin);
  return admin;
}

/** The object's size, or undefined when there is none. */
export async function objectSize(admin: BucketAdmin, bucket: string, key: string): Promise<number | undefined> {
  try {
    return (await admin.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw err;
  }
}

/** Every key under the prefix (trash included). */
export async function objectKeys(admin: BucketAdmin, bucket: string, prefix: string): Promise<string[]> {
  const listed = await admin.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}
