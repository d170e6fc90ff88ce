// The hashing pass before a multipart upload: the whole file's MD5 (its metadata is fixed at Create, before
// any part is sent) and the CRC-64 of every part, which combine into the whole file's CRC-64 at no extra cost.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { combineCrc64, Crc64 } from '../s3/crc64.js';
import { partCount, partRange } from './part-size.js';
import { isGone, UploadStop } from './upload-support.js';

export interface PartHashes {
  /** Base64 MD5 of the whole file. */
  md5: string;
  /** CRC-64/XZ of the whole file, decimal: the parts' CRCs combined. */
  crc64: string;
  /** CRC-64 of part n at index n - 1. */
  partCrcs: string[];
}

/** Read size: a few large reads keep syscalls few; one buffer is reused for the whole pass. */
const READ_BYTES = 4 * 1024 * 1024;

async function hashPart(handle: FileHandle, range: { offset: number; length: number }, md5: ReturnType<typeof createHash>, buffer: Buffer, signal: AbortSignal): Promise<string> {
  const crc = new Crc64();
  let done = 0;
  while (done < range.length) {
    signal.throwIfAborted();
    const want = Math.min(buffer.length, range.length - done);
    const { bytesRead } = await handle.read(buffer, 0, want, range.offset + done);
    if (bytesRead === 0) throw new UploadStop('changed'); // shorter than it was a moment ago
    const chunk = buffer.subarray(0, bytesRead);
    md5.update(chunk);
    crc.update(chunk);
    done += bytesRead;
  }
  return crc.digest();
}

/** Hashes `size` bytes of the file in parts of `partSize`; UploadStop when it vanished or shrank. */
export async function hashParts(path: string, size: number, partSize: number, signal: AbortSignal): Promise<PartHashes> {
  signal.throwIfAborted();
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (isGone(err)) throw new UploadStop('vanished');
    throw err;
  }
  try {
    const md5 = createHash('md5');
    const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, partSize));
    const partCrcs: string[] = [];
    let whole = '0';
    for (let n = 1; n <= partCount(size, partSize); n++) {
      const range = partRange(n, size, partSize);
      const crc = await hashPart(handle, range, md5, buffer, signal);
      partCrcs.push(crc);
      whole = combineCrc64(whole, crc, range.length);
    }
    return { md5: md5.digest('base64'), crc64: whole, partCrcs };
  } finally {
    await handle.close();
  }
}
