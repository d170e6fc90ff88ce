// The HTTP layer under the S3 client: keep-alive agents, the custom CA added to Node's roots, the proxy
// tunnel and the timeouts. Only client-factory.ts uses it.
import type * as dns from 'node:dns';
import type * as http from 'node:http';
import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LookupFunction } from 'node:net';
import * as tls from 'node:tls';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpRequest } from '@smithy/protocol-http';
import type { HttpHandlerOptions } from '@smithy/types';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { ResolvedConnection } from '../../../shared/profile.js';
import { requestSignals } from './request-options.js';

export interface TransportOptions {
  lookup?: typeof dns.lookup;
  maxSockets?: number;
  connectTimeoutMs?: number;
  /** Idle time on an open socket before the request fails (not a cap on the whole transfer). */
  requestTimeoutMs?: number;
}

export interface Transport {
  handler: NodeHttpHandler;
  destroy(): void;
}

export const DEFAULT_MAX_SOCKETS = 50;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Reads the PEM file and returns Node's roots plus it: the user's CA is trusted in addition, never instead. */
export async function trustedRoots(caFile: string | undefined): Promise<string[] | undefined> {
  if (!caFile) return undefined;
  let pem: string;
  try {
    pem = await readFile(caFile, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'read failed';
    throw new AppFailure(appError('ca-unreadable', { detail: `${caFile}: ${reason}` }));
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AppFailure(appError('ca-unreadable', { detail: `${caFile}: no PEM certificate in the file` }));
  }
  return [...tls.rootCertificates, pem];
}

type AgentConnectOpts = Parameters<HttpsProxyAgent<string>['connect']>[1];

/**
 * https-proxy-agent replaces the Agent options with its own, so the TLS options meant for the endpoint
 * (our CA) never reach the tunnelled TLS handshake: pass them in on every connect.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    options: http.AgentOptions & { lookup?: LookupFunction },
    private readonly endpointTls: tls.ConnectionOptions,
  ) {
    super(proxy, options);
  }

  override connect(req: http.ClientRequest, opts: AgentConnectOpts) {
    return super.connect(req, { ...opts, ...this.endpointTls } as AgentConnectOpts);
  }
}

function parseProxy(proxy: string): URL {
  try {
    const url = new URL(proxy);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // fall through to the error below
  }
  // The URL may hold a password: name only the scheme problem, never echo it.
  throw new AppFailure(appError('invalid-proxy'));
}

/** Takes a request's abort signal from request-options.ts when the send gave none (cached handlers give none). */
class SignalledHandler extends NodeHttpHandler {
  override handle(request: HttpRequest, options: HttpHandlerOptions = {}) {
    const abortSignal = options.abortSignal ?? requestSignals.get(request);
    return super.handle(request, abortSignal ? { ...options, abortSignal } : options);
  }
}

/** Builds the request handler; `destroy()` closes every pooled socket. */
export async function createTransport(resolved: ResolvedConnection, options: TransportOptions = {}): Promise<Transport> {
  const ca = await trustedRoots(resolved.caFile);
  const base: http.AgentOptions & { lookup?: LookupFunction } = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    ...(options.lookup ? { lookup: options.lookup as unknown as LookupFunction } : {}),
  };
  let httpAgent: http.Agent;
  let httpsAgent: http.Agent;
  if (resolved.proxy) {
    // One tunnelling agent for both schemes: plain-HTTP endpoints go through CONNECT as well, so the
    // proxy sees neither the path nor the Authorization header of any request.
    // The CA goes to both handshakes: an HTTPS proxy of a private deployment may use the same CA.
    const tls = ca ? { ca } : {};
    const tunnel = new TunnelAgent(parseProxy(resolved.proxy), { ...base, ...tls }, tls);
    httpAgent = tunnel;
    httpsAgent = tunnel;
  } else {
    httpAgent = new HttpAgent(base);
    httpsAgent = new HttpsAgent({ ...base, ...(ca ? { ca } : {}) });
  }
  const handler = new SignalledHandler({
    httpAgent,
    httpsAgent: httpsAgent as HttpsAgent,
    connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    socketTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  return {
    handler,
    destroy() {
      handler.destroy();
      httpAgent.destroy();
      if (httpsAgent !== httpAgent) httpsAgent.destroy();
    },
  };
}
