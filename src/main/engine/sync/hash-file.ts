// Content hashes of a local file, read once through one fixed buffer: MD5 (base64, as rclone's md5chksum),
// CRC-64/XZ (decimal, as COS's x-cos-hash-crc64ecma) and, when asked, the multipart ETag S3-like services give
// our multipart uploads, so memory stays flat for any file size.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Crc64 } from '../s3/crc64.js';

export interface FileHashes {
  md5: string;
  /** Absent when the caller turned it off. */
  crc64?: string;
  /** S3's multipart ETag (`<md5 of the parts' MD5s>-<count>`) for parts of `partSize`, when asked. */
  partsEtag?: string;
  /** Bytes read: differs from the size the scan saw if the file changed meanwhile. */
  size: number;
}

export interface HashOptions {
  signal?: AbortSignal;
  /** Read size; 1 MiB keeps syscalls few and memory bounded. */
  bufferBytes?: number;
  /** Skip the CRC-64 (providers other than COS verify with MD5). */
  crc64?: boolean;
  /** Also hash parts of this size into a multipart ETag (what our multipart uploads make on S3-like services). */
  partSize?: number;
}

/** MD5s of consecutive parts, fed in chunks that may straddle part boundaries. */
class PartsMd5 {
  readonly #digests: Buffer[] = [];
  #part = createHash('md5');
  #inPart = 0;
  constructor(private readonly partSize: number) {}

  update(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(chunk.length - at, this.partSize - this.#inPart);
      this.#part.update(chunk.subarray(at, at + take));
      at += take;
      this.#inPart += take;
      if (this.#inPart === this.partSize) this.#next();
    }
  }

  etag(): string {
    if (this.#inPart > 0 || this.#digests.length === 0) this.#next();
    const whole = createHash('md5');
    for (const d of this.#digests) whole.update(d);
    return `${whole.digest('hex')}-${this.#digests.length}`;
  }

  #next(): void {
    this.#digests.push(this.#part.digest());
    this.#part = createHash('md5');
    this.#inPart = 0;
  }
}

export async function hashFile(path: string, options: HashOptions = {}): Promise<FileHashes> {
  options.signal?.throwIfAborted();
  const md5 = createHash('md5');
  const crc = options.crc64 === false ? undefined : new Crc64();
  const parts = options.partSize ? new PartsMd5(options.partSize) : undefined;
  const buffer = Buffer.allocUnsafe(options.bufferBytes ?? 1 << 20);
  const handle = await open(path, 'r');
  let size = 0;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
      if (bytesRead === 0) break;
      // The buffer is reused: both hashes consume the chunk before the next read overwrites it.
      const chunk = buffer.subarray(0, bytesRead);
      md5.update(chunk);
      crc?.update(chunk);
      parts?.update(chunk);
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return {
    md5: md5.digest('base64'),
    ...(crc ? { crc64: crc.digest() } : {}),
    ...(parts ? { partsEtag: parts.etag() } : {}),
    size,
  };
}
