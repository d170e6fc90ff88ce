// Bucket listing and creation. COS lists the buckets of every region with their <Location>, which the SDK's
// typed output drops, so the listing reads it from the raw response and keeps only the endpoint's region.
import { CreateBucketCommand, ListBucketsCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import type { ResolvedConnection } from '../../../shared/profile.js';
import { PROVIDERS } from '../../../shared/providers.js';
import type { BucketList } from '../../../shared/ipc/contract.js';
import { validateBucketName } from '../../../shared/bucket.js';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import { Readable } from 'node:stream';

type RawBody = { body?: AsyncIterable<Uint8Array> | NodeJS.ReadableStream };

/** Reads every <Bucket>'s <Name> and <Location> from a ListBuckets body. */
export function bucketLocations(xml: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [, inner] of xml.matchAll(/<Bucket>([\s\S]*?)<\/Bucket>/g)) {
    const name = /<Name>([^<]*)<\/Name>/.exec(inner ?? '')?.[1];
    const location = /<(?:Location|BucketRegion)>([^<]*)<\/(?:Location|BucketRegion)>/.exec(inner ?? '')?.[1];
    if (name && location) found.set(name, location);
  }
  return found;
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * Adds a middleware inside the SDK's deserializer (deserialize step, low priority) to one command: it reads the raw
 * XML, notes each bucket's location, and hands the deserializer an identical body.
 */
function captureLocations(command: ListBucketsCommand, into: Map<string, string>): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const response = await next(args);
      const raw = response.response as RawBody & { statusCode?: number };
      if (raw.body && raw.statusCode === 200) {
        const bytes = await readAll(raw.body as AsyncIterable<Uint8Array>);
        for (const [name, region] of bucketLocations(bytes.toString('utf8'))) into.set(name, region);
        raw.body = Readable.from([bytes]);
      }
      return response;
    },
    { step: 'deserialize', name: 'cosSyncBucketLocations', priority: 'low' },
  );
}

export async function listBuckets(connection: S3Connection): Promise<BucketList> {
  const locations = new Map<string, string>();
  const command = new ListBucketsCommand({});
  captureLocations(command, locations);
  let output;
  try {
    output = await connection.client.send(command);
  } catch (err) {
    throw new AppFailure(toAppError(err, { operation: 'ListBuckets' }));
  }
  return splitByRegion(output.Buckets ?? [], locations, connection.resolved);
}

function splitByRegion(
  buckets: { Name?: string; CreationDate?: Date; BucketRegion?: string }[],
  locations: Map<string, string>,
  resolved: ResolvedConnection,
): BucketList {
  const list: BucketList = { buckets: [], elsewhere: [] };
  const filterByRegion = PROVIDERS[resolved.provider].cosSemantics;
  for (const bucket of buckets) {
    if (!bucket.Name) continue;
    const region = bucket.BucketRegion ?? locations.get(bucket.Name);
    if (filterByRegion && region && region !== resolved.region) list.elsewhere.push({ name: bucket.Name, region });
    else list.buckets.push({ name: bucket.Name, ...(region ? { region } : {}), ...(bucket.CreationDate ? { created: bucket.CreationDate.toISOString() } : {}) });
  }
  return list;
}

export async function createBucket(connection: S3Connection, name: string): Promise<{ bucket: string; region: string }> {
  const { resolved } = connection;
  const preset = PROVIDERS[resolved.provider];
  if (!preset.canCreateBucket) throw new AppFailure(appError('bucket-create-unsupported'));
  const checked = validateBucketName(name, resolved.provider, { endpointHost: resolved.host });
  if (!checked.ok) throw new AppFailure(checked.error);
  // us-east-1 is the one region that must not be named in the request (S3 rejects it there).
  const constraint = resolved.region === 'us-east-1' ? undefined : { LocationConstraint: resolved.region as BucketLocationConstraint };
  try {
    await connection.client.send(new CreateBucketCommand({ Bucket: checked.value, ...(constraint ? { CreateBucketConfiguration: constraint } : {}) }));
  } catch (err) {
    throw new AppFailure(toAppError(err, { operation: 'CreateBucket', bucket: checked.value }));
  }
  return { bucket: checked.value, region: resolved.region };
}
