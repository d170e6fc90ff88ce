// Content hashes of a local file, read once through one fixed buffer: MD5 (base64, as rclone's md5chksum)
// and CRC-64/XZ (decimal, as COS's x-cos-hash-crc64ecma), so memory stays flat for any file size.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Crc64 } from '../s3/crc64.js';

export interface FileHashes {
  md5: string;
  /** Absent when the caller turned it off. */
  crc64?: string;
  /** Bytes read: differs from the size the scan saw if the file changed meanwhile. */
  size: number;
}

export interface HashOptions {
  signal?: AbortSignal;
  /** Read size; 1 MiB keeps syscalls few and memory bounded. */
  bufferBytes?: number;
  /** Skip the CRC-64 (providers other than COS verify with MD5). */
  crc64?: boolean;
}

export async function hashFile(path: string, options: HashOptions = {}): Promise<FileHashes> {
  options.signal?.throwIfAborted();
  const md5 = createHash('md5');
  const crc = options.crc64 === false ? undefined : new Crc64();
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
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return crc ? { md5: md5.digest('base64'), crc64: crc.digest(), size } : { md5: md5.digest('base64'), size };
}
