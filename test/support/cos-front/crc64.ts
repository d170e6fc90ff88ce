// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones), as COS reports it in
// x-cos-hash-crc64ecma. Test-only and deliberately independent of src/main/engine/s3/crc64.ts.

const POLY = 0xc96c5795d7870f42n;
const POLY_HI = 0xc96c5795;
const POLY_LO = 0xd7870f42;
const MASK64 = 0xffffffffffffffffn;

// The 256-entry table, split in 32-bit halves so the per-byte loop stays on plain numbers.
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/** Incremental CRC-64/XZ: feed chunks with update(), read the value with digest(). */
export class Crc64 {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  length = 0;

  update(chunk: Uint8Array): this {
    let { hi, lo } = this;
    for (let i = 0; i < chunk.length; i++) {
      const index = (lo ^ chunk[i]!) & 0xff;
      const nextLo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      lo = (nextLo ^ TABLE_LO[index]!) >>> 0;
      hi = ((hi >>> 8) ^ TABLE_HI[index]!) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    this.length += chunk.length;
    return this;
  }

  digest(): bigint {
    return (BigInt((this.hi ^ 0xffffffff) >>> 0) << 32n) | BigInt((this.lo ^ 0xffffffff) >>> 0);
  }
}

export function crc64(data: Uint8Array | string): bigint {
  return new Crc64().update(typeof data === 'string' ? Buffer.from(data) : data).digest();
}

function gf2Times(matrix: bigint[], vector: bigint): bigint {
  let sum = 0n;
  for (let i = 0; vector !== 0n; i++, vector >>= 1n) {
    if (vector & 1n) sum ^= matrix[i]!;
  }
  return sum;
}

function gf2Square(matrix: bigint[]): bigint[] {
  return matrix.map((row) => gf2Times(matrix, row));
}

/**
 * crc64(A ‖ B) from crc64(A), crc64(B) and B's length: zlib's crc32_combine, widened to 64 bits.
 * The operator for one zero bit is squared repeatedly to apply len2 zero bytes to crc1.
 */
export function crc64Combine(crc1: bigint, crc2: bigint, len2: number | bigint): bigint {
  let remaining = BigInt(len2);
  if (remaining === 0n) return crc1;
  let operator: bigint[] = [POLY];
  for (let n = 1; n < 64; n++) operator.push(1n << BigInt(n - 1));
  operator = gf2Square(gf2Square(operator)); // four zero bits
  let result = crc1;
  while (remaining !== 0n) {
    operator = gf2Square(operator); // 8, 16, 32, ... zero bits: one byte, two bytes, ...
    if (remaining & 1n) result = gf2Times(operator, result);
    remaining >>= 1n;
  }
  return (result ^ crc2) & MASK64;
}
