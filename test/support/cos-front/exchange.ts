// One request passing through the COS front: what it addresses, the state it may read or change,
// and how the front answers it itself (an XML error, as COS would).
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { errorXml, type CosError } from './errors.js';
import type { BucketRegions, Checksum, CrcLedger } from './ledger.js';
import type { OpName, Target } from './target.js';

/** What the front recorded of a request, for tests to assert what the client sent. */
export interface RecordedRequest {
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  /** Every request header but the credentials (authorization, x-amz-security-token), lower case. */
  headers: Record<string, string>;
  op: OpName;
  bucket?: string;
  key?: string;
  /** The status the client got (set once the front answered). */
  status?: number;
}

export interface FrontState {
  regions: readonly string[];
  bucketRegions: BucketRegions;
  ledger: CrcLedger;
  crcHeader: string;
  forbidOverwrite: boolean;
  upstream: { host: string; port: number };
  agent: Agent;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  target: Target;
  record: RecordedRequest;
  state: FrontState;
  /** The client sent `Expect: 100-continue` and has not been told to go on yet. */
  awaitingContinue: boolean;
  requestId: string;
  /** The CRC of the request body, once it has streamed through (PutObject, UploadPart). */
  bodyCrc?: Promise<Checksum | undefined>;
  /** The request body, for the operations the front reads whole (Complete, DeleteObjects). */
  requestBody?: Buffer;
}

const SECRET_HEADERS = new Set(['authorization', 'x-amz-security-token']);

export function recordRequest(req: IncomingMessage, target: Target): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!SECRET_HEADERS.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const record: RecordedRequest = {
    method: req.method ?? 'GET',
    host: target.host,
    path: target.path,
    query: Object.fromEntries(target.query),
    headers,
    op: target.op,
  };
  const bucket = target.bucket ?? target.pathStyleBucket;
  if (bucket !== undefined) record.bucket = bucket;
  if (target.key !== '') record.key = target.key;
  return record;
}

/** Reads a stream whole, or gives undefined (and drains the rest) past `limit` bytes. */
export async function readBody(stream: Readable, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size <= limit ? Buffer.concat(chunks) : undefined;
}

async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  req.resume();
  await finished(req).catch(() => undefined);
}

/**
 * Answers with a COS error. A body the client is already sending is read and dropped first so the
 * connection stays usable; one held back by `Expect: 100-continue` is never asked for (and the
 * connection closes), as a real server does.
 */
export async function answerError(ex: Exchange, error: CosError): Promise<void> {
  const { req, res } = ex;
  const closing = ex.awaitingContinue;
  if (!closing) await drain(req);
  const body = req.method === 'HEAD' ? '' : errorXml(error, `${ex.target.host}${ex.target.path}`, ex.requestId);
  ex.record.status = error.status;
  if (res.headersSent || res.destroyed) return void res.destroy();
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-cos-request-id': ex.requestId,
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(body);
}
