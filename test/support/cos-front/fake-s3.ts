// A tiny in-memory S3 stand-in (plain HTTP, no signature checks) for testing the COS front's own
// behaviour without Ceph RGW: only the operations the front treats specially.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface FakeS3 {
  port: number;
  /** Every request that reached the fake, with its body. */
  seen: SeenRequest[];
  /** bucket → key → content, to inspect or to change "behind the front's back". */
  buckets: Map<string, Map<string, Buffer>>;
  close(): Promise<void>;
}

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  bucket: string;
  key: string;
  query: URLSearchParams;
  body: Buffer;
  fake: FakeState;
}

interface FakeState {
  buckets: Map<string, Map<string, Buffer>>;
  uploads: Map<string, Map<number, Buffer>>;
}

// Multipart objects keep the "<md5>-<parts>" ETag Complete gave them.
const multipartEtags = new WeakMap<Buffer, string>();
const etag = (data: Buffer) => multipartEtags.get(data) ?? `"${createHash('md5').update(data).digest('hex')}"`;

function reply(call: Call, status: number, body = '', headers: Record<string, string> = {}): void {
  call.res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'fake-request', ...headers });
  call.res.end(call.req.method === 'HEAD' ? undefined : body);
}

function objectsOf(call: Call): Map<string, Buffer> | undefined {
  return call.fake.buckets.get(call.bucket);
}

function listBuckets(call: Call): void {
  const buckets = [...call.fake.buckets.keys()].map((name) => `<Bucket><Name>${name}</Name><CreationDate>2025-01-01T00:00:00.000Z</CreationDate></Bucket>`);
  reply(call, 200, `<ListAllMyBucketsResult><Owner><ID>fake</ID></Owner><Buckets>${buckets.join('')}</Buckets></ListAllMyBucketsResult>`);
}

function putObject(call: Call): void {
  const source = call.req.headers['x-amz-copy-source'];
  let data = call.body;
  if (typeof source === 'string') {
    const [bucket, ...key] = decodeURIComponent(source.replace(/^\//, '')).split('/');
    data = call.fake.buckets.get(bucket!)?.get(key.join('/')) ?? Buffer.alloc(0);
  }
  objectsOf(call)!.set(call.key, data);
  if (typeof source === 'string') return reply(call, 200, `<CopyObjectResult><ETag>${etag(data)}</ETag></CopyObjectResult>`);
  reply(call, 200, '', { etag: etag(data) });
}

function getObject(call: Call): void {
  const data = objectsOf(call)?.get(call.key);
  if (!data) return reply(call, 404, '<Error><Code>NoSuchKey</Code></Error>');
  call.res.writeHead(200, { etag: etag(data), 'content-length': data.length, 'x-amz-request-id': 'fake-request' });
  call.res.end(call.req.method === 'HEAD' ? undefined : data);
}

function uploadPart(call: Call): void {
  const parts = call.fake.uploads.get(call.query.get('uploadId') ?? '');
  if (!parts) return reply(call, 404, '<Error><Code>NoSuchUpload</Code></Error>');
  parts.set(Number(call.query.get('partNumber')), call.body);
  reply(call, 200, '', { etag: etag(call.body) });
}

function postObject(call: Call): void {
  if (call.query.has('uploads')) {
    const uploadId = randomUUID();
    call.fake.uploads.set(uploadId, new Map());
    return reply(call, 200, `<InitiateMultipartUploadResult><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
  }
  const parts = call.fake.uploads.get(call.query.get('uploadId') ?? '');
  if (!parts) return reply(call, 404, '<Error><Code>NoSuchUpload</Code></Error>');
  const numbers = [...call.body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
  const data = Buffer.concat(numbers.map((n) => parts.get(n) ?? Buffer.alloc(0)));
  objectsOf(call)!.set(call.key, data);
  const tag = `"${createHash('md5').update(data).digest('hex')}-${numbers.length}"`;
  multipartEtags.set(data, tag);
  reply(call, 200, `<CompleteMultipartUploadResult><Key>${call.key}</Key><ETag>${tag}</ETag></CompleteMultipartUploadResult>`);
}

function postBucket(call: Call): void {
  const keys = [...call.body.toString().matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
  for (const key of keys) objectsOf(call)?.delete(key);
  reply(call, 200, `<DeleteResult>${keys.map((k) => `<Deleted><Key>${k}</Key></Deleted>`).join('')}</DeleteResult>`);
}

function bucketLevel(call: Call): void {
  const { method } = call.req;
  if (method === 'PUT') call.fake.buckets.set(call.bucket, new Map());
  if (method === 'DELETE') call.fake.buckets.delete(call.bucket);
  if (method === 'POST') return postBucket(call);
  if (method === 'GET' && call.query.has('location')) return reply(call, 200, '<LocationConstraint>default</LocationConstraint>');
  reply(call, method === 'DELETE' ? 204 : 200);
}

function objectLevel(call: Call): void {
  const { method } = call.req;
  if (method === 'PUT') return call.query.has('uploadId') ? uploadPart(call) : putObject(call);
  if (method === 'POST') return postObject(call);
  if (method === 'DELETE') return void (objectsOf(call)?.delete(call.key), reply(call, 204));
  getObject(call);
}

function route(call: Call): void {
  if (call.bucket === '') return listBuckets(call);
  if (call.key === '') return bucketLevel(call);
  if (!objectsOf(call)) return reply(call, 404, '<Error><Code>NoSuchBucket</Code></Error>');
  objectLevel(call);
}

async function handle(fake: FakeState, seen: SeenRequest[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const bucket = /^([^.]+)\.cos\./.exec(req.headers.host ?? '')?.[1] ?? '';
  const key = decodeURIComponent(url.pathname.slice(1));
  route({ req, res, bucket, key, query: url.searchParams, body, fake });
}

export async function startFakeS3(): Promise<FakeS3> {
  const fake: FakeState = { buckets: new Map(), uploads: new Map() };
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(fake, seen, req, res));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    seen,
    buckets: fake.buckets,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
