// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones): the checksum COS returns in
// x-cos-hash-crc64ecma, as a decimal string. Incremental, plus combine() for multipart uploads.
import { loadKernel, WINDOW_BYTES, WINDOW_OFFSET, type Crc64Kernel } from './crc64-wasm.js';

/** The ECMA-182 polynomial, bit-reflected. */
const POLY = 0xc96c5795d7870f42n;
const POLY_LO = Number(POLY & 0xffffffffn);
const POLY_HI = Number(POLY >> 32n);
const SLICES = 16; // the WebAssembly kernel uses 16, the JS fallback the first 8

/**
 * Slice-by-8 tables with each 64-bit entry split in two 32-bit halves, interleaved (lo, hi) so one
 * lookup touches one cache line: BigInt arithmetic is two orders of magnitude slower.
 */
function buildTables(): Uint32Array {
  const table = new Uint32Array(SLICES * 256 * 2);
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let bit = 0; bit < 8; bit++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ POLY_LO) >>> 0;
        hi = (hi ^ POLY_HI) >>> 0;
      }
    }
    table[i * 2] = lo;
    table[i * 2 + 1] = hi;
  }
  // Slice k advances an entry of slice k-1 by one more zero byte.
  for (let k = 1; k < SLICES; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = ((k - 1) * 256 + i) * 2;
      const lo = table[prev]!;
      const hi = table[prev + 1]!;
      const t = (lo & 0xff) * 2;
      const at = (k * 256 + i) * 2;
      table[at] = (table[t]! ^ ((lo >>> 8) | (hi << 24))) >>> 0;
      table[at + 1] = (table[t + 1]! ^ (hi >>> 8)) >>> 0;
    }
  }
  return table;
}

const T = buildTables();
let kernel: Crc64Kernel | undefined | null = null;

/** The WebAssembly kernel, built on first use; undefined where WebAssembly is unavailable. */
function wasmKernel(): Crc64Kernel | undefined {
  if (kernel === null) kernel = loadKernel(T);
  return kernel;
}

/** Raw (pre-xorout) state in two halves. */
export interface State {
  lo: number;
  hi: number;
}

/** Which implementation hashes: the fast WebAssembly kernel, or the plain JS fallback. */
export const crc64Implementation = (): 'wasm' | 'js' => (wasmKernel() ? 'wasm' : 'js');

/** Advances the raw state over `data`, through the WebAssembly kernel when there is one. */
function advance(state: State, data: Uint8Array): void {
  const k = wasmKernel();
  if (!k || data.length < 64) {
    advanceJs(state, data);
    return;
  }
  let crc = (BigInt(state.hi) << 32n) | BigInt(state.lo);
  for (let off = 0; off < data.length; off += WINDOW_BYTES) {
    const chunk = data.subarray(off, off + WINDOW_BYTES);
    new Uint8Array(k.memory.buffer, WINDOW_OFFSET, chunk.length).set(chunk);
    crc = k.update(crc, WINDOW_OFFSET, chunk.length);
  }
  crc = BigInt.asUintN(64, crc);
  state.lo = Number(crc & 0xffffffffn);
  state.hi = Number(crc >> 32n);
}

/** Slice-by-8 in plain JS: the fallback, and the reference the kernel is tested against. */
export function advanceJs(state: State, data: Uint8Array): void {
  let lo = state.lo;
  let hi = state.hi;
  let i = 0;
  const end8 = data.length - (data.length % 8);
  while (i < end8) {
    const a = ((lo ^ data[i]!) & 0xff) << 1;
    const b = (((lo >>> 8) ^ data[i + 1]!) & 0xff) << 1;
    const c = (((lo >>> 16) ^ data[i + 2]!) & 0xff) << 1;
    const d = (((lo >>> 24) ^ data[i + 3]!) & 0xff) << 1;
    const e = ((hi ^ data[i + 4]!) & 0xff) << 1;
    const f = (((hi >>> 8) ^ data[i + 5]!) & 0xff) << 1;
    const g = (((hi >>> 16) ^ data[i + 6]!) & 0xff) << 1;
    const h = (((hi >>> 24) ^ data[i + 7]!) & 0xff) << 1;
    // Slice k starts at (k * 256) * 2 = k * 512; the first byte is shifted through the most zero bytes.
    lo = T[3584 + a]! ^ T[3072 + b]! ^ T[2560 + c]! ^ T[2048 + d]! ^ T[1536 + e]! ^ T[1024 + f]! ^ T[512 + g]! ^ T[h]!;
    hi =
      T[3585 + a]! ^ T[3073 + b]! ^ T[2561 + c]! ^ T[2049 + d]! ^ T[1537 + e]! ^ T[1025 + f]! ^ T[513 + g]! ^ T[h + 1]!;
    i += 8;
  }
  for (; i < data.length; i++) {
    const t = ((lo ^ data[i]!) & 0xff) << 1;
    lo = T[t]! ^ ((lo >>> 8) | (hi << 24));
    hi = T[t + 1]! ^ (hi >>> 8);
  }
  state.lo = lo >>> 0;
  state.hi = hi >>> 0;
}

/** Incremental CRC-64/XZ: `new Crc64().update(a).update(b).digest()`. */
export class Crc64 {
  private readonly state: State = { lo: 0xffffffff, hi: 0xffffffff };
  private length = 0;

  update(chunk: Uint8Array): this {
    advance(this.state, chunk);
    this.length += chunk.length;
    return this;
  }

  /** Bytes hashed so far (what combine() needs as `lenB` for this part). */
  get bytes(): number {
    return this.length;
  }

  /** The CRC as an unsigned 64-bit BigInt. */
  value(): bigint {
    const lo = (this.state.lo ^ 0xffffffff) >>> 0;
    const hi = (this.state.hi ^ 0xffffffff) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** The CRC as COS prints it: unsigned decimal. */
  digest(): string {
    return this.value().toString();
  }
}

/** One-shot CRC-64/XZ as a decimal string. */
export function crc64(data: Uint8Array): string {
  return new Crc64().update(data).digest();
}

const MASK = (1n << 64n) - 1n;
const TOP = 1n << 63n;

/** a * b modulo the polynomial, both in reflected representation (x^0 is the top bit), after zlib. */
function multModP(a: bigint, b: bigint): bigint {
  let m = TOP;
  let p = 0n;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ POLY : b >> 1n;
  }
  return p;
}

/** X2N[k] = x^(2^k) mod P. */
const X2N: bigint[] = (() => {
  const table: bigint[] = [TOP >> 1n];
  for (let k = 1; k < 64; k++) table.push(multModP(table[k - 1]!, table[k - 1]!));
  return table;
})();

/** x^(8 * bytes) mod P: what appending `bytes` zero bytes multiplies a CRC by. */
function zeroBytesOperator(bytes: bigint): bigint {
  let p = TOP;
  let n = bytes;
  let k = 3; // 8 bits per byte = 2^3
  while (n > 0n) {
    if (n & 1n) p = multModP(X2N[k % 64]!, p);
    n >>= 1n;
    k++;
  }
  return p;
}

const toBig = (crc: string | bigint): bigint => {
  const value = typeof crc === 'bigint' ? crc : BigInt(crc);
  if (value < 0n || value > MASK) throw new RangeError('A CRC-64 is an unsigned 64-bit value.');
  return value;
};

/**
 * The CRC of A followed by B, from crc(A), crc(B) and B's length: how a multipart object's CRC follows
 * from its parts' CRCs. init/xorout cancel out, as in zlib's crc32_combine.
 */
export function combineCrc64(crcA: string | bigint, crcB: string | bigint, lenB: number | bigint): string {
  const a = toBig(crcA);
  const b = toBig(crcB);
  const len = BigInt(lenB);
  if (len < 0n) throw new RangeError('lenB must not be negative.');
  if (len === 0n) return a.toString();
  return (multModP(zeroBytesOperator(len), a) ^ b).toString();
}
