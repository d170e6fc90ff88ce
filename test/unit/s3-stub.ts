// Test doubles for the S3 client tests: a loopback S3 stub that records the raw request headers it got,
// a CONNECT proxy, a throw-away CA made with openssl, and ResolvedConnections built from the presets.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type * as dns from 'node:dns';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROVIDERS, type ProviderId } from '../../src/shared/providers.js';
import type { ResolvedConnection } from '../../src/shared/profile.js';

/** Every host name resolves to 127.0.0.1: virtual-hosted bucket names need no DNS. */
export const loopbackLookup = ((_host: string, options: unknown, callback?: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  if (all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}) as unknown as typeof dns.lookup;

export interface Recorded {
  method: string;
  url: string;
  host: string;
  /** Lower-cased names, as Node parsed them. */
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Responder = (req: Recorded) => Reply | undefined;

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

/** Minimal valid answers for the operations the tests send. */
export function defaultReply(req: Recorded): Reply {
  const url = new URL(req.url, 'http://stub');
  const q = url.searchParams;
  if (req.method === 'POST' && q.has('delete')) {
    return { body: xml('<DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>') };
  }
  if (req.method === 'POST' && q.has('uploads')) {
    return { body: xml('<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>') };
  }
  if (req.method === 'GET' && q.get('list-type') === '2') {
    return { body: xml('<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>') };
  }
  if (req.method === 'PUT') return { headers: { etag: '"0123456789abcdef0123456789abcdef"' } };
  if (req.method === 'HEAD') return { headers: { 'content-length': '0', etag: '"e"' } };
  return { body: 'hello' };
}

export interface Stub {
  port: number;
  requests: Recorded[];
  /** Per-test answers; undefined falls back to defaultReply. */
  respond: Responder | undefined;
  /** TCP connections accepted so far, and how many are open now. */
  connections: number;
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

function answer(stub: Stub) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      stub.requests.push(recorded);
      const reply = stub.respond?.(recorded) ?? defaultReply(recorded);
      const body = reply.body ?? '';
      res.writeHead(reply.status ?? 200, {
        'x-amz-request-id': `req-${stub.requests.length}`,
        date: new Date().toUTCString(),
        'content-length': String(Buffer.byteLength(body)),
        ...reply.headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  };
}

async function listen(server: Server, stub: Stub): Promise<Stub> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  stub.port = (server.address() as AddressInfo).port;
  server.on('connection', () => stub.connections++);
  stub.openConnections = () => new Promise((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
  stub.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return stub;
}

/** A plain-HTTP S3 stub on 127.0.0.1 (port 0). */
export async function startStub(respond?: Responder): Promise<Stub> {
  const stub = { port: 0, requests: [], respond, connections: 0 } as unknown as Stub;
  return listen(createHttpServer(answer(stub)), stub);
}

/** The same stub over HTTPS with the given certificate. */
export async function startTlsStub(tls: { cert: string; key: string }, respond?: Responder): Promise<Stub> {
  const stub = { port: 0, requests: [], respond, connections: 0 } as unknown as Stub;
  return listen(createHttpsServer(tls, answer(stub)) as unknown as Server, stub);
}

export interface Proxy {
  port: number;
  /** Request lines seen, e.g. "CONNECT bucket.cos.test:1234". */
  seen: string[];
  close(): Promise<void>;
}

/** A CONNECT-only forward proxy on loopback: tunnels every target to 127.0.0.1 and records it. */
export async function startConnectProxy(): Promise<Proxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`${req.method} ${req.url}`);
    const port = Number((req.url ?? '').split(':').pop());
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

const run = promisify(execFile);

export interface TestCa {
  dir: string;
  caFile: string;
  cert: string;
  key: string;
  cleanup(): Promise<void>;
}

/** A CA and a server certificate for the given names, made with the openssl command line. */
export async function makeTestCa(names: string[]): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 's3-ca-'));
  const at = (file: string) => join(dir, file);
  const subj = ['-subj'];
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', at('ca.key'),
    '-out', at('ca.pem'), ...subj, '/CN=COS Sync test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'),
    ...subj, `/CN=${names[0]}`]);
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  await writeFile(at('ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'),
    '-CAcreateserial', '-days', '2', '-out', at('server.pem'), '-extfile', at('ext.cnf')]);
  return {
    dir,
    caFile: at('ca.pem'),
    cert: await readFile(at('server.pem'), 'utf8'),
    key: await readFile(at('server.key'), 'utf8'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A ResolvedConnection as resolveConnection would make it for `provider` at `endpoint`. */
export function resolvedFor(provider: ProviderId, endpoint: string | undefined, overrides: Partial<ResolvedConnection> = {}): ResolvedConnection {
  const preset = PROVIDERS[provider];
  const url = endpoint ? new URL(endpoint) : undefined;
  return {
    provider,
    endpoint,
    protocol: url?.protocol === 'http:' ? 'http' : 'https',
    host: url?.hostname,
    port: url?.port ? Number(url.port) : undefined,
    region: preset.fallbackRegion,
    regionSource: 'default',
    forcePathStyle: preset.defaultAddressing === 'path',
    addressingSource: 'auto',
    signature: 'v4',
    checksums: preset.sdkDefaultChecksums ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    md5Fallback: preset.md5ForRequiredChecksums,
    cos: preset.cosSemantics,
    caFile: undefined,
    proxy: undefined,
    ...overrides,
  };
}

export const TEST_KEYS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-key' };
