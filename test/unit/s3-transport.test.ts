// The transport under the client: a custom CA added to (not replacing) the roots, the proxy tunnel for
// HTTP and HTTPS endpoints, keep-alive, timeouts, and the AppError each failure becomes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client, type ClientDeps, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { toAppError } from '../../src/main/engine/s3/error-map.js';
import { AppFailure } from '../../src/shared/errors.js';
import type { ResolvedConnection } from '../../src/shared/profile.js';
import {
  loopbackLookup,
  makeTestCa,
  resolvedFor,
  startConnectProxy,
  startStub,
  startTlsStub,
  TEST_KEYS,
  type Proxy,
  type Stub,
  type TestCa,
} from './s3-stub.js';

let ca: TestCa;
let tlsStub: Stub;
let plainStub: Stub;
let proxy: Proxy;
const open: S3Connection[] = [];

before(async () => {
  ca = await makeTestCa(['cos.test', '*.cos.test']);
  tlsStub = await startTlsStub(ca);
  plainStub = await startStub();
  proxy = await startConnectProxy();
});
after(async () => {
  for (const c of open) c.destroy();
  await Promise.all([tlsStub.close(), plainStub.close(), proxy.close()]);
  await ca.cleanup();
});

async function connect(resolved: ResolvedConnection, deps: ClientDeps = {}): Promise<S3Connection> {
  const conn = await createS3Client(resolved, TEST_KEYS, { lookup: loopbackLookup, maxAttempts: 1, ...deps });
  open.push(conn);
  return conn;
}

const Bucket = 'examplebucket-1250000000';
const put = (conn: S3Connection) => conn.client.send(new PutObjectCommand({ Bucket, Key: 'k', Body: Buffer.from('x') }));
const failure = (promise: Promise<unknown>) => promise.then(() => assert.fail('expected a failure'), (err: unknown) => err);
const https = (host: string, overrides: Partial<ResolvedConnection> = {}) =>
  resolvedFor('cos', `https://${host}:${tlsStub.port}`, { region: 'ap-guangzhou', ...overrides });

describe('custom CA', () => {
  it('without the CA the endpoint is untrusted', async () => {
    const err = await failure(put(await connect(https('cos.test'))));
    assert.equal(toAppError(err).code, 'tls-untrusted');
    assert.match(toAppError(err).detail ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|ISSUER/);
  });

  it('with caFile the same endpoint is trusted (virtual-hosted, wildcard certificate)', async () => {
    tlsStub.requests.length = 0;
    await put(await connect(https('cos.test', { caFile: ca.caFile })));
    assert.equal(tlsStub.requests[0]?.host, `${Bucket}.cos.test:${tlsStub.port}`);
  });

  it('a certificate for another name is a host-name mismatch, even with the CA', async () => {
    const err = await failure(put(await connect(https('other.test', { caFile: ca.caFile }))));
    assert.equal(toAppError(err).code, 'tls-hostname-mismatch');
  });

  it('an unreadable or non-PEM CA file fails before any request', async () => {
    const missing = await failure(connect(https('cos.test', { caFile: join(ca.dir, 'missing.pem') })));
    assert.ok(missing instanceof AppFailure);
    assert.equal(missing.appError.code, 'ca-unreadable');
    const notPem = join(ca.dir, 'not.pem');
    await writeFile(notPem, 'hello');
    const bad = await failure(connect(https('cos.test', { caFile: notPem })));
    assert.equal(toAppError(bad).code, 'ca-unreadable');
  });

  it('HTTPS to a plain-HTTP port is a TLS failure', async () => {
    const resolved = resolvedFor('minio', `https://minio.test:${plainStub.port}`);
    const err = await failure((await connect(resolved)).client.send(new ListObjectsV2Command({ Bucket: 'b' })));
    assert.equal(toAppError(err).code, 'tls-failed');
  });
});

describe('proxy', () => {
  it('tunnels a plain-HTTP endpoint through CONNECT', async () => {
    proxy.seen.length = 0;
    plainStub.requests.length = 0;
    const resolved = resolvedFor('cos', `http://cos.test:${plainStub.port}`, { proxy: `http://127.0.0.1:${proxy.port}` });
    await put(await connect(resolved));
    assert.deepEqual(proxy.seen, [`CONNECT ${Bucket}.cos.test:${plainStub.port}`]);
    assert.equal(plainStub.requests.length, 1);
  });

  it('tunnels HTTPS and still verifies the endpoint with the custom CA', async () => {
    proxy.seen.length = 0;
    const resolved = https('cos.test', { caFile: ca.caFile, proxy: `http://127.0.0.1:${proxy.port}` });
    await put(await connect(resolved));
    assert.deepEqual(proxy.seen, [`CONNECT ${Bucket}.cos.test:${tlsStub.port}`]);
    const untrusted = await failure(put(await connect(https('cos.test', { proxy: `http://127.0.0.1:${proxy.port}` }))));
    assert.equal(toAppError(untrusted).code, 'tls-untrusted');
  });

  it('an invalid proxy URL is refused without echoing it', async () => {
    const err = await failure(connect(https('cos.test', { proxy: 'socks5://user:s3cret@proxy:1080' })));
    assert.equal(toAppError(err).code, 'invalid-proxy');
    assert.doesNotMatch(JSON.stringify(toAppError(err)), /s3cret/);
  });
});

describe('connections and timeouts', () => {
  it('keeps connections alive, and destroy() closes them', async () => {
    const own = await startStub();
    try {
      const conn = await connect(resolvedFor('minio', `http://minio.test:${own.port}`));
      for (let i = 0; i < 5; i++) await conn.client.send(new ListObjectsV2Command({ Bucket: 'b' }));
      assert.equal(own.connections, 1, 'one socket for five sequential requests');
      conn.destroy();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await own.openConnections(), 0);
    } finally {
      await own.close();
    }
  });

  it('honours maxSockets', async () => {
    let inFlight = 0;
    let peak = 0;
    // Counts requests waiting for an answer: sockets closing on the server side lag behind the client.
    const server = createServer((socket: Socket) => {
      socket.once('data', () => {
        peak = Math.max(peak, ++inFlight);
        setTimeout(() => {
          inFlight--;
          socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        }, 30);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const conn = await connect(resolvedFor('minio', `http://minio.test:${port}`), { maxSockets: 2 });
    const sends = Array.from({ length: 6 }, (_, i) => conn.client.send(new PutObjectCommand({ Bucket: 'b', Key: `k${i}`, Body: 'x' })));
    await Promise.all(sends);
    assert.equal(peak, 2);
    server.close();
  });

  it('a refused connection and a stalled server map to their codes', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const refused = await failure(put(await connect(resolvedFor('cos', `http://cos.test:${deadPort}`))));
    assert.equal(toAppError(refused).code, 'connect-refused');

    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s)); // accepts, never answers
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    const stalled = await failure(put(await connect(resolvedFor('cos', `http://cos.test:${port}`), { requestTimeoutMs: 300 })));
    assert.equal(toAppError(stalled).code, 'connect-timeout');
    for (const s of sockets) s.destroy();
    silent.close();
  });
});
