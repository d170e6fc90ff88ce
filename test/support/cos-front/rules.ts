// COS's refusals that the front answers before anything reaches the upstream server: one small
// named rule each, checked in order (addressing, bucket name, region, body encoding, Content-MD5).
import type { IncomingHttpHeaders } from 'node:http';
import { cosErrors, type CosError } from './errors.js';
import type { BucketRegions } from './ledger.js';
import type { Target } from './target.js';

export interface RuleInput {
  target: Target;
  headers: IncomingHttpHeaders;
  bucketRegions: Pick<BucketRegions, 'recordedRegion' | 'regionOf'>;
}

export type CosRule = (input: RuleInput) => CosError | undefined;

const BUCKET_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-\d+$/;
const MAX_VIRTUAL_HOST = 60;

/** A Host that is no COS endpoint of a served region would not have reached COS at all. */
const knownHost: CosRule = ({ target }) => (target.region === undefined ? cosErrors.unknownHost : undefined);

/** Buckets created since 2024 refuse path-style addressing; GET Service on the bare host is fine. */
const virtualHostedOnly: CosRule = ({ target }) =>
  target.pathStyleBucket !== undefined ? cosErrors.pathStyle : undefined;

/** `<BucketName>-<APPID>`, and the whole virtual host at most 60 characters. */
const bucketNameFormat: CosRule = ({ target }) => {
  if (target.bucket === undefined) return undefined;
  const host = `${target.bucket}.cos.${target.region}.myqcloud.com`;
  return BUCKET_NAME.test(target.bucket) && host.length <= MAX_VIRTUAL_HOST ? undefined : cosErrors.bucketName;
};

/** Another region's endpoint does not know the bucket: 404, no redirect. */
const bucketInThisRegion: CosRule = ({ target, bucketRegions }) => {
  if (target.bucket === undefined) return undefined;
  if (target.op === 'createBucket') {
    const recorded = bucketRegions.recordedRegion(target.bucket);
    return recorded === undefined || recorded === target.region ? undefined : cosErrors.bucketExists;
  }
  return bucketRegions.regionOf(target.bucket) === target.region ? undefined : cosErrors.noSuchBucket;
};

function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const encoding = headers['content-encoding'] ?? '';
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return /(^|,)\s*aws-chunked\s*(,|$)/i.test(encoding) || sha.startsWith('STREAMING-') || headers['x-amz-trailer'] !== undefined;
}

/** The SDK's streamed uploads (aws-chunked, streaming signatures, checksum trailers) are refused. */
const noAwsChunked: CosRule = ({ headers }) => (isAwsChunked(headers) ? cosErrors.awsChunked : undefined);

const BODY_PUTS = new Set(['putObject', 'uploadPart']);

/** An object or part upload must say how long it is. */
const contentLengthOnPut: CosRule = ({ target, headers }) =>
  BODY_PUTS.has(target.op) && headers['content-length'] === undefined ? cosErrors.missingLength : undefined;

/** COS wants Content-MD5 on DeleteObjects (the SDK sends a CRC32 there instead, by default). */
const md5OnDeleteObjects: CosRule = ({ target, headers }) =>
  target.op === 'deleteObjects' && headers['content-md5'] === undefined ? cosErrors.missingMd5 : undefined;

export const COS_RULES: readonly CosRule[] = [
  knownHost,
  virtualHostedOnly,
  bucketNameFormat,
  bucketInThisRegion,
  noAwsChunked,
  contentLengthOnPut,
  md5OnDeleteObjects,
];

export function firstRefusal(input: RuleInput): CosError | undefined {
  for (const rule of COS_RULES) {
    const error = rule(input);
    if (error) return error;
  }
  return undefined;
}
