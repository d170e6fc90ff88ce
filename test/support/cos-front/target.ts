// What a request addresses, read the way COS reads it: the region and bucket from the Host
// (virtual-hosted style), the key from the path, and which S3 operation it is.
import type { IncomingHttpHeaders } from 'node:http';

export type OpName =
  | 'listBuckets' | 'createBucket' | 'deleteBucket' | 'headBucket' | 'getBucketLocation'
  | 'deleteObjects' | 'putObject' | 'copyObject' | 'uploadPart' | 'uploadPartCopy'
  | 'completeUpload' | 'abortUpload' | 'deleteObject' | 'getObject' | 'headObject' | 'other';

export interface Target {
  /** Host header without the port, lower case. */
  host: string;
  /** The region named by the host, when the host is a COS endpoint of a served region. */
  region?: string;
  /** The bucket named by a virtual host (`<bucket>.cos.<region>.myqcloud.com`). */
  bucket?: string;
  /** The first path segment on a bare region host: a path-style bucket. */
  pathStyleBucket?: string;
  /** The object key, percent-decoded; '' for bucket- and service-level requests. */
  key: string;
  path: string;
  query: URLSearchParams;
  op: OpName;
}

const COS_HOST = /^(?:(.+)\.)?cos\.([a-z0-9-]+)\.myqcloud\.com$/;

function hostWithoutPort(header: string | undefined): string {
  const host = (header ?? '').toLowerCase();
  return host.startsWith('[') ? host : host.replace(/:\d+$/, '');
}

function decodeKey(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function readTarget(method: string, url: string, headers: IncomingHttpHeaders, regions: readonly string[]): Target {
  const host = hostWithoutPort(headers.host);
  // Split by hand: new URL() would read a key with a leading '/' ("//key") as a host.
  const queryAt = url.indexOf('?');
  const pathname = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  const match = COS_HOST.exec(host);
  const region = match && regions.includes(match[2]!) ? match[2]! : undefined;
  const target: Target = { host, key: '', path: pathname, query, op: 'other' };
  if (region === undefined) return target;
  target.region = region;
  const path = pathname.replace(/^\//, '');
  if (match![1] !== undefined) {
    target.bucket = match![1];
    target.key = decodeKey(path);
  } else if (path !== '') {
    const slash = path.indexOf('/');
    target.pathStyleBucket = decodeKey(slash < 0 ? path : path.slice(0, slash));
    target.key = slash < 0 ? '' : decodeKey(path.slice(slash + 1));
  }
  target.op = classify(method, target, headers);
  return target;
}

// Query parameters that do not make a request a different operation.
const isPlainParameter = (name: string) => name === 'x-id' || name === 'versionId' || name.startsWith('response-');

function hasExactly(query: URLSearchParams, ...names: string[]): boolean {
  const present = [...new Set(query.keys())].filter((name) => !isPlainParameter(name));
  return present.length === names.length && names.every((name) => present.includes(name));
}

type Level = 'service' | 'bucket' | 'object';
interface OpRule {
  level: Level;
  method: string;
  query: string[];
  op: OpName | ((copy: boolean) => OpName);
}

// One row per operation the front treats specially; everything else is 'other' and passes through.
const OP_RULES: OpRule[] = [
  { level: 'service', method: 'GET', query: [], op: 'listBuckets' },
  { level: 'bucket', method: 'PUT', query: [], op: 'createBucket' },
  { level: 'bucket', method: 'DELETE', query: [], op: 'deleteBucket' },
  { level: 'bucket', method: 'HEAD', query: [], op: 'headBucket' },
  { level: 'bucket', method: 'GET', query: ['location'], op: 'getBucketLocation' },
  { level: 'bucket', method: 'POST', query: ['delete'], op: 'deleteObjects' },
  { level: 'object', method: 'PUT', query: ['partNumber', 'uploadId'], op: (copy) => (copy ? 'uploadPartCopy' : 'uploadPart') },
  { level: 'object', method: 'PUT', query: [], op: (copy) => (copy ? 'copyObject' : 'putObject') },
  { level: 'object', method: 'POST', query: ['uploadId'], op: 'completeUpload' },
  { level: 'object', method: 'DELETE', query: ['uploadId'], op: 'abortUpload' },
  { level: 'object', method: 'DELETE', query: [], op: 'deleteObject' },
  { level: 'object', method: 'GET', query: [], op: 'getObject' },
  { level: 'object', method: 'HEAD', query: [], op: 'headObject' },
];

function levelOf(target: Target): Level {
  if (target.bucket === undefined && target.pathStyleBucket === undefined) return 'service';
  return target.key === '' ? 'bucket' : 'object';
}

function classify(method: string, target: Target, headers: IncomingHttpHeaders): OpName {
  const level = levelOf(target);
  const rule = OP_RULES.find((r) => r.level === level && r.method === method && hasExactly(target.query, ...r.query));
  if (!rule) return 'other';
  return typeof rule.op === 'function' ? rule.op(headers['x-amz-copy-source'] !== undefined) : rule.op;
}

/** `x-amz-copy-source` (`[/]bucket/key[?versionId=…]`, key percent-encoded) as bucket and key. */
export function readCopySource(header: string | string[] | undefined): { bucket: string; key: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const path = header.replace(/\?.*$/, '').replace(/^\//, '');
  const slash = path.indexOf('/');
  if (slash <= 0) return undefined;
  return { bucket: decodeKey(path.slice(0, slash)), key: decodeKey(path.slice(slash + 1)) };
}
