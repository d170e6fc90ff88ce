// The one place that builds an S3Client: every provider quirk (checksums, Content-MD5, SigV2, addressing,
// CA, proxy, retries, clock skew) is applied here from a ResolvedConnection, so callers never special-case.
import type * as dns from 'node:dns';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ResolvedConnection } from '../../../shared/profile.js';
import { CLOCK_SKEW_RETRY_MIDDLEWARE, clockSkewRetryMiddleware } from './clock-skew.js';
import { MD5_FALLBACK_MIDDLEWARE, md5FallbackMiddleware } from './md5-fallback.js';
import {
  REQUEST_DISPATCH_MIDDLEWARE, REQUEST_HEADERS_MIDDLEWARE, requestDispatchMiddleware, requestHeadersMiddleware,
} from './request-options.js';
import { RESPONSE_INFO_MIDDLEWARE, responseInfoMiddleware } from './response-info.js';
import { SigV2Signer } from './sigv2.js';
import { createTransport, type Transport } from './transport.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ClientDeps {
  /** DNS lookup for the endpoint (tests map every host to 127.0.0.1). */
  lookup?: typeof dns.lookup;
  /** This machine's clock as the engine sees it; a skewed one starts the SDK with that offset. */
  now?: () => number;
  maxSockets?: number;
  connectTimeoutMs?: number;
  /** Idle time on an open connection before a request fails (a stall, not a cap on a long transfer). */
  requestTimeoutMs?: number;
  /** Attempts per request, retries included (default 5). */
  maxAttempts?: number;
}

export interface S3Connection {
  client: S3Client;
  resolved: ResolvedConnection;
  /**
   * How far the SDK has moved its signing clock from this machine's clock (ms), from the Date headers it
   * saw; |value| above a few minutes means the user's clock is wrong.
   */
  clockOffsetMs(): number;
  /** Closes pooled sockets; the client must not be used afterwards. */
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * SigV2 cannot carry the SDK's streamed (aws-chunked) checksums and old servers want Content-MD5 on
 * the operations the SDK protects with CRC32, so SigV2 always runs WHEN_REQUIRED with the MD5 fallback.
 */
function checksumMode(resolved: ResolvedConnection): { mode: ResolvedConnection['checksums']; md5: boolean } {
  if (resolved.signature === 'v2') return { mode: 'WHEN_REQUIRED', md5: true };
  return { mode: resolved.checksums, md5: resolved.md5Fallback };
}

function clientConfig(
  resolved: ResolvedConnection,
  credentials: Credentials,
  transport: Transport,
  deps: ClientDeps,
  initialOffsetMs: number,
): S3ClientConfig {
  const { mode } = checksumMode(resolved);
  const { accessKeyId, secretAccessKey, sessionToken } = credentials;
  return {
    region: resolved.region,
    ...(resolved.endpoint ? { endpoint: resolved.endpoint } : {}),
    forcePathStyle: resolved.forcePathStyle,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
    retryMode: 'adaptive',
    maxAttempts: deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: transport.handler,
    // The SDK signs with Date.now() + systemClockOffset and corrects the offset from response Date
    // headers, then resends (the SDK or clock-skew.ts): starting from a simulated skew tests that path.
    systemClockOffset: initialOffsetMs,
    // Environment and shared-config settings must not silently reroute a profile the user set up.
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    useAccelerateEndpoint: false,
    followRegionRedirects: false,
    ...(resolved.signature === 'v2' ? { signer: new SigV2Signer(credentials, resolved.host) } : {}),
  };
}

/** Adds our middlewares to the client's stack (each module says where its middleware sits and why). */
function installMiddleware(client: S3Client, resolved: ResolvedConnection): void {
  const capture = responseInfoMiddleware({ pathStyle: resolved.forcePathStyle, cos: resolved.cos });
  client.middlewareStack.add(capture, RESPONSE_INFO_MIDDLEWARE);
  client.middlewareStack.add(requestHeadersMiddleware, REQUEST_HEADERS_MIDDLEWARE);
  client.middlewareStack.add(requestDispatchMiddleware, REQUEST_DISPATCH_MIDDLEWARE);
  client.middlewareStack.addRelativeTo(clockSkewRetryMiddleware(client.config), CLOCK_SKEW_RETRY_MIDDLEWARE);
  if (checksumMode(resolved).md5) client.middlewareStack.addRelativeTo(md5FallbackMiddleware, MD5_FALLBACK_MIDDLEWARE);
}

/** Builds the client for a resolved connection; rejects with AppFailure (ca-unreadable, invalid-proxy). */
export async function createS3Client(
  resolved: ResolvedConnection,
  credentials: Credentials,
  deps: ClientDeps = {},
): Promise<S3Connection> {
  const transport = await createTransport(resolved, deps);
  const initialOffsetMs = deps.now ? deps.now() - Date.now() : 0;
  const client = new S3Client(clientConfig(resolved, credentials, transport, deps, initialOffsetMs));
  installMiddleware(client, resolved);
  return {
    client,
    resolved,
    // Relative to the (possibly simulated) local clock: what the server's clock says minus ours.
    clockOffsetMs: () => (client.config.systemClockOffset ?? 0) - initialOffsetMs,
    destroy() {
      client.destroy();
      transport.destroy();
    },
  };
}
