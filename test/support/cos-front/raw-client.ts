// A raw HTTPS client for poking the COS front with exact headers: every host name resolves to
// 127.0.0.1 (no DNS), and the test CA is the only one trusted.
import { request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { loopbackLookup } from '../env.js';

export interface RawRequest {
  method?: string;
  host: string;
  port: number;
  /** The TLS name, when the Host header says something else. */
  servername?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  ca: string | Buffer;
  /** Send `Expect: 100-continue` and the body only once the server says so. */
  expectContinue?: boolean;
  agent?: RequestOptions['agent'];
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the server asked for the body (100 Continue) before answering. */
  continued: boolean;
}

function writeBody(req: ReturnType<typeof request>, options: RawRequest, state: { continued: boolean }): void {
  if (!options.expectContinue) return void req.end(options.body);
  req.on('continue', () => {
    state.continued = true;
    req.end(options.body);
  });
  req.on('response', () => void (state.continued || req.end()));
}

export function rawRequest(options: RawRequest): Promise<RawReply> {
  const headers: Record<string, string | number> = { ...options.headers };
  if (options.expectContinue) headers.expect = '100-continue';
  const state = { continued: false };
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: options.host, servername: options.servername ?? options.host, port: options.port, path: options.path ?? '/', method: options.method ?? 'GET', headers, ca: options.ca, lookup: loopbackLookup, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), continued: state.continued }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    writeBody(req, options, state);
  });
}

/** The <Code> of an XML error body, if any. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}
