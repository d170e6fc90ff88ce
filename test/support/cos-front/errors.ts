// The errors the COS front answers itself, in COS's XML error shape (Code, Message, Resource,
// RequestId, TraceId), plus the small XML helpers the front needs.
import { randomBytes } from 'node:crypto';

export interface CosError {
  status: number;
  code: string;
  message: string;
}

/** The catalogue of errors the front's rules produce, with COS's messages where known. */
export const cosErrors = {
  pathStyle: { status: 403, code: 'PathStyleDomainForbidden', message: 'Path style domain is forbidden, please use virtual hosted style.' },
  bucketName: { status: 400, code: 'InvalidBucketName', message: 'Bucket format should be <bucketname>-<appid>' },
  noSuchBucket: { status: 404, code: 'NoSuchBucket', message: 'The specified bucket does not exist.' },
  bucketExists: { status: 409, code: 'BucketAlreadyExists', message: 'The requested bucket name is not available.' },
  awsChunked: { status: 400, code: 'InvalidArgument', message: 'aws-chunked encoding, streaming signatures and trailers are not supported.' },
  missingLength: { status: 411, code: 'MissingContentLength', message: 'You must provide the Content-Length HTTP header.' },
  missingMd5: { status: 400, code: 'MissingContentMD5', message: 'Missing required header for this request: Content-MD5' },
  invalidDigest: { status: 400, code: 'InvalidDigest', message: 'The Content-MD5 you specified is not valid.' },
  badDigest: { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' },
  unknownHost: { status: 400, code: 'InvalidURI', message: 'cos-front: the Host is not a COS endpoint of a region this front serves.' },
  bodyTooLarge: { status: 400, code: 'InvalidRequest', message: 'cos-front: this request body is too large to inspect.' },
  // COS's answer to x-cos-forbid-overwrite: true on an existing key (its documentation; not seen on a live bucket).
  fileExists: { status: 409, code: 'FileAlreadyExists', message: 'The object already exists and x-cos-forbid-overwrite is true.' },
  upstream: { status: 502, code: 'BadGateway', message: 'cos-front: the upstream S3 server did not answer.' },
} satisfies Record<string, CosError>;

export function newRequestId(): string {
  return randomBytes(18).toString('base64');
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function errorXml(error: CosError, resource: string, requestId: string): string {
  return (
    "<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n" +
    `\t<Code>${escapeXml(error.code)}</Code>\n` +
    `\t<Message>${escapeXml(error.message)}</Message>\n` +
    `\t<Resource>${escapeXml(resource)}</Resource>\n` +
    `\t<RequestId>${requestId}</RequestId>\n` +
    `\t<TraceId>${randomBytes(24).toString('base64')}</TraceId>\n</Error>\n`
  );
}

/** The text of every <tag>…</tag> in document order, unescaped. */
export function xmlValues(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(pattern)].map((m) => unescapeXml(m[1]!.trim()));
}

/** An S3 ETag in a comparable form (no quotes, no &quot;, lower case); none when empty (RGW's Complete). */
export function normaliseEtag(etag: string | undefined): string | undefined {
  const plain = unescapeXml(etag ?? '').replace(/"/g, '').trim().toLowerCase();
  return plain === '' ? undefined : plain;
}
