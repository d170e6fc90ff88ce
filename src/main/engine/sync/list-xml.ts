// A fast reader for the one answer a resync reads thousands of: a bucket listing page (ListObjects V1 and V2).
// The SDK's generic XML and schema deserialisation costs about 15 µs of CPU per object listed, most of a
// no-change resync; this reads the few fields the engine uses straight from the text (a few µs per object).
// It takes only the plain form servers send (leaf elements, the five XML entities and character references);
// anything else (CDATA, attributes on the fields, an unknown entity, a missing key) leaves the page to the SDK.
import type { ListObjectsCommand, ListObjectsV2Command, ListObjectsV2CommandOutput, _Object } from '@aws-sdk/client-s3';
import type { DeserializeHandler, DeserializeHandlerArguments, DeserializeHandlerOutput, MiddlewareStack } from '@smithy/types';

/** A listed object; the fast reader gives its time as a number (no Date made per object). */
export type Listed = _Object & { lastModifiedMs?: number };

export interface ListedPage {
  Contents: Array<Listed & { Key: string }>;
  IsTruncated: boolean;
  NextContinuationToken?: string;
  NextMarker?: string;
  EncodingType?: ListObjectsV2CommandOutput['EncodingType'];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-z]{2,4}));/g;

/** Character data with its references replaced; undefined for markup or an entity this reader does not take. */
function characters(raw: string): string | undefined {
  if (raw.includes('<')) return undefined;
  if (!raw.includes('&')) return raw;
  // The common case, a quoted ETag, without the general replacement.
  if (raw.startsWith('&quot;') && raw.endsWith('&quot;') && raw.length >= 12 && raw.indexOf('&', 6) === raw.length - 6) return `"${raw.slice(6, -6)}"`;
  let references = 0;
  let unknown = false;
  const text = raw.replace(REFERENCE, (_, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    references += 1;
    if (name !== undefined) {
      const value = ENTITIES[name];
      if (value === undefined) unknown = true;
      return value ?? '';
    }
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) unknown = true;
    return unknown ? '' : String.fromCodePoint(code);
  });
  const ampersands = raw.split('&').length - 1;
  return unknown || references !== ampersands ? undefined : text;
}

/** The text of `<tag>…</tag>` between from and to: undefined when absent, null when it is not plain text. */
function leaf(xml: string, tag: string, from: number, to: number): string | undefined | null {
  for (let at = from; ;) {
    const open = xml.indexOf(`<${tag}`, at);
    if (open === -1 || open >= to) return undefined;
    const next = xml[open + tag.length + 1];
    if (next === '>') {
      const start = open + tag.length + 2;
      const end = xml.indexOf(`</${tag}>`, start);
      if (end === -1 || end > to) return null;
      return characters(xml.slice(start, end)) ?? null;
    }
    if (next === '/') return xml[open + tag.length + 2] === '>' ? '' : null; // <tag/>
    if (next === ' ' || next === '\t' || next === '\r' || next === '\n') return null; // attributes: not the plain form
    at = open + 1; // a longer name (<KeyCount> when looking for <Key>)
  }
}

/** The page, or undefined when the text is not a listing this reader takes (the SDK then reads it). */
export function parseListPage(xml: string): ListedPage | undefined {
  const root = xml.indexOf('<ListBucketResult');
  if (root === -1 || xml.includes('<![CDATA[')) return undefined;
  const contents: ListedPage['Contents'] = [];
  let outside = '';
  let at = root;
  for (;;) {
    const open = xml.indexOf('<Contents>', at);
    if (open === -1) break;
    const close = xml.indexOf('</Contents>', open);
    if (close === -1) return undefined;
    outside += xml.slice(at, open);
    const key = leaf(xml, 'Key', open, close);
    const size = leaf(xml, 'Size', open, close);
    const etag = leaf(xml, 'ETag', open, close);
    const modified = leaf(xml, 'LastModified', open, close);
    const storageClass = leaf(xml, 'StorageClass', open, close);
    if (typeof key !== 'string' || size === null || etag === null || modified === null || storageClass === null) return undefined;
    const object: Listed & { Key: string } = { Key: key };
    if (size !== undefined) {
      const n = Number(size);
      if (!Number.isSafeInteger(n) || n < 0) return undefined;
      object.Size = n;
    }
    if (etag !== undefined) object.ETag = etag;
    if (modified !== undefined) {
      const ms = Date.parse(modified);
      if (Number.isNaN(ms)) return undefined;
      object.lastModifiedMs = ms;
    }
    if (storageClass) object.StorageClass = storageClass as _Object['StorageClass'];
    contents.push(object);
    at = close + '</Contents>'.length;
  }
  outside += xml.slice(at);
  const end = outside.length;
  const truncated = leaf(outside, 'IsTruncated', 0, end);
  const token = leaf(outside, 'NextContinuationToken', 0, end);
  const marker = leaf(outside, 'NextMarker', 0, end);
  const encoding = leaf(outside, 'EncodingType', 0, end);
  if (truncated === null || token === null || marker === null || encoding === null) return undefined;
  if (truncated !== undefined && truncated !== 'true' && truncated !== 'false') return undefined;
  const page: ListedPage = { Contents: contents, IsTruncated: truncated === 'true' };
  if (token !== undefined) page.NextContinuationToken = token;
  if (marker !== undefined) page.NextMarker = marker;
  if (encoding !== undefined) page.EncodingType = encoding as ListedPage['EncodingType'];
  return page;
}

/** What the SDK is left to read once the page was read here: an empty listing, read in no time. */
const EMPTY_RESULT = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></ListBucketResult>');

interface Body {
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array | string>;
}

/**
 * Reads the command's successful answer with parseListPage, just inside the SDK's deserialiser (so retries,
 * errors and signing stay the SDK's); `page()` is the page read here after `send`, or undefined (then use the
 * SDK's output).
 */
export function readListingFast(command: ListObjectsV2Command | ListObjectsCommand): { page: () => ListedPage | undefined } {
  let page: ListedPage | undefined;
  const middleware = (next: DeserializeHandler<object, object>) => async (args: DeserializeHandlerArguments<object>): Promise<DeserializeHandlerOutput<object>> => {
    page = undefined;
    const result = await next(args);
    const response = result.response as { statusCode?: number; body?: unknown };
    const body = response.body as Body | Uint8Array | undefined;
    if (response.statusCode !== 200 || !body) return result;
    const chunks: Buffer[] = [];
    if (body instanceof Uint8Array) chunks.push(Buffer.from(body));
    else for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    const raw = Buffer.concat(chunks);
    page = parseListPage(raw.toString('utf8'));
    response.body = page ? EMPTY_RESULT : raw;
    return result;
  };
  (command.middlewareStack as unknown as MiddlewareStack<object, object>).addRelativeTo(middleware, { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'cosSyncFastListing' });
  return { page: () => page };
}
