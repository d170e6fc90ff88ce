// The RemoteTree: every object under a pair's prefix from a paginated listing (keys asked url-encoded and
// decoded here), and the HEAD of one object with our metadata (mtime, md5chksum) and COS's CRC-64.
import {
  HeadObjectCommand, ListObjectsCommand, ListObjectsV2Command,
  type ListObjectsCommandOutput, type ListObjectsV2CommandOutput, type _Object,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import { readListingFast, type Listed } from './list-xml.js';
import { responseInfo } from '../s3/response-info.js';
import { TRASH_DIR, type Key, type RemoteEntry } from './model.js';
import { bareEtag, readObjectMetadata } from './object-metadata.js';

export interface ListOptions {
  signal?: AbortSignal;
  /** Keys per page (the services' maximum, 1000, by default). */
  pageSize?: number;
  /**
   * Keys (relative to the prefix) the bucket probably holds, e.g. the synced tree's, mostly in the bucket's
   * order. The listing is cut at every pageSize-th of them into ranges listed side by side (StartAfter): as
   * many requests as one listing when the guess is right, a page more per range where it is not.
   */
  expectedKeys?: Iterable<Key>;
  /** Ranges listed at once (8 by default). */
  concurrency?: number;
}

export interface RemoteListing {
  /** Objects under the prefix, by key relative to it; the trash and folder markers left out. */
  entries: Map<Key, RemoteEntry>;
  /** Objects under `<prefix>.cos-sync-trash/`, by key relative to the prefix. */
  trash: Map<Key, RemoteEntry>;
  /** Pages read, and whether the V1 fallback was needed (a V2 page truncated without a token). */
  pages: number;
  usedV1: boolean;
}

/** A prefix names a folder: '' or ending in '/', so "photos" does not also list "photos-old/". */
export const folderPrefix = (prefix: string) => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);

/**
 * A key from a listing asked with encoding-type=url. S3 writes a space as '+' (form encoding), RGW as
 * '%20'; a literal '+' is always '%2B', so '+' can only mean a space.
 */
export function decodeListedKey(key: string): string {
  if (!key.includes('%') && !key.includes('+')) return key;
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    throw new AppFailure(appError('server-error', { detail: `the listing returned a key that is not valid url encoding: ${JSON.stringify(key.slice(0, 200))}` }));
  }
}

type Page = Pick<ListObjectsV2CommandOutput, 'Contents' | 'EncodingType'>;

/** Keys come back decoded only when the service says it encoded them (one that ignores the option sends them raw). */
const keysOf = (page: Page): Array<Listed & { Key: string }> => {
  const objects = (page.Contents ?? []).filter((o): o is Listed & { Key: string } => o.Key !== undefined);
  // The page's objects are ours: decoded in place, no copy of each.
  if (page.EncodingType === 'url') for (const o of objects) o.Key = decodeListedKey(o.Key);
  return objects;
};

function toEntry(object: Listed, key: Key): RemoteEntry {
  const lastModifiedMs = object.lastModifiedMs ?? object.LastModified?.getTime() ?? 0;
  const entry: RemoteEntry = { key, size: object.Size ?? 0, etag: bareEtag(object.ETag), lastModifiedMs };
  if (object.StorageClass) entry.storageClass = object.StorageClass;
  return entry;
}

const TRASH_PREFIX = `${TRASH_DIR}/`;

/**
 * The order buckets list keys in: by UTF-8 bytes, which is code point order. JavaScript's `<` compares UTF-16
 * code units, which differs where a surrogate pair (U+10000 and up) meets U+E000 to U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (D800-DFFF) after the rest of the BMP, where their code points are. */
const codePointRank = (unit: number) => (unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800);

/** A range listing found the server ignoring StartAfter (it listed from the start): list in one go instead. */
class StartAfterIgnored extends Error {}

/** Adds a page's objects; `done` once a key lies past the range's end (the range is complete). */
function addPage(listing: RemoteListing, page: Page, p: Pager): { last: string | undefined; done: boolean } {
  const objects = keysOf(page);
  if (p.after !== undefined && objects.length > 0 && compareKeys(objects[0]!.Key, p.after) <= 0) throw new StartAfterIgnored();
  // Keys come in order: only a page that ends past the range's end needs each key checked.
  const checkEnd = p.upTo !== undefined && objects.length > 0 && compareKeys(objects[objects.length - 1]!.Key, p.upTo) > 0;
  let last: string | undefined;
  let done = false;
  for (const object of objects) {
    if (checkEnd && compareKeys(object.Key, p.upTo!) > 0) {
      done = true;
      break;
    }
    last = object.Key;
    if (!object.Key.startsWith(p.prefix)) continue; // a service that ignored the prefix
    const key = object.Key.slice(p.prefix.length);
    if (key === '' || key.endsWith('/')) continue; // folder markers (consoles make them): no file to sync
    (key.startsWith(TRASH_PREFIX) ? listing.trash : listing.entries).set(key, toEntry(object, key));
  }
  listing.pages += 1;
  // The range's last key itself: nothing more belongs to it (no page more to find that out).
  return { last, done: done || (p.upTo !== undefined && last === p.upTo) };
}

interface Pager {
  connection: S3Connection;
  bucket: string;
  prefix: string;
  options: ListOptions;
  /** The range: keys after `after` (exclusive) up to `upTo` (inclusive); full keys, prefix included. */
  after?: string;
  upTo?: string;
  signal?: AbortSignal;
}

/** V1 from `marker` (the last key V2 gave): the marker moves to the last key of each page, or it stops with an error. */
async function listV1(p: Pager, listing: RemoteListing, marker: string): Promise<void> {
  listing.usedV1 = true;
  const seen = new Set<string>([marker]);
  for (;;) {
    const command = new ListObjectsCommand({ Bucket: p.bucket, Prefix: p.prefix, Marker: marker, MaxKeys: p.options.pageSize, EncodingType: 'url' });
    const fast = readListingFast(command);
    const sent: ListObjectsCommandOutput = await p.connection.client.send(command, { abortSignal: p.signal });
    const out = fast.page() ?? sent;
    const { last, done } = addPage(listing, out, p);
    if (!out.IsTruncated || done) return;
    const next = out.NextMarker ? (out.EncodingType === 'url' ? decodeListedKey(out.NextMarker) : out.NextMarker) : last;
    if (next === undefined || seen.has(next)) {
      throw new AppFailure(appError('server-error', { detail: `the bucket listing stopped moving on after "${marker.slice(0, 200)}"` }));
    }
    seen.add(next);
    marker = next;
  }
}

async function listV2(p: Pager, listing: RemoteListing): Promise<void> {
  let token: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const command = new ListObjectsV2Command({
      Bucket: p.bucket, Prefix: p.prefix, ContinuationToken: token, StartAfter: token ? undefined : p.after, MaxKeys: p.options.pageSize, EncodingType: 'url',
    });
    const fast = readListingFast(command);
    const sent = await p.connection.client.send(command, { abortSignal: p.signal });
    const out = fast.page() ?? sent;
    const { last, done } = addPage(listing, out, p);
    if (!out.IsTruncated || done) return;
    token = out.NextContinuationToken;
    // Truncated with no (or a repeated) token: some servers do this; V1 with a marker goes on from the last key.
    if (!token || seen.has(token)) {
      if (last === undefined) throw new AppFailure(appError('server-error', { detail: 'the bucket listing was truncated with no token and no keys' }));
      return listV1(p, listing, last);
    }
    seen.add(token);
  }
}

/** Every object under `prefix`, the trash apart; rejects with an AppFailure (never returns a partial listing). */
export async function listRemoteTree(connection: S3Connection, bucket: string, prefix: string, options: ListOptions = {}): Promise<RemoteListing> {
  const pager: Pager = { connection, bucket, prefix: folderPrefix(prefix), options, ...(options.signal ? { signal: options.signal } : {}) };
  try {
    const cuts = options.expectedKeys ? cutPoints(options.expectedKeys, pager.prefix, options.pageSize ?? 1000) : [];
    if (cuts.length > 0) {
      const listing = await listRanges(pager, cuts).catch((err: unknown) => {
        if (err instanceof StartAfterIgnored) return undefined;
        throw err;
      });
      if (listing) return listing;
    }
    const listing: RemoteListing = { entries: new Map(), trash: new Map(), pages: 0, usedV1: false };
    await listV2(pager, listing);
    return listing;
  } catch (err) {
    throw err instanceof AppFailure ? err : new AppFailure(toAppError(err, { bucket, operation: 'ListObjectsV2' }));
  }
}

/** Every `every`-th expected key as a full key, in the bucket's order, without duplicates. */
function cutPoints(expected: Iterable<Key>, prefix: string, every: number): string[] {
  const cuts: string[] = [];
  let i = 0;
  let last: Key | undefined;
  for (const key of expected) {
    if (++i % every === 0) cuts.push(`${prefix}${key}`);
    last = key;
  }
  // A cut at the very last key would leave a range after it with nothing expected: one request for an empty page.
  if (i % every === 0 && last !== undefined) cuts.pop();
  return [...new Set(cuts)].sort(compareKeys);
}

/** The ranges (…, c1], (c1, c2], …, (cn, …) listed side by side into one listing; the first failure stops the rest. */
async function listRanges(p: Pager, cuts: string[]): Promise<RemoteListing> {
  const listing: RemoteListing = { entries: new Map(), trash: new Map(), pages: 0, usedV1: false };
  const stop = new AbortController();
  const signal = p.signal ? AbortSignal.any([p.signal, stop.signal]) : stop.signal;
  const limit = pLimit(p.options.concurrency ?? 8);
  const ranges = [undefined, ...cuts].map((after, i) => ({ ...p, signal, ...(after === undefined ? {} : { after }), ...(i < cuts.length ? { upTo: cuts[i]! } : {}) }));
  try {
    await Promise.all(ranges.map((range) => limit(() => {
      signal.throwIfAborted();
      return listV2(range, listing);
    })));
  } catch (err) {
    stop.abort(err);
    throw err;
  }
  return listing;
}

/** The RemoteTree of a pair: objects under `prefix` by key relative to it (trash excluded). */
export async function listRemote(connection: S3Connection, bucket: string, prefix: string, options: ListOptions = {}): Promise<Map<Key, RemoteEntry>> {
  return (await listRemoteTree(connection, bucket, prefix, options)).entries;
}

/**
 * One object's entry with our metadata and (on COS) its CRC-64; undefined when there is no such object.
 * `prefix` makes the entry's key relative to it, as listRemote's are.
 */
export async function headRemote(connection: S3Connection, bucket: string, key: string, options: { signal?: AbortSignal; prefix?: string } = {}): Promise<RemoteEntry | undefined> {
  let out;
  try {
    out = await connection.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.signal });
  } catch (err) {
    const error = toAppError(err, { bucket, operation: 'HeadObject' });
    if (error.code === 'no-such-key') return undefined;
    throw new AppFailure(error);
  }
  const prefix = options.prefix === undefined ? '' : folderPrefix(options.prefix);
  const entry: RemoteEntry = {
    key: prefix !== '' && key.startsWith(prefix) ? key.slice(prefix.length) : key,
    size: out.ContentLength ?? 0,
    etag: bareEtag(out.ETag),
    lastModifiedMs: out.LastModified?.getTime() ?? 0,
    ...readObjectMetadata(out.Metadata),
  };
  const crc = responseInfo(out)?.crc64;
  if (crc !== undefined) entry.crc64 = crc;
  if (out.StorageClass) entry.storageClass = out.StorageClass;
  return entry;
}
