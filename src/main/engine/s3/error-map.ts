// Turns whatever the SDK or Node threw (S3 error, bare HEAD status, DNS/TCP/TLS failure, abort) into an
// AppError from the catalogue, with a detail that names the S3 code, HTTP status and request id.
import { appError, AppFailure, type ErrorCode } from '../../../shared/errors.js';
import { msg, type MessageId } from '../../../shared/messages.js';
import type { AppError } from '../../../shared/result.js';
import { responseInfo, type ResponseInfo } from './response-info.js';

export interface ErrorContext {
  /** The S3 operation, e.g. "PutObject" (taken from the response capture when not given). */
  operation?: string;
  bucket?: string;
}

/** What can be read off a thrown value, whatever threw it. */
interface Facts {
  s3Code: string | undefined;
  status: number | undefined;
  requestId: string | undefined;
  message: string;
  netCode: string | undefined;
  name: string | undefined;
  info: ResponseInfo | undefined;
}

type Rule = (facts: Facts, ctx: ErrorContext) => AppError;

const plain =
  (code: ErrorCode): Rule =>
  () =>
    appError(code);

/** Names the SDK gives a body-less (HEAD) error response: only the status means anything there. */
const BODYLESS_NAMES = new Set(['Unknown', 'UnknownError', 'NotFound', 'Forbidden', 'BadRequest', 'MovedPermanently']);

const OPERATION_WORDS: Record<string, string> = {
  ListBuckets: 'list buckets',
  CreateBucket: 'create buckets',
  HeadBucket: 'open the bucket',
  GetBucketLocation: 'read the bucket region',
  ListObjects: 'list the bucket',
  ListObjectsV2: 'list the bucket',
  GetObject: 'download files',
  HeadObject: 'read file information',
  PutObject: 'upload files',
  CopyObject: 'copy files in the bucket',
  DeleteObject: 'delete files',
  DeleteObjects: 'delete files',
  CreateMultipartUpload: 'upload large files',
  UploadPart: 'upload large files',
  CompleteMultipartUpload: 'upload large files',
  AbortMultipartUpload: 'cancel unfinished uploads',
  ListMultipartUploads: 'list unfinished uploads',
  ListParts: 'list unfinished uploads',
};

function accessDenied(facts: Facts, ctx: ErrorContext): AppError {
  const operation = ctx.operation ?? facts.info?.operation;
  if (/request has expired/i.test(facts.message)) return appError('clock-skewed');
  if (!operation) return appError('access-denied');
  const what = OPERATION_WORDS[operation] ? msg(`op.${operation}` as MessageId) : msg('op.other', { operation });
  const bucket = ctx.bucket ?? facts.info?.bucket;
  return appError('access-denied', { message: bucket ? msg('error.permissionIn', { what, bucket, operation }) : msg('error.permission', { what, operation }) });
}

const S3_CODES: Record<string, Rule> = {
  InvalidAccessKeyId: plain('access-key-unknown'),
  SignatureDoesNotMatch: plain('signature-mismatch'),
  RequestTimeTooSkewed: plain('clock-skewed'),
  ExpiredToken: () => appError('access-key-unknown', { message: msg('error.tokenExpired') }),
  InvalidToken: () => appError('access-key-unknown', { message: msg('error.tokenInvalid') }),
  NoSuchBucket: plain('no-such-bucket'),
  NoSuchKey: plain('no-such-key'),
  PathStyleDomainForbidden: plain('path-style-forbidden'),
  AccessDenied: accessDenied,
  AllAccessDisabled: accessDenied,
  KeyTooLong: plain('key-too-long'),
  InvalidBucketName: plain('invalid-bucket-name-server'),
  BucketAlreadyExists: plain('bucket-exists'),
  BucketAlreadyOwnedByYou: plain('bucket-owned'),
  EntityTooSmall: plain('entity-too-small'),
  NoSuchUpload: plain('no-such-upload'),
  InvalidObjectState: plain('invalid-object-state'),
  BadDigest: plain('bad-digest'),
  InvalidDigest: plain('bad-digest'),
  XAmzContentSHA256Mismatch: plain('bad-digest'),
  SlowDown: plain('throttled'),
  ServiceUnavailable: plain('throttled'),
  TooManyRequests: plain('throttled'),
  RequestLimitExceeded: plain('throttled'),
  InternalError: plain('server-error'),
  InternalServerError: plain('server-error'),
  RequestTimeout: plain('network'),
  UserNetworkTooSlow: plain('network'),
  IncompleteBody: plain('network'),
  PermanentRedirect: plain('wrong-region'),
  AuthorizationHeaderMalformed: plain('wrong-region'),
  IllegalLocationConstraintException: plain('wrong-region'),
  PreconditionFailed: plain('precondition-failed'),
  // COS: x-cos-forbid-overwrite and the key exists.
  FileAlreadyExists: plain('precondition-failed'),
  NotImplemented: plain('unsupported'),
  MethodNotAllowed: plain('unsupported'),
};

const BUCKET_LEVEL = /Bucket|^List(Objects|MultipartUploads)/;

/** A HEAD answers with a status only; COS refuses path-style there with a bare 403. */
function bareStatus(facts: Facts, ctx: ErrorContext): AppError | undefined {
  const operation = ctx.operation ?? facts.info?.operation ?? '';
  switch (facts.status) {
    case 301:
      return appError('wrong-region');
    case 403:
      // Only a body-less 403: with a code the server said what it refused.
      if (facts.s3Code === undefined && facts.info?.cos && facts.info.pathStyle) return appError('path-style-forbidden');
      return accessDenied(facts, ctx);
    case 404:
      return appError(BUCKET_LEVEL.test(operation) ? 'no-such-bucket' : 'no-such-key');
    case 412:
      return appError('precondition-failed');
    case 503:
      return appError('throttled');
    default:
      return facts.status !== undefined && facts.status >= 500 ? appError('server-error') : undefined;
  }
}

const NET_CODES: Record<string, ErrorCode> = {
  ENOTFOUND: 'dns-failed',
  EAI_AGAIN: 'dns-failed',
  EAI_FAIL: 'dns-failed',
  ECONNREFUSED: 'connect-refused',
  ETIMEDOUT: 'connect-timeout',
  ESOCKETTIMEDOUT: 'connect-timeout',
  ECONNRESET: 'network',
  EPIPE: 'network',
  ECONNABORTED: 'network',
  EHOSTUNREACH: 'network',
  ENETUNREACH: 'network',
  ENETDOWN: 'network',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls-untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls-untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls-untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls-untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'tls-untrusted',
  CERT_UNTRUSTED: 'tls-untrusted',
  CERT_SIGNATURE_FAILURE: 'tls-untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls-hostname-mismatch',
  CERT_HAS_EXPIRED: 'tls-expired',
  CERT_NOT_YET_VALID: 'tls-expired',
  EPROTO: 'tls-failed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls-failed',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'tls-failed',
};

/** The first Node error code found on the error, its cause chain or an AggregateError's members. */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code in NET_CODES) return code;
  const nested = [cause, ...(Array.isArray(errors) ? errors : [])];
  for (const inner of nested) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function factsOf(err: unknown): Facts {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown; Code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  };
  const info = responseInfo(err);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : info?.status;
  const name = typeof e.name === 'string' ? e.name : undefined;
  const rawCode = typeof e.Code === 'string' ? e.Code : name;
  const fromServer = status !== undefined && rawCode !== undefined && !BODYLESS_NAMES.has(rawCode) && !/^\d+$/.test(rawCode);
  return {
    s3Code: fromServer ? rawCode : undefined,
    status,
    requestId: info?.requestId ?? (typeof e.$metadata?.requestId === 'string' ? e.$metadata.requestId : undefined),
    message: typeof e.message === 'string' ? e.message : typeof err === 'string' ? err : '',
    netCode: networkCode(err),
    name,
    info,
  };
}

/** Strips what must never reach a log: query strings (signed URLs), user:password in URLs, signatures. */
export function redact(text: string): string {
  return text
    .replace(/(https?:\/\/)[^/\s@]*@/gi, '$1***@')
    .replace(/(https?:\/\/[^\s?#]*)\?[^\s#]*/gi, '$1?…')
    .replace(/((?:X-Amz-)?Signature|X-Amz-Security-Token|X-Amz-Credential)=[^&\s]+/gi, '$1=…');
}

function detailOf(facts: Facts, ctx: ErrorContext): string {
  const parts = [
    (ctx.operation ?? facts.info?.operation) && `operation ${ctx.operation ?? facts.info?.operation}`,
    (ctx.bucket ?? facts.info?.bucket) && `bucket ${ctx.bucket ?? facts.info?.bucket}`,
    facts.s3Code && `S3 code ${facts.s3Code}`,
    facts.status !== undefined && `HTTP ${facts.status}`,
    facts.requestId && `request id ${facts.requestId}`,
    facts.netCode && `code ${facts.netCode}`,
    facts.message && redact(facts.message),
  ];
  return parts.filter(Boolean).join('; ');
}

const isAbort = (facts: Facts, err: unknown) =>
  facts.name === 'AbortError' || (err as { code?: unknown } | null)?.code === 'ABORT_ERR';

/** The catalogue code for a transport-level failure: DNS, TCP, TLS or a timeout. */
function transportError(facts: Facts): AppError | undefined {
  if (facts.netCode) return appError(NET_CODES[facts.netCode]!);
  if (/wrong version number|handshake failure|SSL routines/i.test(facts.message)) return appError('tls-failed');
  if (facts.name === 'TimeoutError') return appError('connect-timeout');
  return undefined;
}

function classify(err: unknown, facts: Facts, ctx: ErrorContext): AppError {
  if (err instanceof AppFailure) return err.appError;
  if (isAbort(facts, err)) return appError('cancelled');
  const rule = facts.s3Code ? S3_CODES[facts.s3Code] : undefined;
  if (rule) return rule(facts, ctx);
  if (facts.status === undefined) return transportError(facts) ?? appError('unknown');
  return bareStatus(facts, ctx) ?? appError(facts.status >= 500 ? 'server-error' : 'unknown');
}

/** Maps any thrown value to an AppError; `detail` carries S3 code, status and request id, never a secret. */
export function toAppError(err: unknown, ctx: ErrorContext = {}): AppError {
  const facts = factsOf(err);
  const mapped = classify(err, facts, ctx);
  if (err instanceof AppFailure) return mapped;
  const detail = detailOf(facts, ctx);
  return detail ? { ...mapped, detail } : mapped;
}

const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'throttled', 'server-error', 'connect-timeout', 'connect-refused', 'network', 'bad-digest',
]);

const isAppErrorValue = (value: unknown): value is AppError =>
  typeof value === 'object' && value !== null && typeof (value as AppError).code === 'string' &&
  typeof (value as AppError).message === 'string' && !(value instanceof Error);

/** Whether sending the same request again may succeed (throttling, 5xx, resets, timeouts, bad digests). */
export function isRetryable(err: unknown): boolean {
  if (isAppErrorValue(err)) return RETRYABLE.has(err.code);
  if (networkCode(err) === 'EAI_AGAIN') return true; // a DNS server hiccup, unlike ENOTFOUND
  return RETRYABLE.has(toAppError(err).code);
}
