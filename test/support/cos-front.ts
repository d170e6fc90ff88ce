// A COS-mode HTTPS front for tests: forwards every request unchanged to a real S3 server (Ceph RGW)
// and answers as Tencent COS does where they differ (see /work/shared/cos-s3-facts.md).
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { newRequestId } from './cos-front/errors.js';
import { answerError, recordRequest, type Exchange, type FrontState, type RecordedRequest } from './cos-front/exchange.js';
import { FaultQueue, faultError, type Fault } from './cos-front/faults.js';
import { forward } from './cos-front/forward.js';
import { BucketRegions, CrcLedger } from './cos-front/ledger.js';
import { firstRefusal } from './cos-front/rules.js';
import { readTarget } from './cos-front/target.js';

export type { Fault, FaultMatch } from './cos-front/faults.js';
export type { RecordedRequest } from './cos-front/exchange.js';
export { crc64, crc64Combine, Crc64 } from './cos-front/crc64.js';

export const DEFAULT_REGIONS = ['ap-guangzhou', 'ap-beijing'] as const;

export interface CosFrontOptions {
  /** The upstream S3 server's plain-HTTP address. */
  upstream: { host: string; port: number };
  tls: { cert: string | Buffer; key: string | Buffer };
  /** Regions whose hosts the front serves; the first is the region of buckets it has no record of. */
  regions?: string[];
  /** Where the CRC-64 goes: COS's own header, or the x-amz- form (unconfirmed) COS may also use. */
  crcHeaderName?: 'x-cos-hash-crc64ecma' | 'x-amz-hash-crc64ecma';
  /** Honour x-cos-forbid-overwrite on PUT Object (default), or ignore it as a server without it would. */
  forbidOverwrite?: boolean;
}

export interface CosFront {
  port: number;
  /** `https://cos.<region>.myqcloud.com:<port>`: an endpoint as a user would paste it. */
  url(region: string): string;
  setBucketRegion(bucket: string, region: string): void;
  /** The next `count` requests matching `fault.match` fail at the front without being forwarded. */
  failNext(count: number, fault: Fault): void;
  /** Every request the front received, in order (clear it with `requests.length = 0`). */
  requests: RecordedRequest[];
  /** Hold new requests (after recording them) until resume(). */
  pause(): void;
  resume(): void;
  /** Stops listening and destroys every connection, both sides. */
  close(): Promise<void>;
}

/** A gate requests wait at while the front is paused. */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  private paused = false;

  close(): void {
    if (this.paused) return;
    this.paused = true;
    this.opened = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.paused = false;
    this.release();
  }

  wait(): Promise<void> {
    return this.opened;
  }
}

interface Front {
  state: FrontState;
  faults: FaultQueue;
  gate: Gate;
  requests: RecordedRequest[];
  closed: boolean;
}

async function handle(front: Front, req: IncomingMessage, res: ServerResponse, awaitingContinue: boolean): Promise<void> {
  const { state } = front;
  const target = readTarget(req.method ?? 'GET', req.url ?? '/', req.headers, state.regions);
  const record = recordRequest(req, target);
  front.requests.push(record);
  const ex: Exchange = { req, res, target, record, state, awaitingContinue, requestId: newRequestId() };
  await front.gate.wait();
  if (front.closed) return void req.socket.destroy();
  const fault = front.faults.take(record);
  if (fault?.reset) return void req.socket.destroy();
  if (fault) return answerError(ex, faultError(fault));
  const refusal = firstRefusal({ target, headers: req.headers, bucketRegions: state.bucketRegions });
  if (refusal) return answerError(ex, refusal);
  await forward(ex);
}

function serve(front: Front) {
  return (req: IncomingMessage, res: ServerResponse, awaitingContinue: boolean) =>
    void handle(front, req, res, awaitingContinue).catch((error: unknown) => {
      console.error('[cos-front] request failed', error);
      res.destroy();
    });
}

function newFront(options: CosFrontOptions): Front {
  const regions = options.regions ?? [...DEFAULT_REGIONS];
  if (regions.length === 0) throw new Error('cos-front: at least one region is needed');
  const state: FrontState = {
    regions,
    bucketRegions: new BucketRegions(regions[0]!),
    ledger: new CrcLedger(),
    crcHeader: options.crcHeaderName ?? 'x-cos-hash-crc64ecma',
    forbidOverwrite: options.forbidOverwrite ?? true,
    upstream: options.upstream,
    // One upstream connection per request: a reused idle socket the upstream already closed would
    // surface as a spurious 502.
    agent: new Agent({ keepAlive: false }),
  };
  return { state, faults: new FaultQueue(), gate: new Gate(), requests: [], closed: false };
}

export async function startCosFront(options: CosFrontOptions): Promise<CosFront> {
  const front = newFront(options);
  const server = createServer({ cert: options.tls.cert, key: options.tls.key });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const serveRequest = serve(front);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => serveRequest(req, res, false));
  // Listening for checkContinue lets the rules refuse an upload before its body is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => serveRequest(req, res, true));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: (region) => `https://cos.${region}.myqcloud.com:${port}`,
    setBucketRegion: (bucket, region) => front.state.bucketRegions.set(bucket, region),
    failNext: (count, fault) => front.faults.add(count, fault),
    requests: front.requests,
    pause: () => front.gate.close(),
    resume: () => front.gate.open(),
    close: async () => {
      front.closed = true;
      front.gate.open();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      front.state.agent.destroy();
      await closed;
    },
  };
}
