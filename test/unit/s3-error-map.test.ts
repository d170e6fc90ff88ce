// toAppError and isRetryable: one row per S3 code, bare HEAD status, network and TLS failure, and the
// detail they carry (S3 code, status, request id; never a signature or a signed URL).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appError, AppFailure, type ErrorCode } from '../../src/shared/errors.js';
import { isRetryable, redact, toAppError } from '../../src/main/engine/s3/error-map.js';

/** Shaped like the SDK's service exceptions. */
function s3Error(code: string, status: number, message = `${code} message`) {
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'REQ123', attempts: 1 },
  });
}

/** What the SDK throws for a body-less (HEAD) error response. */
function bareError(status: number) {
  return Object.assign(new Error('UnknownError'), {
    name: status === 404 ? 'NotFound' : 'Unknown',
    $fault: 'client',
    $metadata: { httpStatusCode: status, requestId: 'REQ9' },
  });
}

const nodeError = (code: string, message = `connect ${code}`) => Object.assign(new Error(message), { code });

const S3_TABLE: Array<[string, number, ErrorCode]> = [
  ['InvalidAccessKeyId', 403, 'access-key-unknown'],
  ['SignatureDoesNotMatch', 403, 'signature-mismatch'],
  ['RequestTimeTooSkewed', 403, 'clock-skewed'],
  ['NoSuchBucket', 404, 'no-such-bucket'],
  ['NoSuchKey', 404, 'no-such-key'],
  ['PathStyleDomainForbidden', 403, 'path-style-forbidden'],
  ['AccessDenied', 403, 'access-denied'],
  ['KeyTooLong', 400, 'key-too-long'],
  ['InvalidBucketName', 400, 'invalid-bucket-name-server'],
  ['BucketAlreadyExists', 409, 'bucket-exists'],
  ['BucketAlreadyOwnedByYou', 409, 'bucket-owned'],
  ['EntityTooSmall', 400, 'entity-too-small'],
  ['NoSuchUpload', 404, 'no-such-upload'],
  ['InvalidObjectState', 403, 'invalid-object-state'],
  ['BadDigest', 400, 'bad-digest'],
  ['InvalidDigest', 400, 'bad-digest'],
  ['SlowDown', 503, 'throttled'],
  ['ServiceUnavailable', 503, 'throttled'],
  ['InternalError', 500, 'server-error'],
  ['RequestTimeout', 400, 'network'],
  ['PermanentRedirect', 301, 'wrong-region'],
  ['PreconditionFailed', 412, 'precondition-failed'],
  ['SomethingNew', 400, 'unknown'],
  ['SomethingNewAndBroken', 502, 'server-error'],
];

describe('toAppError: S3 error codes', () => {
  for (const [s3Code, status, expected] of S3_TABLE) {
    it(`${s3Code} (${status}) -> ${expected}`, () => {
      const mapped = toAppError(s3Error(s3Code, status), { operation: 'PutObject', bucket: 'photos-125' });
      assert.equal(mapped.code, expected);
      assert.match(mapped.detail ?? '', new RegExp(`S3 code ${s3Code}; HTTP ${status}; request id REQ123`));
      assert.match(mapped.detail ?? '', /operation PutObject; bucket photos-125/);
    });
  }

  it('"Request has expired" (AccessDenied) is a clock problem', () => {
    assert.equal(toAppError(s3Error('AccessDenied', 403, 'Request has expired')).code, 'clock-skewed');
  });

  it('AccessDenied names the operation and the bucket', () => {
    const mapped = toAppError(s3Error('AccessDenied', 403), { operation: 'DeleteObjects', bucket: 'b-1' });
    assert.equal(mapped.message, 'The keys do not have permission to delete files in bucket "b-1" (DeleteObjects).');
    assert.ok(mapped.hint);
  });
});

describe('toAppError: body-less HEAD responses', () => {
  it('404 on HeadObject is a missing object, on HeadBucket a missing bucket', () => {
    assert.equal(toAppError(bareError(404), { operation: 'HeadObject' }).code, 'no-such-key');
    assert.equal(toAppError(bareError(404), { operation: 'HeadBucket' }).code, 'no-such-bucket');
  });

  it('403 is access denied, with the status and request id in the detail', () => {
    const mapped = toAppError(bareError(403), { operation: 'HeadObject' });
    assert.equal(mapped.code, 'access-denied');
    assert.match(mapped.detail ?? '', /HTTP 403; request id REQ9/);
    assert.doesNotMatch(mapped.detail ?? '', /S3 code/);
  });

  it('503 and other 5xx without a body', () => {
    assert.equal(toAppError(bareError(503)).code, 'throttled');
    assert.equal(toAppError(bareError(500)).code, 'server-error');
  });
});

describe('toAppError: network, TLS, timeouts, cancel', () => {
  const table: Array<[string, unknown, ErrorCode]> = [
    ['ENOTFOUND', nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND cos.example'), 'dns-failed'],
    ['EAI_AGAIN', nodeError('EAI_AGAIN'), 'dns-failed'],
    ['ECONNREFUSED', nodeError('ECONNREFUSED'), 'connect-refused'],
    ['ETIMEDOUT', nodeError('ETIMEDOUT'), 'connect-timeout'],
    ['smithy TimeoutError', Object.assign(new Error('socket did not establish a connection'), { name: 'TimeoutError' }), 'connect-timeout'],
    ['ECONNRESET', nodeError('ECONNRESET', 'socket hang up'), 'network'],
    ['AggregateError (happy eyeballs)', Object.assign(new AggregateError([nodeError('ECONNREFUSED')], ''), { code: 'ECONNREFUSED' }), 'connect-refused'],
    ['nested cause', Object.assign(new Error('fetch failed'), { cause: nodeError('ENOTFOUND') }), 'dns-failed'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls-untrusted'],
    ['SELF_SIGNED_CERT_IN_CHAIN', nodeError('SELF_SIGNED_CERT_IN_CHAIN'), 'tls-untrusted'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', nodeError('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls-untrusted'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', nodeError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY'), 'tls-untrusted'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls-hostname-mismatch'],
    ['CERT_HAS_EXPIRED', nodeError('CERT_HAS_EXPIRED'), 'tls-expired'],
    ['CERT_NOT_YET_VALID', nodeError('CERT_NOT_YET_VALID'), 'tls-expired'],
    ['EPROTO', nodeError('EPROTO', 'write EPROTO 40E7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), 'tls-failed'],
    ['wrong version number (no code)', new Error('ssl3_get_record:wrong version number'), 'tls-failed'],
    ['AbortError', Object.assign(new Error('Request aborted'), { name: 'AbortError' }), 'cancelled'],
    ['DOMException abort', new DOMException('This operation was aborted', 'AbortError'), 'cancelled'],
    ['anything else', new Error('boom'), 'unknown'],
    ['a string', 'boom', 'unknown'],
  ];
  for (const [name, err, expected] of table) {
    it(`${name} -> ${expected}`, () => assert.equal(toAppError(err).code, expected));
  }

  it('an AppFailure passes through unchanged', () => {
    const error = appError('ca-unreadable', { detail: '/x.pem: ENOENT' });
    assert.deepEqual(toAppError(new AppFailure(error)), error);
  });
});

describe('no secret reaches the detail', () => {
  it('signed URLs, signatures and proxy passwords are redacted', () => {
    const message =
      'GET https://b.cos.test/k?X-Amz-Signature=abcdef&X-Amz-Credential=AKID%2F2024 failed via http://user:hunter2@proxy:8080/ ' +
      'Authorization Signature=deadbeef';
    const detail = toAppError(Object.assign(new Error(message), { code: 'ECONNRESET' })).detail ?? '';
    for (const secret of ['abcdef', 'hunter2', 'deadbeef', 'AKID%2F2024']) assert.ok(!detail.includes(secret), detail);
    assert.match(detail, /https:\/\/b\.cos\.test\/k\?…/);
    assert.equal(redact('plain text'), 'plain text');
  });
});

describe('isRetryable', () => {
  const retryable = [s3Error('SlowDown', 503), s3Error('InternalError', 500), s3Error('BadDigest', 400), nodeError('ECONNRESET'),
    nodeError('ETIMEDOUT'), nodeError('EAI_AGAIN'), s3Error('RequestTimeout', 400), bareError(503)];
  const final = [s3Error('AccessDenied', 403), s3Error('NoSuchBucket', 404), s3Error('SignatureDoesNotMatch', 403),
    nodeError('ENOTFOUND'), nodeError('CERT_HAS_EXPIRED'), Object.assign(new Error('x'), { name: 'AbortError' }), new Error('boom')];
  it('retries throttling, server errors, resets, timeouts and bad digests', () => {
    for (const err of retryable) assert.equal(isRetryable(err), true, String(err));
  });
  it('does not retry what the same request cannot fix', () => {
    for (const err of final) assert.equal(isRetryable(err), false, String(err));
  });
  it('accepts an AppError value too', () => {
    assert.equal(isRetryable(appError('throttled')), true);
    assert.equal(isRetryable(appError('no-such-bucket')), false);
  });
});
