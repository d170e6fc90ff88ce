// The S3 half of the diagnosis: keys, clock, bucket, addressing and the permissions a sync needs, proved
// by listing and by writing, reading and deleting a small probe object under the pair's prefix.
import { randomBytes, createHash } from 'node:crypto';
import {
  type S3Client,
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { appError, messageOf, withMessage } from '../../../shared/errors.js';
import { msg } from '../../../shared/messages.js';
import type { ProviderPreset } from '../../../shared/providers.js';
import type { AppError } from '../../../shared/result.js';
import type { DiagnoseOptions, Skip, Step } from './diagnose.js';
import type { Outcome } from './network-checks.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import { responseInfo } from '../s3/response-info.js';
import { crc64 } from '../s3/crc64.js';

export interface ProbeContext {
  options: DiagnoseOptions;
  preset: ProviderPreset;
  connection?: S3Connection;
  serverDate?: number;
  bucketProbe?: { error?: AppError };
  probeKey?: string;
  probeBody?: Buffer;
}

const CLOCK_FAIL_MS = 15 * 60_000;
const CLOCK_WARN_MS = 60_000;

const failed = (error: AppError): Outcome => ({ ok: false, error });

async function connection(ctx: ProbeContext): Promise<S3Connection> {
  ctx.connection ??= await ctx.options.connect(ctx.options.resolved, ctx.options.credentials);
  return ctx.connection;
}

/** Sends one request, remembering the server's Date header (also from error responses) for the clock check. */
async function send<T extends object>(ctx: ProbeContext, operation: string, run: (client: S3Client) => Promise<T>): Promise<{ value?: T; error?: AppError }> {
  const conn = await connection(ctx);
  try {
    const value = await run(conn.client);
    ctx.serverDate ??= responseInfo(value)?.date;
    return { value };
  } catch (err) {
    const date = (err as { $response?: { headers?: Record<string, string> } }).$response?.headers?.date;
    if (date && ctx.serverDate === undefined) ctx.serverDate = Date.parse(date);
    return { error: toAppError(err, { operation, bucket: ctx.options.bucket }) };
  }
}

async function keys(ctx: ProbeContext): Promise<Outcome> {
  const { value, error } = await send(ctx, 'ListBuckets', (c) => c.send(new ListBucketsCommand({})));
  if (value) return { ok: true, detail: msg('detail.bucketsVisible', { count: value.Buckets?.length ?? 0 }) };
  // Access denied proves the signature was good: the keys are right, only listing buckets is not allowed.
  if (error?.code === 'access-denied') return { ok: true, detail: msg('detail.keysNoList') };
  return failed(error!);
}

async function clock(ctx: ProbeContext): Promise<Outcome> {
  const now = (ctx.options.now ?? Date.now)();
  if (ctx.serverDate === undefined || Number.isNaN(ctx.serverDate)) return { ok: true, detail: msg('detail.noDateHeader') };
  const skew = now - ctx.serverDate;
  const text = msg(skew > 0 ? 'detail.clockAhead' : 'detail.clockBehind', { seconds: Math.round(Math.abs(skew) / 1000) });
  if (Math.abs(skew) >= CLOCK_FAIL_MS) return failed(appError('clock-skewed', { message: msg('error.clockOff', { skew: text }) }));
  if (Math.abs(skew) >= CLOCK_WARN_MS) return { ok: true, detail: text, warn: appError('clock-skewed', { message: msg('error.clockWarn', { skew: text }) }) };
  return { ok: true, detail: text };
}

function probeBucket(ctx: ProbeContext) {
  const { bucket, prefix } = ctx.options;
  return send(ctx, 'ListObjects', (c) => c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix ?? '', MaxKeys: 1 })));
}

async function bucketExists(ctx: ProbeContext): Promise<Outcome | Skip> {
  if (!ctx.options.bucket) return { skip: msg('detail.noBucket') };
  ctx.bucketProbe = { error: (await probeBucket(ctx)).error };
  const error = ctx.bucketProbe.error;
  if (!error || error.code === 'access-denied') return { ok: true, detail: msg('detail.bucket', { bucket: ctx.options.bucket }) };
  if (error.code === 'path-style-forbidden') return { skip: msg('detail.addressingFirst') };
  if (error.code === 'no-such-bucket') return failed(noSuchBucket(ctx, error));
  return failed(error);
}

function noSuchBucket(ctx: ProbeContext, error: AppError): AppError {
  const region = ctx.options.resolved.region;
  const bucket = ctx.options.bucket ?? '';
  return withMessage(error, ctx.preset.cosSemantics ? msg('error.bucketMissingRegion', { bucket, region }) : msg('error.bucketMissing', { bucket }));
}

async function addressing(ctx: ProbeContext): Promise<Outcome | Skip> {
  if (!ctx.options.bucket) return { skip: msg('detail.noBucket') };
  const style = msg(ctx.options.resolved.forcePathStyle ? 'detail.pathStyle' : 'detail.virtualHosted');
  const error = ctx.bucketProbe?.error;
  if (error?.code === 'path-style-forbidden') return failed(error);
  return { ok: true, detail: style };
}

async function list(ctx: ProbeContext): Promise<Outcome | Skip> {
  const error = ctx.bucketProbe?.error;
  if (error) return failed(withMessage(error, msg('error.listDenied', { reason: messageOf(error) })));
  return { ok: true, detail: ctx.options.prefix ? msg('detail.listedPrefix', { prefix: ctx.options.prefix }) : msg('detail.listedBucket') };
}

function probeKey(prefix: string | undefined): string {
  const folder = prefix ? (prefix.endsWith('/') ? prefix : `${prefix}/`) : '';
  return `${folder}.cos-sync-probe-${randomBytes(6).toString('hex')}`;
}

async function write(ctx: ProbeContext): Promise<Outcome> {
  ctx.probeKey = probeKey(ctx.options.prefix);
  ctx.probeBody = randomBytes(1024);
  const md5 = createHash('md5').update(ctx.probeBody).digest();
  const command = new PutObjectCommand({ Bucket: ctx.options.bucket, Key: ctx.probeKey, Body: ctx.probeBody, ContentMD5: md5.toString('base64') });
  const { value, error } = await send(ctx, 'PutObject', (c) => c.send(command));
  if (error) return failed(error);
  const info = responseInfo(value);
  if (info?.crc64 !== undefined && info.crc64 !== crc64(ctx.probeBody)) {
    return failed(appError('bad-digest', { detail: `CRC64 ${info.crc64} from the service, ${crc64(ctx.probeBody)} sent` }));
  }
  return { ok: true, detail: msg(info?.crc64 !== undefined ? 'detail.wroteCrc' : 'detail.wroteMd5', { key: ctx.probeKey }) };
}

async function read(ctx: ProbeContext): Promise<Outcome> {
  const { value, error } = await send(ctx, 'GetObject', (c) => c.send(new GetObjectCommand({ Bucket: ctx.options.bucket, Key: ctx.probeKey })));
  if (error) return failed(error);
  const bytes = Buffer.from((await value!.Body?.transformToByteArray()) ?? []);
  if (!ctx.probeBody || !bytes.equals(ctx.probeBody)) return failed(appError('bad-digest', { message: msg('error.probeDiffers') }));
  return { ok: true, detail: msg('detail.readBack', { bytes: bytes.length }) };
}

async function remove(ctx: ProbeContext): Promise<Outcome> {
  const { error } = await send(ctx, 'DeleteObject', (c) => c.send(new DeleteObjectCommand({ Bucket: ctx.options.bucket, Key: ctx.probeKey })));
  if (error) return failed(withMessage(error, msg('error.probeLeft', { reason: messageOf(error), key: ctx.probeKey ?? '' })));
  const gone = await send(ctx, 'HeadObject', (c) => c.send(new HeadObjectCommand({ Bucket: ctx.options.bucket, Key: ctx.probeKey })));
  if (!gone.error) return failed(appError('unknown', { message: msg('error.probeStillThere') }));
  return { ok: true, detail: msg('detail.deletedProbe') };
}

async function multipart(ctx: ProbeContext): Promise<Outcome> {
  const Bucket = ctx.options.bucket;
  const Key = probeKey(ctx.options.prefix);
  const created = await send(ctx, 'CreateMultipartUpload', (c) => c.send(new CreateMultipartUploadCommand({ Bucket, Key })));
  if (created.error) return failed(created.error);
  const UploadId = created.value!.UploadId;
  const body = randomBytes(1024);
  const part = await send(ctx, 'UploadPart', (c) => c.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: body, ContentMD5: createHash('md5').update(body).digest('base64') })));
  const aborted = await send(ctx, 'AbortMultipartUpload', (c) => c.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })));
  if (part.error) return failed(part.error);
  if (aborted.error) return failed(aborted.error);
  return { ok: true, detail: msg('detail.multipartOk') };
}

export function s3Checks(ctx: ProbeContext): Step[] {
  return [
    { id: 'keys', needs: ['tls'], run: () => keys(ctx) },
    { id: 'clock', needs: ['tcp'], run: () => clock(ctx) },
    { id: 'bucket', needs: ['keys'], run: () => bucketExists(ctx) },
    { id: 'addressing', needs: ['keys'], run: () => addressing(ctx) },
    { id: 'list', needs: ['bucket', 'addressing'], run: () => list(ctx) },
    { id: 'write', needs: ['bucket', 'addressing'], run: () => write(ctx) },
    { id: 'read', needs: ['write'], run: () => read(ctx) },
    { id: 'delete', needs: ['write'], run: () => remove(ctx) },
    { id: 'multipart', needs: ['bucket', 'addressing'], run: () => multipart(ctx) },
  ];
}
