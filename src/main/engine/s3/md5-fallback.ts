// Content-MD5 instead of the SDK's CRC32 on the operations it marks "checksum required", for providers
// that reject x-amz-checksum-* there (COS, OSS, older MinIO/Ceph). After aws-sdk-js-v3 MD5_FALLBACK.md,
// but placed later: the doc's build-step recipe runs before the SDK's checksum middleware, so CRC32 stays.
import { createHash } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';

const CHECKSUM_HEADER = /^x-amz-(checksum-|sdk-checksum-algorithm$)/i;

/** The body as bytes when it is already in memory; undefined for streams, which cannot be hashed here. */
function bodyBytes(body: unknown): Uint8Array | undefined {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

/**
 * Replaces the SDK's flexible checksum (CRC32 plus x-amz-sdk-checksum-algorithm) with Content-MD5.
 * Under WHEN_REQUIRED the SDK only adds one to operations it models as "checksum required"
 * (DeleteObjects, PutBucketLifecycleConfiguration, PutBucketCors, tagging...), so the presence of its
 * header is the test: it follows the SDK's own list, release after release.
 */
export const md5FallbackMiddleware: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const request = args.request;
  if (!HttpRequest.isInstance(request)) return next(args);
  const names = Object.keys(request.headers);
  const checksumHeaders = names.filter((name) => CHECKSUM_HEADER.test(name));
  if (checksumHeaders.length === 0) return next(args);
  const body = bodyBytes(request.body);
  if (!body) return next(args); // streamed (aws-chunked): never the case for the operations above
  const updated = HttpRequest.clone(request);
  for (const name of names) {
    if (CHECKSUM_HEADER.test(name) || name.toLowerCase() === 'content-md5') delete updated.headers[name];
  }
  updated.headers['content-md5'] = createHash('md5').update(body).digest('base64');
  return next({ ...args, request: updated });
};

/**
 * Finalize step, just before signing: after every build-step middleware (the SDK's checksum middleware
 * among them) has run, so it sees the final headers, and before the signature covers them.
 */
export const MD5_FALLBACK_MIDDLEWARE = {
  name: 'cosSyncMd5Fallback',
  relation: 'before',
  toMiddleware: 'httpSigningMiddleware',
  override: true,
} as const;
