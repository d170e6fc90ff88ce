// The RemoteTree: every object under a pair's prefix from a paginated listing (keys asked url-encoded and
// decoded here), and the HEAD of one object with our metadata (mtime, md5chksum) and COS's CRC-64.
import {
  HeadObjectCommand, ListObjectsCommand, ListObjectsV2Command,
  type ListObjectsCommandOutput, type ListObjectsV2CommandOutput, type _Object,
} from '@aws-sdk/client-s3';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import { responseInfo } from '../s3/response-info.js';
import { TRASH_DIR, type Key, type RemoteEntry } from './model.js';
import { bareEtag, readObjectMetadata } from './object-metadata.js';

export interface ListOptions {
  signal?: AbortSignal;
  /** Keys per page (the services' maximum, 1000, by default). */
  pageSize?: number;
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
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    throw new AppFailure(appError('server-error', { detail: `the listing returned a key that is not valid url encoding: ${JSON.stringify(key.slice(0, 200))}` }));
  }
}

type Page = Pick<ListObjectsV2CommandOutput, 'Contents' | 'EncodingType'>;

/** Keys come back decoded only when the service says it encoded them (one that ignores the option sends them raw). */
const keysOf = (page: Page): Array<_Object & { Key: string }> =>
  (page.Contents ?? []).filter((o): o is _Object & { Key: string } => o.Key !== undefined)
    .map((o) => (page.EncodingType === 'url' ? { ...o, Key: decodeListedKey(o.Key) } : o));

function toEntry(object: _Object, key: Key): RemoteEntry {
  const entry: RemoteEntry = { key, size: object.Size ?? 0, etag: bareEtag(object.ETag), lastModifiedMs: object.LastModified?.getTime() ?? 0 };
  if (object.StorageClass) entry.storageClass = object.StorageClass;
  return entry;
}

const TRASH_PREFIX = `${TRASH_DIR}/`;

function addPage(listing: RemoteListing, page: Page, prefix: string): string | undefined {
  let last: string | undefined;
  for (const object of keysOf(page)) {
    last = object.Key;
    if (!object.Key.startsWith(prefix)) continue; // a service that ignored the prefix
    const key = object.Key.slice(prefix.length);
    if (key === '' || key.endsWith('/')) continue; // folder markers (consoles make them): no file to sync
    (key.startsWith(TRASH_PREFIX) ? listing.trash : listing.entries).set(key, toEntry(object, key));
  }
  listing.pages += 1;
  return last;
}

interface Pager {
  connection: S3Connection;
  bucket: string;
  prefix: string;
  options: ListOptions;
}

/** V1 from `marker` (the last key V2 gave): the marker moves to the last key of each page, or it stops with an error. */
async function listV1(p: Pager, listing: RemoteListing, marker: string): Promise<void> {
  listing.usedV1 = true;
  const seen = new Set<string>([marker]);
  for (;;) {
    const command = new ListObjectsCommand({ Bucket: p.bucket, Prefix: p.prefix, Marker: marker, MaxKeys: p.options.pageSize, EncodingType: 'url' });
    const out: ListObjectsCommandOutput = await p.connection.client.send(command, { abortSignal: p.options.signal });
    const last = addPage(listing, out, p.prefix);
    if (!out.IsTruncated) return;
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
    const command = new ListObjectsV2Command({ Bucket: p.bucket, Prefix: p.prefix, ContinuationToken: token, MaxKeys: p.options.pageSize, EncodingType: 'url' });
    const out = await p.connection.client.send(command, { abortSignal: p.options.signal });
    const last = addPage(listing, out, p.prefix);
    if (!out.IsTruncated) return;
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
  const listing: RemoteListing = { entries: new Map(), trash: new Map(), pages: 0, usedV1: false };
  try {
    await listV2({ connection, bucket, prefix: folderPrefix(prefix), options }, listing);
    return listing;
  } catch (err) {
    throw err instanceof AppFailure ? err : new AppFailure(toAppError(err, { bucket, operation: 'ListObjectsV2' }));
  }
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
