// AWS Signature Version 2 for S3 (HMAC-SHA1 over the canonical string of the 2006 S3 REST spec), for
// COS and older S3-compatible servers: the SDK v3 only signs SigV4, so this plugs in as its `signer`.
import { createHmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import type { HttpRequest as IHttpRequest, QueryParameterBag, RequestSigner, RequestSigningArguments } from '@smithy/types';

/**
 * Query parameters that are part of the signed resource (botocore's list, which S3-compatible servers
 * such as Ceph RGW and COS follow); every other parameter (prefix, list-type...) is left out.
 */
export const SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate', 'acl', 'cors', 'defaultObjectAcl', 'delete', 'lifecycle', 'location', 'logging',
  'notification', 'partNumber', 'policy', 'requestPayment', 'restore', 'tagging', 'torrent', 'uploadId',
  'uploads', 'versionId', 'versioning', 'versions', 'website', 'response-cache-control',
  'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires', 'replication', 'analytics', 'metrics', 'inventory',
  'select', 'select-type', 'object-lock', 'storageClass',
]);

/** The parts of a request the canonical string reads. */
export type SignableRequest = Pick<IHttpRequest, 'method' | 'hostname' | 'path' | 'query' | 'headers'>;

type Headers = Record<string, string>;

const headerOf = (headers: Headers, name: string): string | undefined => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
};

/** Unfolds a header value (folding whitespace becomes one space) and trims it, as the spec says. */
const unfold = (value: string): string => value.replace(/\s*\r?\n\s*/g, ' ').trim();

/** x-amz-* headers: lower-cased, sorted, one `name:value\n` each, duplicates comma-joined. */
export function canonicalAmzHeaders(headers: Headers): string {
  const merged = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-')) continue;
    merged.set(lower, [...(merged.get(lower) ?? []), unfold(String(value))]);
  }
  return [...merged.keys()]
    .sort()
    .map((name) => `${name}:${merged.get(name)!.join(',')}\n`)
    .join('');
}

/**
 * The bucket a request addresses through its Host: a subdomain of the endpoint (virtual-hosted), none
 * when the Host is the endpoint itself (path-style: the bucket is in the path), else the whole Host
 * (a CNAME, per the spec).
 */
export function bucketFromHost(hostname: string, endpointHost: string | undefined): string | undefined {
  const host = hostname.toLowerCase();
  if (endpointHost === undefined) {
    // The SDK chose the endpoint (AWS): <bucket>.s3[.-]<region>.amazonaws.com or s3.<region>...
    return /^(.+?)\.s3[.-]/.exec(host)?.[1];
  }
  const endpoint = endpointHost.toLowerCase();
  if (host === endpoint) return undefined;
  if (host.endsWith(`.${endpoint}`)) return host.slice(0, -endpoint.length - 1);
  return host;
}

/** Signed sub-resources, sorted by name, with their values as sent but not URL-encoded (per the spec). */
function canonicalSubresources(query: QueryParameterBag | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const name of Object.keys(query).filter((n) => SIGNED_SUBRESOURCES.has(n)).sort()) {
    const raw = query[name];
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) parts.push(value === null || value === undefined || value === '' ? name : `${name}=${value}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** `/bucket` (when the Host names it) + the path exactly as sent (still URL-encoded) + sub-resources. */
export function canonicalResource(request: SignableRequest, endpointHost: string | undefined): string {
  const bucket = bucketFromHost(request.hostname, endpointHost);
  const path = request.path || '/';
  return `${bucket === undefined ? '' : `/${bucket}`}${path}${canonicalSubresources(request.query)}`;
}

/** VERB, Content-MD5, Content-Type, Date (empty when x-amz-date is sent), amz headers, resource. */
export function stringToSign(request: SignableRequest, endpointHost: string | undefined): string {
  const headers = request.headers as Headers;
  const date = headerOf(headers, 'x-amz-date') === undefined ? (headerOf(headers, 'date') ?? '') : '';
  return [
    request.method.toUpperCase(),
    headerOf(headers, 'content-md5') ?? '',
    headerOf(headers, 'content-type') ?? '',
    date,
    canonicalAmzHeaders(headers) + canonicalResource(request, endpointHost),
  ].join('\n');
}

/** Base64 HMAC-SHA1 of the string to sign. */
export function signatureV2(secretAccessKey: string, toSign: string): string {
  return createHmac('sha1', secretAccessKey).update(toSign, 'utf8').digest('base64');
}

export interface SigV2Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The SDK's DateInput: a Date, an ISO string or epoch seconds (as @smithy/signature-v4 reads it). */
function toDate(input: RequestSigningArguments['signingDate']): Date {
  if (input === undefined) return new Date();
  if (typeof input === 'number') return new Date(input * 1000);
  return typeof input === 'string' ? new Date(input) : input;
}

/** SigV4 leftovers that must not reach a SigV2 request: its own date and payload hash, an old signature. */
const DROPPED_HEADERS = new Set(['authorization', 'date', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']);

/** The SDK's `signer`: sets Date (from the SDK's clock-skew-corrected signing date) and Authorization. */
export class SigV2Signer implements RequestSigner {
  constructor(
    private readonly credentials: SigV2Credentials,
    /** The endpoint's host name, to tell the bucket in a virtual-hosted Host apart. */
    private readonly endpointHost: string | undefined,
  ) {}

  async sign(request: IHttpRequest, options?: RequestSigningArguments): Promise<IHttpRequest> {
    const signed = HttpRequest.clone(request);
    for (const name of Object.keys(signed.headers)) {
      if (DROPPED_HEADERS.has(name.toLowerCase())) delete signed.headers[name];
    }
    if (/aws-chunked/i.test(headerOf(signed.headers, 'content-encoding') ?? '')) {
      // aws-chunked framing is a SigV4 construct; the factory keeps checksums WHEN_REQUIRED under SigV2.
      throw new Error('SigV2 cannot sign an aws-chunked (streaming checksum) request.');
    }
    if (this.credentials.sessionToken) signed.headers['x-amz-security-token'] = this.credentials.sessionToken;
    signed.headers['date'] = toDate(options?.signingDate).toUTCString();
    const signature = signatureV2(this.credentials.secretAccessKey, stringToSign(signed, this.endpointHost));
    signed.headers['authorization'] = `AWS ${this.credentials.accessKeyId}:${signature}`;
    return signed;
  }
}
