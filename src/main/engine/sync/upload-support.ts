// What the single-PUT and multipart uploads share: the job and result types, the local file's facts,
// sending a command with the job's signal (and throttle), and the failures they raise.
import { stat } from 'node:fs/promises';
import { HeadObjectCommand, type S3ClientResolvedConfig, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { Command } from '@smithy/types';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import type { Key } from './model.js';
import { bareEtag } from './object-metadata.js';
import type { SyncState } from './state-store.js';
import { sendCached, setRequestOptions } from '../s3/request-options.js';
import { slicedBody, throttledBody, TLS_SLICE, type Throttle } from './throttle.js';
import type { CreateOnlyMode } from './upload-create-only.js';
import type { PartBuffers } from './upload-buffers.js';
import type { SmallFileReads } from './upload-single.js';

export interface UploadJob {
  pairId: string;
  bucket: string;
  /** The full object key (the pair's prefix included). */
  key: string;
  /** The key relative to the pair's prefix, as the state store files uploads; defaults to `key`. */
  relKey?: Key;
  localPath: string;
  /** Size and mtime the plan was made with: the file is uploaded only while it still has them. */
  expected: { size: number; mtimeMs: number };
  /** Overwrite only if the object still has this ETag (the executor's precondition re-check). */
  ifMatchEtag?: string;
  /**
   * Create only: the key must still be free (nothing appeared since the listing). Enforced by the service
   * where it honours a conditional write (deps.createOnly), else by a HEAD right before the write.
   */
  createOnly?: boolean;
}

/** The parts of the state store an upload uses. */
export type UploadState = Pick<SyncState, 'beginUpload' | 'recordPart' | 'findUpload' | 'listUploads' | 'finishUpload' | 'dropUpload'>;

export interface UploadDeps {
  connection: S3Connection;
  state: UploadState;
  signal: AbortSignal;
  /** Bytes the service confirmed since the last call (per object or part; parts reused on resume count once). */
  onProgress?: (bytesSentDelta: number) => void;
  /** The app's shared bandwidth limit. */
  throttle?: Throttle;
  /** Parts of one file in flight at once; default 8. */
  partConcurrency?: number;
  /** Part buffers shared by every upload of the pair: bounds their memory whatever the number of files. */
  partBuffers?: PartBuffers;
  /** Small files read with synchronous calls while the volume is fast (upload-single.ts); async without. */
  smallReads?: SmallFileReads;
  /** How the service enforces a create-only write (upload-create-only.ts); 'head' when unknown. */
  createOnly?: CreateOnlyMode;
  /** Files of at least this many bytes go multipart; default 16 MiB. */
  multipartThreshold?: number;
  now?: () => number;
}

export const DEFAULT_PART_CONCURRENCY = 8;
export const DEFAULT_MULTIPART_THRESHOLD = 16 * 1024 * 1024;

/**
 * crc64: the service's CRC-64 matched ours; etag: the ETag is the MD5 (or multipart MD5) we expect; md5: only the
 * service's Content-MD5 check vouches; sha256: only the service's check of the signed payload (SigV4) vouches.
 */
export type VerifiedBy = 'crc64' | 'md5' | 'etag' | 'sha256';

export type UploadResult =
  | {
      status: 'uploaded';
      /** The object's ETag as the service gave it, without quotes. */
      etag: string;
      size: number;
      /** Base64 MD5 of the whole file (also in the object's `md5chksum`): single PUTs only. */
      md5?: string;
      /** CRC-64/XZ of the whole file, decimal, computed locally: on COS, where the service's is checked against it. */
      crc64?: string;
      verifiedBy: VerifiedBy;
      /** Multipart only: how many parts there were, and how many were already on the service (resume). */
      parts?: { total: number; reused: number };
    }
  | { status: 'changed' }
  | { status: 'vanished' };

export const CHANGED: UploadResult = { status: 'changed' };
export const VANISHED: UploadResult = { status: 'vanished' };

/** Thrown inside an upload to stop it with a non-error outcome ('changed' or 'vanished'). */
export class UploadStop extends Error {
  constructor(readonly outcome: 'changed' | 'vanished') {
    super(`The file ${outcome === 'changed' ? 'changed' : 'disappeared'} during the upload.`);
    this.name = 'UploadStop';
  }
}

export interface FileFacts {
  size: number;
  mtimeMs: number;
  /** Status change time: any write moves it, even one that puts the mtime back. */
  ctimeMs?: number;
  ino?: number;
}

const GONE_CODES = new Set(['ENOENT', 'ENOTDIR']);

/** The file is gone (or a folder is in its way): the upload cannot happen, the scan will say why. */
export const isGone = (err: unknown) => GONE_CODES.has((err as NodeJS.ErrnoException | null)?.code ?? '');

/** The file's size, mtime and inode now; undefined when it is no longer a file. */
export async function statFile(path: string): Promise<FileFacts | undefined> {
  try {
    const facts = await stat(path);
    if (!facts.isFile()) return undefined;
    return { size: facts.size, mtimeMs: facts.mtimeMs, ctimeMs: facts.ctimeMs, ...(facts.ino ? { ino: facts.ino } : {}) };
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

export const sameFile = (file: FileFacts, expected: { size: number; mtimeMs: number }) =>
  file.size === expected.size && file.mtimeMs === expected.mtimeMs;

/**
 * Re-stats the file and throws UploadStop unless it still has the size and mtime the job expects, and the
 * ctime of `before` (the stat taken before the first byte was read): a rewrite that put the mtime back moves it.
 */
export async function assertUnchanged(job: UploadJob, before?: FileFacts): Promise<void> {
  const now = await statFile(job.localPath);
  if (!now) throw new UploadStop('vanished');
  if (!sameFile(now, job.expected)) throw new UploadStop('changed');
  if (before?.ctimeMs !== undefined && now.ctimeMs !== before.ctimeMs) throw new UploadStop('changed');
}

/** A command of the S3 client. */
type S3Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, S3ClientResolvedConfig>;

export interface SendOptions {
  /** Meter the body through the pair's bandwidth limit. */
  throttled?: boolean;
  /** Another checksum covers the body (over HTTPS): no SHA-256 of it in the signature. */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

/**
 * Sends one command with the job's abort signal, through the client's cached handler (request-options.ts):
 * the command must carry no middleware of its own.
 */
export function send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(deps: UploadDeps, command: S3Command<I, O>, options: SendOptions = {}): Promise<O> {
  const { throttle, signal } = deps;
  const tls = deps.connection.resolved.protocol === 'https';
  // Asked per attempt: a limit set or lifted meanwhile applies from the next request on.
  const meter = (body: Uint8Array) => {
    if (throttle && throttle.bytesPerSecond > 0) return throttledBody(body, throttle, signal);
    return tls && body.length > TLS_SLICE ? slicedBody(body) : undefined;
  };
  setRequestOptions(command.input, {
    abortSignal: signal,
    ...(options.unsigned ? { unsignedPayload: true } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.throttled ? { meter } : {}),
  });
  return sendCached(deps.connection.client, command);
}

/** A create-only upload found its key taken: someone put an object there since the listing. */
export function keyTaken(job: UploadJob): AppFailure {
  return new AppFailure(appError('precondition-failed', { detail: `${job.key}: an object appeared at this key since the listing` }));
}

/** The executor's precondition: the object must still have the ETag it planned to overwrite. */
export async function checkRemoteEtag(job: UploadJob, deps: UploadDeps, expected: string): Promise<void> {
  let current: string | undefined;
  try {
    current = bareEtag((await send(deps, new HeadObjectCommand({ Bucket: job.bucket, Key: job.key }))).ETag);
  } catch (err) {
    if (toAppError(err).code !== 'no-such-key') throw err;
  }
  if (current === bareEtag(expected)) return;
  const now = current === undefined ? 'the object is gone' : `it now has ETag ${current}`;
  throw new AppFailure(appError('remote-changed', { detail: `${job.key}: expected ETag ${bareEtag(expected)}, ${now}` }));
}

/** The HEAD before a create-only write, where the service does not refuse it for us. */
export async function assertKeyFree(job: UploadJob, deps: UploadDeps): Promise<void> {
  try {
    await send(deps, new HeadObjectCommand({ Bucket: job.bucket, Key: job.key }));
  } catch (err) {
    if (toAppError(err).code === 'no-such-key') return;
    throw err;
  }
  throw keyTaken(job);
}

/** A checksum mismatch found by us (not the service): retryable, like the service's BadDigest. */
export function badDigest(what: string, expected: string, got: string, requestId?: string): AppFailure {
  const detail = `${what}: expected ${expected}, the service has ${got}${requestId ? `; request id ${requestId}` : ''}`;
  return new AppFailure(appError('bad-digest', { detail }));
}

/** S3's NoSuchUpload (404): the upload id is unknown, aborted or completed. */
export function isNoSuchUpload(err: unknown): boolean {
  const code = (err as { Code?: unknown; name?: unknown } | null)?.Code ?? (err as { name?: unknown } | null)?.name;
  return code === 'NoSuchUpload' || (err instanceof AppFailure && err.appError.code === 'no-such-upload');
}

/** ListParts on an upload that is gone: NoSuchUpload, or NoSuchKey from Ceph RGW (any 404 there means the same). */
export function isUploadGone(err: unknown): boolean {
  return isNoSuchUpload(err) || (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === 404;
}

/** Whatever an upload threw, as an AppFailure: cancelled when the job's signal fired, else mapped. */
export function asFailure(err: unknown, signal: AbortSignal, context: { bucket: string; operation?: string }): AppFailure {
  if (err instanceof AppFailure) return err;
  if (signal.aborted) return new AppFailure(appError('cancelled'));
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (err as NodeJS.ErrnoException).syscall) {
    return new AppFailure(appError('file-unreadable', { detail: `${code} (${(err as NodeJS.ErrnoException).syscall})` }));
  }
  return new AppFailure(toAppError(err, context));
}

/** Server-side encryption with KMS or customer keys makes ETags something other than the MD5. */
export function etagIsNotMd5(output: { ServerSideEncryption?: string; SSECustomerAlgorithm?: string }): boolean {
  return output.SSECustomerAlgorithm !== undefined || /kms/i.test(output.ServerSideEncryption ?? '');
}
