// The user metadata every uploaded object carries, in rclone's names so other tools read it: `mtime`
// (epoch seconds, decimal, fraction allowed) and `md5chksum` (base64 MD5 of the whole file); plus ETag helpers.

/** Metadata names (x-amz-meta-*): lower case, `-` allowed, never `_` (COS and some proxies drop those). */
export const META_MTIME = 'mtime';
export const META_MD5 = 'md5chksum';

/**
 * Epoch milliseconds as rclone writes them: decimal seconds (up to 6 fractional digits here), trailing zeros dropped
 * ("1700000000", "1700000000.5"). Built from integer parts so no float noise ("...0.30000000004") appears.
 */
export function formatMtime(mtimeMs: number): string {
  if (!Number.isFinite(mtimeMs)) throw new RangeError('mtime must be a finite number of milliseconds.');
  if (mtimeMs < 0) return `-${formatMtime(-mtimeMs)}`; // before 1970: the fraction keeps the sign's side
  let seconds = Math.floor(mtimeMs / 1000);
  // Microseconds at most: a double near 1.7e12 ms holds about 0.25 µs, so finer digits would be noise.
  let nanos = Math.round((mtimeMs - seconds * 1000) * 1e3) * 1e3;
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  if (nanos === 0) return String(seconds);
  return `${seconds}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
}

const DECIMAL_SECONDS = /^(-?\d+)(?:\.(\d{1,9})\d*)?$/;

/** Epoch milliseconds from an `mtime` value; undefined for anything that is not decimal seconds. */
export function parseMtime(value: string | undefined): number | undefined {
  const match = value === undefined ? null : DECIMAL_SECONDS.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const fraction = match[2] === undefined ? 0 : Number(match[2].padEnd(9, '0')) / 1e6;
  const ms = seconds * 1000 + (seconds < 0 || match[1] === '-0' ? -fraction : fraction);
  return Number.isFinite(ms) ? ms : undefined;
}

const BASE64_MD5 = /^[A-Za-z0-9+/]{22}==$/;

/** A base64 MD5 (16 bytes) as stored in `md5chksum`, or undefined when the value is not one. */
export function parseMd5(value: string | undefined): string | undefined {
  return value !== undefined && BASE64_MD5.test(value.trim()) ? value.trim() : undefined;
}

/** The metadata of an upload: `mtime`, and `md5chksum` when the MD5 is known before the upload, ASCII only. */
export function objectMetadata(file: { mtimeMs: number; md5?: string }): Record<string, string> {
  const mtime = { [META_MTIME]: formatMtime(file.mtimeMs) };
  return file.md5 === undefined ? mtime : { ...mtime, [META_MD5]: file.md5 };
}

/** mtime and MD5 read back from an object's metadata (the SDK lower-cases the names). */
export function readObjectMetadata(metadata: Record<string, string> | undefined): { mtimeMs?: number; md5?: string } {
  const mtimeMs = parseMtime(metadata?.[META_MTIME]);
  const md5 = parseMd5(metadata?.[META_MD5]);
  return { ...(mtimeMs === undefined ? {} : { mtimeMs }), ...(md5 === undefined ? {} : { md5 }) };
}

/** An ETag without quotes or a weak `W/` prefix; '' when there is none (RGW answers Complete without one). */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').trim().replace(/^W\//i, '').replace(/^"(.*)"$/, '$1').replace(/&quot;/g, '');
}

/** Whether an ETag looks like a plain MD5 (32 hex digits): what unencrypted simple PUTs give. */
export const isPlainMd5Etag = (etag: string) => /^[0-9a-f]{32}$/i.test(bareEtag(etag));

/** Whether an ETag looks like S3's multipart form `<md5 of part md5s>-<part count>`. */
export const isMultipartEtag = (etag: string) => /^[0-9a-f]{32}-\d+$/i.test(bareEtag(etag));

export const base64ToHex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');
