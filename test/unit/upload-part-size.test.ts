// Part sizes for multipart uploads: the table from 0 bytes to the largest object, always within COS's and
// S3's limits (parts of 5 MiB to 5 GiB, at most 10,000 of them), with a 10% headroom where it fits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isUsablePartSize, MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, partCount, partRange, partSizeFor,
} from '../../src/main/engine/sync/part-size.js';
import { AppFailure } from '../../src/shared/errors.js';

const MiB = 1024 * 1024;
const GB = 1e9;
const TB = 1e12;
const TiB = 1024 ** 4;

describe('partSizeFor', () => {
  const table: Array<[string, number, number, number]> = [
    // label, file size, part size, parts
    ['16 MiB (the multipart threshold)', 16 * MiB, 8 * MiB, 2],
    ['40 MiB', 40 * MiB, 8 * MiB, 5],
    ['200 MB', 200e6, 8 * MiB, 24],
    ['20 GB', 20 * GB, 8 * MiB, 2385],
    ['75 GiB (8 MiB x 9,600: past the 9,000 target)', 75 * 1024 * MiB, 9 * MiB, 8534],
    ['1 TiB', TiB, 117 * MiB, 8963],
    ['48 TB', 48 * TB, 5087 * MiB, 8999],
    // 48 TiB / 9,000 would be over 5 GiB a part: the 10% headroom is given up.
    ['48 TiB', 48 * TiB, 5034 * MiB, 9999],
    ['the largest object (10,000 x 5 GiB)', MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS],
  ];
  for (const [label, size, partSize, parts] of table) {
    it(label, () => {
      assert.equal(partSizeFor(size), partSize, `${partSizeFor(size) / MiB} MiB`);
      assert.equal(partCount(size, partSize), parts);
    });
  }

  it('keeps every size within the limits, in whole MiB', () => {
    for (let size = 0; size <= MAX_OBJECT_SIZE; size = Math.floor(size * 1.37) + 12_345) {
      const part = partSizeFor(size);
      assert.ok(part >= MIN_PART_SIZE && part <= MAX_PART_SIZE, `${size}: ${part}`);
      assert.equal(part % MiB, 0);
      assert.ok(partCount(size, part) <= MAX_PARTS, `${size}: ${partCount(size, part)} parts`);
      assert.ok(isUsablePartSize(part, size));
    }
  });

  it('refuses a file larger than any service accepts', () => {
    assert.throws(() => partSizeFor(MAX_OBJECT_SIZE + 1), (e: unknown) => e instanceof AppFailure && e.appError.code === 'file-too-large');
    assert.throws(() => partSizeFor(-1), RangeError);
    assert.throws(() => partSizeFor(1.5), RangeError);
  });
});

describe('part ranges', () => {
  it('cover the file exactly, the last part shorter', () => {
    const size = 40 * MiB + 123;
    const part = partSizeFor(size);
    const ranges = Array.from({ length: partCount(size, part) }, (_, i) => partRange(i + 1, size, part));
    assert.equal(ranges.length, 6);
    assert.deepEqual(ranges.at(-1), { offset: 40 * MiB, length: 123 });
    assert.equal(ranges.reduce((sum, r) => sum + r.length, 0), size);
    ranges.forEach((r, i) => assert.equal(r.offset, i * part));
  });

  it('a stored part size is reusable only if it still fits the file', () => {
    assert.equal(isUsablePartSize(8 * MiB, 40 * MiB), true);
    assert.equal(isUsablePartSize(4 * MiB, 40 * MiB), false, 'under S3 minimum');
    assert.equal(isUsablePartSize(8 * MiB, 100 * GB), false, 'more than 10,000 parts');
    assert.equal(isUsablePartSize(6 * GB, 100 * GB), false, 'over 5 GiB');
  });
});
