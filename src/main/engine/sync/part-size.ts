// How a large file is cut into multipart parts: big enough that any file fits in the providers' 10,000
// parts (COS and S3), small enough that a part in memory and a re-sent part stay cheap.
import { appError, AppFailure } from '../../../shared/errors.js';

const MiB = 1024 * 1024;

/** Smallest part we use: fewer requests than S3's 5 MiB minimum, and a round 8 MiB in memory. */
export const MIN_PART_SIZE = 8 * MiB;
/** COS and S3: a part is at most 5 GiB. */
export const MAX_PART_SIZE = 5 * 1024 * MiB;
/** COS and S3: at most 10,000 parts per upload. */
export const MAX_PARTS = 10_000;
/** Parts we aim at: 10% headroom under MAX_PARTS, so a file that grew a little still fits. */
export const TARGET_PARTS = 9_000;
/** The largest object multipart can make: 10,000 parts of 5 GiB (COS documents 48.82 TB). */
export const MAX_OBJECT_SIZE = MAX_PARTS * MAX_PART_SIZE;

const roundUpToMiB = (bytes: number) => Math.ceil(bytes / MiB) * MiB;

/**
 * The part size for a file of `size` bytes: max(8 MiB, size / 9,000 rounded up to a MiB). Past about
 * 47 TB that would exceed 5 GiB a part, so the headroom is given up (size / 10,000) before refusing.
 */
export function partSizeFor(size: number): number {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`Not a file size: ${size}`);
  if (size > MAX_OBJECT_SIZE) throw new AppFailure(appError('file-too-large', { detail: `${size} bytes` }));
  const target = Math.max(MIN_PART_SIZE, roundUpToMiB(size / TARGET_PARTS));
  if (target <= MAX_PART_SIZE) return target;
  return Math.min(MAX_PART_SIZE, roundUpToMiB(size / MAX_PARTS));
}

/** How many parts a file of `size` bytes makes with parts of `partSize` (an empty file is never multipart). */
export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/** Byte range of part `partNumber` (1-based): where it starts and how long it is. */
export function partRange(partNumber: number, size: number, partSize: number): { offset: number; length: number } {
  const offset = (partNumber - 1) * partSize;
  return { offset, length: Math.max(0, Math.min(partSize, size - offset)) };
}

/** Whether a part size persisted with an upload can still carry a file of `size` bytes. */
export function isUsablePartSize(partSize: number, size: number): boolean {
  return Number.isSafeInteger(partSize) && partSize >= 5 * MiB && partSize <= MAX_PART_SIZE && partCount(size, partSize) <= MAX_PARTS;
}
