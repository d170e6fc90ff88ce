// The Remote of a folder pair on an S3 bucket: keys relative to the pair's prefix, uploads verified and
// resumable (upload.ts), server-side copies guarded by the source's ETag.
import { CopyObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { AppFailure } from '../../../shared/errors.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import type { Key, RemoteEntry } from './model.js';
import { bareEtag } from './object-metadata.js';
import type { Remote, RemoteUpload } from './remote.js';
import { folderPrefix, headRemote, listRemoteTree } from './remote-list.js';
import type { SyncState } from './state-store.js';
import { abortStaleUploads, PartBuffers, probeCreateOnly, SmallFileReads, Throttle, uploadFile, type CreateOnlyMode } from './upload.js';
import type { UploadResult } from './upload-support.js';

export interface S3RemoteOptions {
  connection: S3Connection;
  bucket: string;
  prefix: string;
  pairId: string;
  state: SyncState;
  partConcurrency?: number;
  /** Bytes per second, 0 for none. */
  bandwidthLimit?: number;
}

/** `a b/c#d` → `a%20b/c%23d`: CopySource is a URL path, so each segment is encoded and `/` kept. */
const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

export class S3Remote implements Remote {
  readonly #o: S3RemoteOptions;
  readonly #prefix: string;
  readonly #throttle: Throttle;
  /** One budget for the part buffers of all this pair's uploads. */
  readonly #partBuffers = new PartBuffers();
  readonly #smallReads = new SmallFileReads();
  /** Whether the service refuses a create-only PUT for us: asked once (a probe), on the first create-only upload. */
  #createOnly: Promise<CreateOnlyMode> | undefined;

  constructor(options: S3RemoteOptions) {
    this.#o = options;
    this.#prefix = folderPrefix(options.prefix);
    this.#throttle = new Throttle(options.bandwidthLimit ?? 0);
  }

  #full = (key: Key) => `${this.#prefix}${key}`;

  async list(signal: AbortSignal, expected?: Iterable<Key>): Promise<Map<Key, RemoteEntry>> {
    const listing = await listRemoteTree(this.#o.connection, this.#o.bucket, this.#prefix, { signal, ...(expected ? { expectedKeys: expected } : {}) });
    // The trash stays in the tree: the planner never plans it, but names new trash keys around it.
    return new Map([...listing.entries, ...listing.trash]);
  }

  head(key: Key, signal: AbortSignal): Promise<RemoteEntry | undefined> {
    return headRemote(this.#o.connection, this.#o.bucket, this.#full(key), { signal, prefix: this.#prefix });
  }

  async upload(job: RemoteUpload): Promise<UploadResult> {
    const createOnly = job.ifMatchEtag === undefined;
    return uploadFile(
      { pairId: this.#o.pairId, bucket: this.#o.bucket, key: this.#full(job.key), relKey: job.key, localPath: job.localPath, expected: job.expected, ...(createOnly ? { createOnly } : { ifMatchEtag: job.ifMatchEtag }) },
      {
        connection: this.#o.connection, state: this.#o.state, signal: job.signal, onProgress: job.onProgress, throttle: this.#throttle,
        partConcurrency: this.#o.partConcurrency, partBuffers: this.#partBuffers, smallReads: this.#smallReads, ...(createOnly ? { createOnly: await this.#createOnlyMode(job.signal) } : {}),
      },
    );
  }

  #createOnlyMode(signal: AbortSignal): Promise<CreateOnlyMode> {
    this.#createOnly ??= probeCreateOnly(this.#o.connection, this.#o.bucket, this.#prefix, signal);
    // A probe cut short by a cancel is asked again next time.
    return this.#createOnly.catch((err: unknown) => {
      this.#createOnly = undefined;
      throw err;
    });
  }

  async copy(fromKey: Key, toKey: Key, ifMatchEtag: string, signal: AbortSignal): Promise<{ etag: string }> {
    const command = new CopyObjectCommand({
      Bucket: this.#o.bucket, Key: this.#full(toKey), CopySource: copySource(this.#o.bucket, this.#full(fromKey)),
      CopySourceIfMatch: `"${ifMatchEtag}"`, MetadataDirective: 'COPY',
    });
    try {
      const out = await this.#o.connection.client.send(command, { abortSignal: signal });
      return { etag: bareEtag(out.CopyObjectResult?.ETag) };
    } catch (err) {
      throw new AppFailure(toAppError(err, { bucket: this.#o.bucket, operation: 'CopyObject' }));
    }
  }

  async delete(key: Key, signal: AbortSignal): Promise<void> {
    try {
      await this.#o.connection.client.send(new DeleteObjectCommand({ Bucket: this.#o.bucket, Key: this.#full(key) }), { abortSignal: signal });
    } catch (err) {
      throw new AppFailure(toAppError(err, { bucket: this.#o.bucket, operation: 'DeleteObject' }));
    }
  }

  async abortStaleUploads(signal: AbortSignal): Promise<number> {
    const report = await abortStaleUploads(this.#o.pairId, this.#o.bucket, this.#prefix, { connection: this.#o.connection, state: this.#o.state, signal });
    return report.aborted.length;
  }

  close(): void {
    this.#o.connection.destroy();
  }
}
