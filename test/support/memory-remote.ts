// An in-memory `Remote` for the simulation: one "process's" connection to a MemoryBucket, with seeded faults
// per call. Uploads read the real local file and honour the expected size/mtime and the ETag precondition.
import { readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { appError, AppFailure } from '../../src/shared/errors.js';
import { crc64 } from '../../src/main/engine/s3/crc64.js';
import type { Key, RemoteEntry } from '../../src/main/engine/sync/model.js';
import type { Remote, RemoteUpload } from '../../src/main/engine/sync/remote.js';
import type { UploadResult } from '../../src/main/engine/sync/upload-support.js';
import { md5Of, type MemoryBucket } from './memory-bucket.js';
import { SimCrash, transient, type Decision, type FaultInjector, type RemoteOp } from './sim-faults.js';
import { yieldTurns, type Rng } from './sim-random.js';

export { MemoryBucket } from './memory-bucket.js';
export { SimCrash } from './sim-faults.js';

/** How a process ended: killed at a crash point, or quit by the user while a request hung. */
export type ProcessEnd = 'crash' | 'quit';

export interface RemoteHooks {
  /** Before a call reaches the bucket: the world may act (a file edited, someone else writing). */
  beforeCall?(op: RemoteOp, key: Key): Promise<void>;
  /** After an upload read the file, before it checks the file again: the world may edit it. */
  midUpload?(key: Key, localPath: string): Promise<void>;
}

type LocalRead = { data: Buffer } | { status: 'changed' | 'vanished' };

const gone = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

/** Rejects when the signal fires, never resolves otherwise: a request nobody answers. */
function parked(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export class MemoryRemote implements Remote {
  #dead = false;
  #end!: (how: ProcessEnd) => void;
  /** Resolves when this process ends (the scenario then stops its runner and starts another). */
  readonly ended = new Promise<ProcessEnd>((resolve) => (this.#end = resolve));
  calls = 0;

  constructor(
    readonly bucket: MemoryBucket,
    readonly faults: FaultInjector,
    readonly hooks: RemoteHooks = {},
  ) {}

  get dead(): boolean {
    return this.#dead;
  }

  /** The process is gone: nothing it sends arrives, no answer comes back. */
  kill(how: ProcessEnd): void {
    if (this.#dead) return;
    this.#dead = true;
    this.faults.deaths++;
    this.#end(how);
  }

  async list(signal: AbortSignal): Promise<Map<Key, RemoteEntry>> {
    const call = await this.#enter('list', '', signal);
    return this.#leave(call, signal, this.#commit(signal, () => this.bucket.list()));
  }

  async head(key: Key, signal: AbortSignal): Promise<RemoteEntry | undefined> {
    const call = await this.#enter('head', key, signal);
    return this.#leave(call, signal, this.#commit(signal, () => this.bucket.head(key)));
  }

  async upload(job: RemoteUpload): Promise<UploadResult> {
    job.signal.throwIfAborted();
    const read = await this.#readLocal(job);
    if (!('data' in read)) return read;
    const { data } = read;
    const call = await this.#enter('upload', job.key, job.signal);
    const md5 = md5Of(data);
    const meta = { mtimeMs: job.expected.mtimeMs, md5 };
    const stored = this.#commit(job.signal, () => this.bucket.storeUpload(job.key, data, meta, job.ifMatchEtag));
    await this.#leave(call, job.signal, undefined);
    job.onProgress?.(data.length);
    return { status: 'uploaded', etag: stored.etag, size: data.length, md5, crc64: crc64(data), verifiedBy: 'md5' };
  }

  async copy(fromKey: Key, toKey: Key, ifMatchEtag: string, signal: AbortSignal): Promise<{ etag: string }> {
    const call = await this.#enter('copy', toKey, signal);
    const stored = this.#commit(signal, () => this.bucket.storeCopy(fromKey, toKey, ifMatchEtag));
    return this.#leave(call, signal, { etag: stored.etag });
  }

  async delete(key: Key, signal: AbortSignal): Promise<void> {
    const call = await this.#enter('delete', key, signal);
    this.#commit(signal, () => this.bucket.remove(key));
    await this.#leave(call, signal, undefined);
  }

  close(): void {}

  // ---- one call: hooks and faults before the effect, the effect (atomic), faults after it

  async #enter(op: RemoteOp, key: Key, signal: AbortSignal): Promise<Decision & { what: string }> {
    await this.#alive(signal);
    this.calls++;
    await this.hooks.beforeCall?.(op, key);
    const call = { ...this.faults.decide(op, key), what: `${op} ${key}` };
    await yieldTurns(call.rng.int(3));
    await this.#alive(signal);
    switch (call.fault) {
      case 'throttled': throw transient('throttled', `503 SlowDown on ${call.what}`);
      case 'server-error': throw transient('server-error', `500 on ${call.what}`);
      case 'network': throw transient('network', `connection reset before ${call.what}`);
      case 'slow': await Promise.race([sleep(call.rng.range(1, 4)), parked(signal)]); break;
      case 'hang': await this.#hang(call.rng, signal, call.what); break;
      case 'crash-before': return this.#crash(call.what);
      default: break;
    }
    await this.#alive(signal);
    return call;
  }

  /** The effect itself, synchronous, only while the process lives and the call was not cancelled. */
  #commit<T>(signal: AbortSignal, effect: () => T): T {
    if (this.#dead) throw new SimCrash('a call of a dead process');
    signal.throwIfAborted();
    return effect();
  }

  async #leave<T>(call: Decision & { what: string }, signal: AbortSignal, result: T): Promise<T> {
    if (call.fault === 'network-after') throw transient('network', `connection reset after ${call.what} was applied`);
    if (call.fault === 'crash-after') return this.#crash(`${call.what} (applied)`);
    await yieldTurns(call.rng.int(3));
    await this.#alive(signal); // the process died or gave up meanwhile: the answer is never read
    return result;
  }

  async #alive(signal: AbortSignal): Promise<void> {
    if (this.#dead) await parked(signal);
    signal.throwIfAborted();
  }

  #crash(what: string): never {
    this.kill('crash');
    throw new SimCrash(what);
  }

  /** A request without an answer: the client times out, or the user quits, or the process is killed. */
  async #hang(rng: Rng, signal: AbortSignal, what: string): Promise<void> {
    const end = this.faults.mayDie() ? rng.weighted({ timeout: 4, quit: 1, crash: 1 }) : 'timeout';
    if (end === 'crash') this.#crash(`${what} (hung)`);
    if (end === 'quit') {
      this.#end('quit');
      await parked(signal);
    }
    await Promise.race([sleep(rng.range(1, 5)), parked(signal)]);
    throw transient('connect-timeout', `no answer to ${what}`);
  }

  /** As the S3 upload does: stat, read, stat again; the file must still have the size and mtime planned with. */
  async #readLocal(job: RemoteUpload): Promise<LocalRead> {
    const before = await this.#statFile(job.localPath);
    if (!before) return { status: 'vanished' };
    if (before.size !== job.expected.size || before.mtimeMs !== job.expected.mtimeMs) return { status: 'changed' };
    let data: Buffer;
    try {
      data = await readFile(job.localPath);
    } catch (err) {
      if (gone(err)) return { status: 'vanished' };
      throw new AppFailure(appError('file-unreadable', { detail: String(err) }));
    }
    await this.hooks.midUpload?.(job.key, job.localPath);
    const after = await this.#statFile(job.localPath);
    if (!after) return { status: 'vanished' };
    if (after.size !== job.expected.size || after.mtimeMs !== job.expected.mtimeMs || data.length !== job.expected.size) return { status: 'changed' };
    return { data };
  }

  async #statFile(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
    try {
      const s = await stat(path);
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : undefined;
    } catch (err) {
      if (gone(err)) return undefined;
      throw new AppFailure(appError('file-unreadable', { detail: String(err) }));
    }
  }
}
