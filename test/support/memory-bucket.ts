// The simulation's bucket: objects with content-hash ETags and a version counter, every version ever stored,
// and the safety rules checked at the moment the engine overwrites or deletes anything (no content lost).
import { createHash } from 'node:crypto';
import { appError, AppFailure } from '../../src/shared/errors.js';
import { crc64 } from '../../src/main/engine/s3/crc64.js';
import { TRASH_DIR, type DeletePolicy, type Key, type RemoteEntry } from '../../src/main/engine/sync/model.js';
import { hashParts } from './sim-random.js';

export type Writer = 'engine' | 'other';

export interface StoredVersion {
  id: number;
  key: Key;
  data: Buffer;
  /** Base64 MD5 of the data. */
  md5: string;
  etag: string;
  writer: Writer;
  /** What the object's metadata says (our uploads and rclone-like tools write it). */
  meta: { mtimeMs?: number; md5?: string };
  storedAtMs: number;
  removed?: { by: Writer; how: 'overwritten' | 'deleted'; excused: boolean };
}

export interface BucketRules {
  deletePolicy: DeletePolicy;
  /** COS answers a HEAD with the object's CRC-64; other services do not. */
  cosHashes: boolean;
  now(): number;
  /** The ETag the running engine's synced tree holds for the key. */
  syncedEtag(key: Key): string | undefined;
  /** The folder's ignore rules as they are now. */
  isIgnored(key: Key): boolean;
}

export const isTrashKey = (key: Key) => key.startsWith(`${TRASH_DIR}/`);
export const md5Of = (data: Buffer) => createHash('md5').update(data).digest('base64');

export class MemoryBucket {
  readonly objects = new Map<Key, StoredVersion>();
  readonly versions: StoredVersion[] = [];
  /** Broken safety rules, found at the moment they were broken. */
  readonly violations: string[] = [];
  /** Objects the engine removed from a live key (overwrites included): a held plan must not change it. */
  engineRemovals = 0;
  engineWrites = 0;
  /** Each change, for a failing scenario's trace. */
  onChange?: (line: string) => void;
  #version = 0;
  readonly #perKey = new Map<Key, number>();
  /** Keys the engine HEADed and has not written or deleted since: see inCheckWindow. */
  readonly #looked = new Set<Key>();

  constructor(readonly rules: BucketRules) {}

  // ---- someone else (another tool, another person): never checked

  putByOther(key: Key, data: Buffer, withMd5Meta: boolean): StoredVersion {
    const meta = withMd5Meta ? { md5: md5Of(data), mtimeMs: this.rules.now() } : {};
    return this.#store(key, data, 'other', meta);
  }

  deleteByOther(key: Key): void {
    const old = this.objects.get(key);
    if (!old) return;
    old.removed = { by: 'other', how: 'deleted', excused: true };
    this.objects.delete(key);
    this.onChange?.(`bucket: someone else deleted ${key} (${old.etag})`);
  }

  // ---- the engine: each call is one atomic step of the service

  /** PUT with the Remote contract's precondition: `ifMatch`, or create only when undefined. */
  storeUpload(key: Key, data: Buffer, meta: StoredVersion['meta'], ifMatch: string | undefined): StoredVersion {
    const current = this.objects.get(key);
    if (ifMatch !== undefined && current?.etag !== ifMatch) {
      throw new AppFailure(appError('remote-changed', { detail: `${key}: expected ETag ${ifMatch}, found ${current?.etag ?? 'none'}` }));
    }
    if (ifMatch === undefined && current) throw new AppFailure(appError('precondition-failed', { detail: `${key} exists (create only)` }));
    if (isTrashKey(key)) this.#violate(`uploaded into the trash: ${key}`);
    this.#checkWrite(key);
    return this.#engineStore(key, data, meta);
  }

  /** CopyObject with CopySourceIfMatch; like S3 it overwrites the target unconditionally. */
  storeCopy(fromKey: Key, toKey: Key, ifMatch: string): StoredVersion {
    const source = this.objects.get(fromKey);
    if (!source) throw new AppFailure(appError('no-such-key', { detail: `copy source ${fromKey}` }));
    if (source.etag !== ifMatch) throw new AppFailure(appError('precondition-failed', { detail: `copy source ${fromKey} has ${source.etag}, not ${ifMatch}` }));
    if (isTrashKey(toKey) && this.objects.has(toKey)) this.#violate(`a trashed version was overwritten by a copy to ${toKey}`);
    if (!isTrashKey(toKey)) this.#checkWrite(toKey);
    return this.#engineStore(toKey, source.data, { ...source.meta });
  }

  /** DeleteObject: succeeds for a missing key, as S3 does. */
  remove(key: Key): void {
    const old = this.objects.get(key);
    this.#looked.delete(key);
    if (!old) return;
    if (isTrashKey(key)) this.#violate(`the engine deleted a trashed version: ${key}`);
    this.#retire(old, 'deleted');
    this.objects.delete(key);
    this.onChange?.(`bucket: engine deleted ${key} (${old.etag})`);
  }

  head(key: Key): RemoteEntry | undefined {
    this.#looked.add(key);
    const o = this.objects.get(key);
    if (!o) return undefined;
    const entry: RemoteEntry = { ...this.#listed(o), ...o.meta };
    if (this.rules.cosHashes) entry.crc64 = crc64(o.data);
    return entry;
  }

  list(): Map<Key, RemoteEntry> {
    return new Map([...this.objects.values()].map((o) => [o.key, this.#listed(o)]));
  }

  /**
   * Whether the engine may be between a HEAD of the key and an unconditional DeleteObject (S3 deletes take no
   * precondition): someone else writing there then is a race no client can close, so the world waits.
   */
  inCheckWindow(key: Key): boolean {
    return this.#looked.has(key);
  }

  /** No engine call is in flight (between passes, after a restart): no window is open. */
  closeWindows(): void {
    this.#looked.clear();
  }

  /** Whether these bytes are in the trash now. */
  inTrash(md5: string): boolean {
    for (const o of this.objects.values()) if (o.md5 === md5 && isTrashKey(o.key)) return true;
    return false;
  }

  /** Versions the engine removed where nothing allowed it without a trash copy (see #retire), whose bytes are nowhere now. */
  lostVersions(): StoredVersion[] {
    const present = new Set([...this.objects.values()].map((o) => o.md5));
    return this.versions.filter((v) => v.removed?.by === 'engine' && !v.removed.excused && !present.has(v.md5));
  }

  // ----

  #listed(o: StoredVersion): RemoteEntry {
    return { key: o.key, size: o.data.length, etag: o.etag, lastModifiedMs: o.storedAtMs };
  }

  #engineStore(key: Key, data: Buffer, meta: StoredVersion['meta']): StoredVersion {
    this.#looked.delete(key);
    const old = this.objects.get(key);
    if (old) this.#retire(old, 'overwritten');
    this.engineWrites++;
    return this.#store(key, data, 'engine', meta);
  }

  #store(key: Key, data: Buffer, writer: Writer, meta: StoredVersion['meta']): StoredVersion {
    const old = this.objects.get(key);
    if (old && !old.removed) old.removed = { by: writer, how: 'overwritten', excused: writer === 'other' };
    const id = ++this.#version;
    const nth = (this.#perKey.get(key) ?? 0) + 1;
    this.#perKey.set(key, nth);
    const md5 = md5Of(data);
    // Content hash, key and the key's version count: unique, and the same whatever order concurrent writes came in.
    const etag = `${Buffer.from(md5, 'base64').toString('hex').slice(0, 12)}-${hashParts(key).toString(36)}-v${nth}`;
    const version: StoredVersion = { id, key, data: Buffer.from(data), md5, etag, writer, meta, storedAtMs: this.rules.now() };
    this.objects.set(key, version);
    this.versions.push(version);
    this.onChange?.(`bucket: ${writer} wrote ${key} (${etag}, ${data.length} B)${old ? ` over ${old.etag}` : ''}`);
    return version;
  }

  /** Nothing ignored is ever uploaded, and keys are NFC. */
  #checkWrite(key: Key): void {
    if (this.rules.isIgnored(key)) this.#violate(`an ignored file was uploaded: ${key}`);
    if (key.normalize('NFC') !== key) this.#violate(`a key that is not NFC was written: ${JSON.stringify(key)}`);
  }

  /**
   * The engine replaces or deletes `old`. Without a copy of its bytes in the trash that is allowed only for
   * the folder's own version: an overwrite of what the engine wrote or synced, a delete under policy `delete`.
   */
  #retire(old: StoredVersion, how: 'overwritten' | 'deleted'): void {
    this.engineRemovals++;
    const synced = this.rules.syncedEtag(old.key) === old.etag;
    const excused = how === 'overwritten' ? old.writer === 'engine' || synced : this.rules.deletePolicy === 'delete' && synced;
    old.removed = { by: 'engine', how, excused };
    if (excused || this.inTrash(old.md5)) return;
    const whose = old.writer === 'other' ? 'someone else\'s' : 'the engine\'s';
    this.#violate(`${whose} version ${old.etag} of ${old.key} was ${how} without a copy in the trash`);
  }

  #violate(message: string): void {
    this.violations.push(message);
    this.onChange?.(`VIOLATION (bucket) ${message}`);
  }
}
