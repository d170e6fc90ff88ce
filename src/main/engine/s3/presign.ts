// Presigned GET links: anyone holding one downloads the object until it expires, with no keys. SigV4 links
// come from the SDK's presigner; SigV2 profiles get a query-string-authenticated link signed like their requests.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/protocol-http';
import type { FinalizeHandlerArguments, HttpRequest as IHttpRequest } from '@smithy/types';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { S3Connection } from './client-factory.js';
import { toAppError } from './error-map.js';
import { signatureV2, stringToSign } from './sigv2.js';

/** SigV4 caps X-Amz-Expires at seven days. */
export const MAX_EXPIRY_V4_SECONDS = 7 * 24 * 3600;
/**
 * SigV2 links carry an absolute expiry time and the protocol sets no limit; a link is a password to the
 * file, so we cap it at thirty days.
 */
export const MAX_EXPIRY_V2_SECONDS = 30 * 24 * 3600;

export const maxExpirySeconds = (signature: 'v4' | 'v2'): number => (signature === 'v2' ? MAX_EXPIRY_V2_SECONDS : MAX_EXPIRY_V4_SECONDS);

export interface PresignedLink {
  url: string;
  expiresAtMs: number;
}

/** A link that GETs `key` (the full object key) for `expiresInSeconds`; rejects with AppFailure. */
export async function presignGet(connection: S3Connection, bucket: string, key: string, expiresInSeconds: number): Promise<PresignedLink> {
  const { signature } = connection.resolved;
  const max = maxExpirySeconds(signature);
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > max) {
    throw new AppFailure(appError('invalid-argument', {
      message: `A link can last from 1 second to ${max / 86400} days with signature ${signature}; ${expiresInSeconds} seconds was asked.`,
      hint: signature === 'v4' ? 'Signature v4 links last at most 7 days; choose 7 days or less.' : 'Choose 30 days or less.',
    }));
  }
  const nowMs = Date.now() + (connection.client.config.systemClockOffset ?? 0);
  const command = new GetObjectCommand({ Bucket: bucket, Key: key });
  try {
    const url = signature === 'v2'
      ? await presignV2(connection, command, Math.floor(nowMs / 1000) + expiresInSeconds)
      : await getSignedUrl(connection.client, command, { expiresIn: expiresInSeconds, signingDate: new Date(nowMs) });
    return { url, expiresAtMs: nowMs + expiresInSeconds * 1000 };
  } catch (err) {
    throw err instanceof AppFailure ? err : new AppFailure(toAppError(err, { bucket, operation: 'GetObject' }));
  }
}

/**
 * The request the client would send (endpoint, addressing and key encoding as for any request), caught before
 * it is signed, then signed the SigV2 query-string way: `Expires` in the Date position of the string to sign.
 */
async function presignV2(connection: S3Connection, command: GetObjectCommand, expires: number): Promise<string> {
  let built: IHttpRequest | undefined;
  const stack = connection.client.middlewareStack.clone();
  const intercept = (() => async (args: FinalizeHandlerArguments<object>) => {
    built = args.request as IHttpRequest;
    return { response: {}, output: { $metadata: {} } };
  }) as unknown as Parameters<typeof stack.addRelativeTo>[0];
  stack.addRelativeTo(intercept, {
    name: 'presignV2Intercept', relation: 'before', toMiddleware: 'awsAuthMiddleware', override: true,
  });
  await command.resolveMiddleware(stack as never, connection.client.config, {})({ input: command.input });
  if (!built || !HttpRequest.isInstance(built)) throw new Error('The request to presign could not be built.');
  const credentials = await connection.client.config.credentials();
  const amz: Record<string, string> = credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {};
  const toSign = stringToSign({ ...built, headers: { date: String(expires), ...amz } }, connection.resolved.host);
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(built.query ?? {})) if (typeof value === 'string') query[name] = value;
  Object.assign(query, amz, { AWSAccessKeyId: credentials.accessKeyId, Expires: String(expires), Signature: signatureV2(credentials.secretAccessKey, toSign) });
  const search = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const port = built.port ? `:${built.port}` : '';
  return `${built.protocol}//${built.hostname}${port}${built.path}?${search}`;
}
