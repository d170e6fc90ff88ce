// Forwards a request to the upstream S3 server unchanged (method, path, query, Host, Authorization),
// streaming both bodies, and relays the answer through the operation's plan.
import { request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { Crc64 } from './crc64.js';
import { cosErrors } from './errors.js';
import { answerError, readBody, type Exchange } from './exchange.js';
import type { Checksum } from './ledger.js';
import { OP_PLANS, type OpPlan, type UpstreamAnswer } from './plans.js';

const BUFFER_LIMIT = 8 * 1024 * 1024;

// Hop-by-hop headers belong to one connection; SigV4 never signs them. `expect` is answered here.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/** Passes bytes through unchanged while computing their CRC-64. */
class CrcTap extends Transform {
  private readonly crc = new Crc64();
  private settle: (sum: Checksum | undefined) => void = () => undefined;
  readonly result = new Promise<Checksum | undefined>((resolve) => (this.settle = resolve));

  constructor() {
    super();
    this.once('close', () => this.settle(undefined));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.crc.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.settle({ crc: this.crc.digest(), length: this.crc.length });
    done();
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) kept[name] = value;
  }
  return kept;
}

function sendBody(ex: Exchange, plan: OpPlan, upstream: ReturnType<typeof request>): void {
  if (plan.requestBody === 'buffer') return void upstream.end(ex.requestBody);
  let source: Readable = ex.req;
  if (plan.requestBody === 'crc') {
    const tap = new CrcTap();
    ex.bodyCrc = tap.result;
    source = ex.req.pipe(tap);
  }
  source.pipe(upstream);
  // A client that gives up mid-body must not leave a half-sent request upstream.
  ex.req.once('close', () => void (ex.req.complete || upstream.destroy()));
}

async function relay(ex: Exchange, plan: OpPlan, upstream: IncomingMessage): Promise<void> {
  const answer: UpstreamAnswer = { status: upstream.statusCode ?? 502, headers: withoutHopByHop(upstream.headers) };
  answer.headers['x-cos-request-id'] = upstream.headers['x-amz-request-id'] ?? ex.requestId;
  if (plan.bufferResponse) {
    answer.body = await readBody(upstream, BUFFER_LIMIT);
    if (!answer.body) return answerError(ex, cosErrors.bodyTooLarge);
  }
  await plan.onAnswer?.(ex, answer);
  if (answer.body) answer.headers['content-length'] = answer.body.length;
  ex.record.status = answer.status;
  if (ex.res.destroyed) return void upstream.destroy();
  ex.res.writeHead(answer.status, answer.headers);
  if (answer.body) ex.res.end(answer.body);
  else pipeline(upstream, ex.res, () => undefined);
}

/** Reads the bodies the plan inspects before forwarding; false when the front answered instead. */
async function readRequestBody(ex: Exchange, plan: OpPlan): Promise<boolean> {
  if (plan.requestBody !== 'buffer') return true;
  const body = await readBody(ex.req, BUFFER_LIMIT);
  const refusal = body ? plan.checkBody?.(ex, body) : cosErrors.bodyTooLarge;
  if (refusal) {
    await answerError(ex, refusal);
    return false;
  }
  ex.requestBody = body;
  return true;
}

export async function forward(ex: Exchange): Promise<void> {
  const plan = OP_PLANS[ex.target.op] ?? {};
  if (ex.awaitingContinue) {
    ex.res.writeContinue();
    ex.awaitingContinue = false;
  }
  if (!(await readRequestBody(ex, plan))) return;
  const { upstream: target, agent } = ex.state;
  const headers = withoutHopByHop(ex.req.headers);
  // COS's x-cos-forbid-overwrite on PUT Object, done by the upstream's own conditional PUT (atomic on RGW;
  // an unsigned header added on the way does not disturb the client's signature). COS refuses with 409.
  const forbid = ex.state.forbidOverwrite && ex.target.op === 'putObject' && String(ex.req.headers['x-cos-forbid-overwrite']).toLowerCase() === 'true';
  if (forbid) headers['if-none-match'] = '*';
  const upstream = request({ host: target.host, port: target.port, method: ex.req.method, path: ex.req.url, headers, agent });
  upstream.on('error', () => undefined); // reported through once() below, or ends the relay
  sendBody(ex, plan, upstream);
  let response: IncomingMessage;
  try {
    [response] = (await once(upstream, 'response')) as [IncomingMessage];
  } catch {
    return answerError(ex, cosErrors.upstream);
  }
  if (forbid && response.statusCode === 412) {
    response.resume();
    return answerError(ex, cosErrors.fileExists);
  }
  await relay(ex, plan, response);
}
