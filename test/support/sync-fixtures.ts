// Shared helpers of the sync integration tests: the engine's services on a temp home with a profile for
// RGW (HTTPS, path-style) or the COS front, temp trees, a plain S3 client to inspect buckets, bounded waits.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand,
  ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { resolvePaths } from '../../src/main/engine/config/paths.js';
import { createS3Client, type S3Connection } from '../../src/main/engine/s3/client-factory.js';
import { responseInfo } from '../../src/main/engine/s3/response-info.js';
import { createServices, type ServiceOptions, type Services } from '../../src/main/engine/services.js';
import type { ItemOutcome, SyncEvent } from '../../src/main/engine/sync/events.js';
import type { SyncService } from '../../src/main/engine/sync/sync-service.js';
import type { FolderPair, FolderPairInput } from '../../src/shared/pair.js';
import { ConnectionProfileSchema, type ConnectionProfileInput } from '../../src/shared/profile.js';
import { resolveConnection } from '../../src/shared/resolve.js';
import { startCosFront, type CosFront, type RecordedRequest } from './cos-front.js';
import { rgwForCosFront } from './cos-front/rgw-env.js';
import { Crc64 } from './cos-front/crc64.js';
import { loopbackLookup, testEnv } from './env.js';

export const s3 = testEnv().s3;
export const MiB = 1024 * 1024;
export const KEYS = { accessKeyId: s3.users.main.accessKeyId, secretAccessKey: s3.users.main.secretAccessKey };
/** The engine reads its keys from the environment here: no keychain entry is made or needed. */
export const ENV_KEYS = { COS_SYNC_ACCESS_KEY_ID: KEYS.accessKeyId, COS_SYNC_SECRET_ACCESS_KEY: KEYS.secretAccessKey };

/** A bucket as the engine reaches it: the profile to save, and the bucket name. */
export interface Target {
  kind: 'rgw' | 'cos-front';
  profile: ConnectionProfileInput;
  bucket: string;
}

export const rgwTarget = (bucket: string): Target => ({
  kind: 'rgw', bucket,
  profile: { name: 'rgw', provider: 'minio', endpoint: s3.httpsEndpoint, addressing: 'path', accessKeyId: KEYS.accessKeyId, caFile: s3.caCertFile },
});

export const frontTarget = (front: CosFront, bucket: string): Target => ({
  kind: 'cos-front', bucket,
  profile: { name: 'cos', provider: 'cos', endpoint: front.url('ap-guangzhou'), accessKeyId: KEYS.accessKeyId, caFile: s3.caCertFile },
});

export const tempDir = (name: string) => mkdtemp(path.join(tmpdir(), `cos-sync-${name}-`));

/** The engine's services on `home` with the test keys, every host on loopback, and no stability wait. */
export async function openServices(home: string, sync: ServiceOptions['sync'] = {}): Promise<Services> {
  return createServices({
    paths: resolvePaths({ COS_SYNC_HOME: home }, 'linux', home), env: ENV_KEYS,
    network: { lookup: loopbackLookup }, sync: { stabilityMs: 0, ...sync },
  });
}

/** Services with the targets' profiles saved (replacing any of the same name). */
export async function servicesFor(targets: Target[], options: { home?: string; sync?: ServiceOptions['sync'] } = {}): Promise<Services> {
  const home = options.home ?? (await tempDir('home'));
  const services = await openServices(home, options.sync);
  if (!options.home) {
    const close = services.close;
    services.close = async () => {
      await close();
      await rm(home, { recursive: true, force: true });
    };
  }
  for (const t of targets) {
    const saved = await services.connections.saveProfile({ profile: t.profile, replace: true });
    assert.ok(saved.ok, saved.ok ? '' : saved.error.message);
  }
  return services;
}

export async function createBucket(services: Services, t: Target): Promise<void> {
  const made = await services.connections.createBucket({ name: t.profile.name }, t.bucket);
  assert.ok(made.ok, made.ok ? '' : `${made.error.message} ${made.error.detail ?? ''}`);
}

/** Adds a pair for `localPath` → target/prefix, asserting it was accepted. */
export async function addPair(service: SyncService, t: Target, localPath: string, prefix: string, extra: Partial<FolderPairInput> = {}): Promise<FolderPair> {
  const added = await service.addPair({ localPath, profile: t.profile.name, bucket: t.bucket, prefix, ...extra });
  assert.ok(added.ok, added.ok ? '' : added.error.message);
  return added.value;
}

/** One syncOnce that must succeed; returns its result (and the pair's state). */
export async function syncOk(service: SyncService, pair: FolderPair, options: { dryRun?: boolean } = {}) {
  const run = await service.syncOnce(pair, options);
  assert.ok(run.ok, run.ok ? '' : `${run.error.code}: ${run.error.message} ${run.error.detail ?? ''}`);
  assert.ok(run.value.result, 'the run produced a result');
  return { ...run.value.result, state: run.value.state };
}

// ---- files

export type TreeSpec = Record<string, string | Buffer>;

/** Writes every file of `spec` (relative paths with `/`) under `root`, making folders as needed. */
export async function makeTree(root: string, spec: TreeSpec): Promise<void> {
  for (const [rel, content] of Object.entries(spec)) {
    const file = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

export interface BigFile {
  size: number;
  md5: string;
  /** CRC-64/XZ in COS's decimal form, from the test's own implementation (not the engine's). */
  crc64: string;
}

/** A file of `size` random bytes, written in 8 MiB chunks, with its MD5 (base64) and CRC-64. */
export async function writeRandomFile(file: string, size: number): Promise<BigFile> {
  const md5 = createHash('md5');
  const crc = new Crc64();
  const out = createWriteStream(file);
  for (let left = size; left > 0; left -= 8 * MiB) {
    const chunk = randomBytes(Math.min(left, 8 * MiB));
    md5.update(chunk);
    crc.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  return { size, md5: md5.digest('base64'), crc64: crc.digest().toString() };
}

export const md5Of = (data: Uint8Array) => createHash('md5').update(data).digest('base64');

// ---- the bucket, seen with a plain client

export interface ObjectHead {
  size: number;
  etag: string;
  metadata: Record<string, string>;
  crc64?: string;
}

/** A plain S3 client (its own connection, not the engine's) to look at and arrange a bucket. */
export class BucketInspector {
  private constructor(readonly conn: S3Connection, readonly bucket: string) {}

  static async open(t: Target): Promise<BucketInspector> {
    const resolved = resolveConnection(ConnectionProfileSchema.parse(t.profile));
    assert.ok(resolved.ok, resolved.ok ? '' : resolved.error.message);
    return new BucketInspector(await createS3Client(resolved.value, KEYS, { lookup: loopbackLookup, maxAttempts: 3 }), t.bucket);
  }

  /** Every object under `prefix` (default: all), by full key, with its size. */
  async list(prefix = ''): Promise<Map<string, { size: number; etag: string }>> {
    const found = new Map<string, { size: number; etag: string }>();
    let token: string | undefined;
    do {
      const out = await this.conn.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of out.Contents ?? []) found.set(o.Key!, { size: o.Size ?? 0, etag: (o.ETag ?? '').replace(/"/g, '') });
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async keys(prefix = ''): Promise<string[]> {
    return [...(await this.list(prefix)).keys()].sort();
  }

  async get(key: string): Promise<Buffer> {
    const out = await this.conn.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  /** MD5 (base64) and size of an object, streamed: big objects are never held whole. */
  async digest(key: string): Promise<{ md5: string; size: number }> {
    const out = await this.conn.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const md5 = createHash('md5');
    let size = 0;
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
      md5.update(chunk);
      size += chunk.length;
    }
    return { md5: md5.digest('base64'), size };
  }

  async head(key: string): Promise<ObjectHead> {
    const out = await this.conn.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    const crc64 = responseInfo(out)?.crc64;
    return { size: out.ContentLength ?? -1, etag: (out.ETag ?? '').replace(/"/g, ''), metadata: out.Metadata ?? {}, ...(crc64 ? { crc64 } : {}) };
  }

  async put(key: string, body: string | Buffer, metadata?: Record<string, string>): Promise<void> {
    await this.conn.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...(metadata ? { Metadata: metadata } : {}) }));
  }

  async uploads(prefix = ''): Promise<string[]> {
    const out = await this.conn.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix }));
    return (out.Uploads ?? []).map((u) => `${u.Key}#${u.UploadId}`);
  }

  /** Deletes every object and unfinished upload, then the bucket itself. */
  async removeBucket(): Promise<void> {
    const out = await this.conn.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket }));
    for (const u of out.Uploads ?? []) {
      await this.conn.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key!, UploadId: u.UploadId! }));
    }
    for (const key of (await this.list()).keys()) await this.conn.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    await this.conn.client.send(new DeleteBucketCommand({ Bucket: this.bucket }));
  }

  close(): void {
    this.conn.destroy();
  }
}

// ---- waiting, bounded

/** Polls `condition` until it returns something other than undefined/false; fails after `timeoutMs`. */
export async function waitUntil<T>(what: string, condition: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every event of a SyncService from now on, and promises of the next ones matching a predicate. */
export class EventLog {
  readonly events: SyncEvent[] = [];
  readonly #waiters = new Set<{ match: (e: SyncEvent) => boolean; resolve: (e: SyncEvent) => void }>();
  readonly #stop: () => void;

  constructor(service: SyncService) {
    this.#stop = service.onEvent((event) => {
      this.events.push(event);
      for (const w of this.#waiters) {
        if (w.match(event)) {
          this.#waiters.delete(w);
          w.resolve(event);
        }
      }
    });
  }

  outcomes(pairId?: string): ItemOutcome[] {
    return this.events.flatMap((e) => (e.type === 'outcome' && (!pairId || e.outcome.pairId === pairId) ? [e.outcome] : []));
  }

  /** Index to pass as `since` so a wait sees only events after this point. */
  get mark(): number {
    return this.events.length;
  }

  /** The first event at or after `since` matching `match`, waiting up to `timeoutMs` for it. */
  next<E extends SyncEvent>(what: string, match: (e: SyncEvent) => e is E, options?: { since?: number; timeoutMs?: number }): Promise<E>;
  next(what: string, match: (e: SyncEvent) => boolean, options?: { since?: number; timeoutMs?: number }): Promise<SyncEvent>;
  next(what: string, match: (e: SyncEvent) => boolean, options: { since?: number; timeoutMs?: number } = {}): Promise<SyncEvent> {
    const seen = this.events.slice(options.since ?? this.events.length).find(match);
    if (seen) return Promise.resolve(seen);
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (e: SyncEvent) => { clearTimeout(timer); resolve(e); } };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const recent = this.events.slice(-8).map((e) => JSON.stringify(e).slice(0, 300)).join('\n  ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events:\n  ${recent}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** The next outcome of `kind` for `key`. */
  outcome(pairId: string, key: string, kind: ItemOutcome['kind'], options?: { since?: number; timeoutMs?: number }): Promise<ItemOutcome> {
    return this.next(`outcome ${kind} of ${key}`, (e) => e.type === 'outcome' && e.outcome.pairId === pairId && e.outcome.key === key && e.outcome.kind === kind, options)
      .then((e) => (e as Extract<SyncEvent, { type: 'outcome' }>).outcome);
  }

  dispose(): void {
    this.#stop();
  }
}

// ---- the COS front's request log

/** The requests of one operation (optionally on one full key) the front saw from index `since` on. */
export function requestsOf(front: CosFront, op: RecordedRequest['op'], options: { key?: string; since?: number } = {}): RecordedRequest[] {
  return front.requests.slice(options.since ?? 0).filter((r) => r.op === op && (options.key === undefined || r.key === options.key));
}

/** Requests that send file content: simple PUTs and multipart parts. */
export const WRITES: ReadonlySet<RecordedRequest['op']> = new Set(['putObject', 'uploadPart']);

export interface FrontBucket {
  front: CosFront;
  target: Target;
  services: Services;
  inspector: BucketInspector;
  /** Closes the services, removes the bucket, stops the front. */
  close(): Promise<void>;
}

/** A COS front over the run's RGW, one bucket created through it, and engine services that use it. */
export async function openFrontBucket(bucket: string): Promise<FrontBucket> {
  const rgw = rgwForCosFront();
  const front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  const target = frontTarget(front, bucket);
  const services = await servicesFor([target]);
  await createBucket(services, target);
  const inspector = await BucketInspector.open(target);
  const close = async () => {
    await services.close();
    await inspector.removeBucket();
    inspector.close();
    await front.close();
  };
  return { front, target, services, inspector, close };
}
