// A WebAssembly slice-by-16 CRC-64/XZ kernel, assembled here from opcodes (no binary blob to trust):
// 64-bit table entries make it about twice as fast as the best pure-JS loop (see crc64.ts).

/** Memory layout: 16 tables of 256 little-endian u64 at 0, then the window JS copies input into. */
export const TABLE_BYTES = 16 * 256 * 8;
export const WINDOW_OFFSET = TABLE_BYTES;
export const WINDOW_BYTES = 64 * 1024;
const PAGES = Math.ceil((TABLE_BYTES + WINDOW_BYTES) / 65536);

export interface Crc64Kernel {
  memory: WebAssembly.Memory;
  /** Advances the raw (pre-xorout) CRC over memory[ptr, ptr+len). */
  update: (crc: bigint, ptr: number, len: number) => bigint;
}

const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
};

const sleb = (value: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};

const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, get: 0x20, set: 0x21,
  i64Load: 0x29, i32Load8u: 0x2d, i32Const: 0x41, i64Const: 0x42, i32GeU: 0x4f, i32Add: 0x6a,
  i32And: 0x71, i32Xor: 0x73, i32Shl: 0x74, i64Xor: 0x85, i64ShrU: 0x88, i32WrapI64: 0xa7,
} as const;
const VOID = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;
// Locals: params crc (i64), ptr (i32), len (i32); then end (i32), x (i64), y (i64).
const CRC = 0, PTR = 1, LEN = 2, END = 3, X = 4, Y = 5;

const load64 = (offset: number) => [OP.i64Load, 3, ...uleb(offset)];

/** Table lookup of byte `j` of local `v` in slice `k`: T_k[(v >> 8j) & 255]. */
function lookup(v: number, j: number, k: number): number[] {
  const shifted = j === 0 ? [OP.get, v] : [OP.get, v, OP.i64Const, ...sleb(8 * j), OP.i64ShrU];
  return [...shifted, OP.i32WrapI64, OP.i32Const, ...sleb(255), OP.i32And, OP.i32Const, 3, OP.i32Shl, ...load64(k * 2048)];
}

/** 16 bytes per turn: crc ^= first 8 bytes, then 16 lookups (the oldest byte in the farthest slice). */
function sixteenByteLoop(): number[] {
  const lookups: number[] = [];
  for (let j = 0; j < 8; j++) lookups.push(...lookup(X, j, 15 - j), ...(j > 0 ? [OP.i64Xor] : []));
  for (let j = 0; j < 8; j++) lookups.push(...lookup(Y, j, 7 - j), OP.i64Xor);
  return [
    OP.get, PTR, OP.get, LEN, OP.i32Const, ...sleb(-16), OP.i32And, OP.i32Add, OP.set, END,
    OP.block, VOID, OP.loop, VOID,
    OP.get, PTR, OP.get, END, OP.i32GeU, OP.brIf, 1,
    OP.get, CRC, OP.get, PTR, ...load64(0), OP.i64Xor, OP.set, X,
    OP.get, PTR, ...load64(8), OP.set, Y,
    ...lookups, OP.set, CRC,
    OP.get, PTR, OP.i32Const, 16, OP.i32Add, OP.set, PTR,
    OP.br, 0, OP.end, OP.end,
  ];
}

/** The last len % 16 bytes, one at a time with slice 0. */
function tailLoop(): number[] {
  return [
    OP.get, END, OP.get, LEN, OP.i32Const, 15, OP.i32And, OP.i32Add, OP.set, END,
    OP.block, VOID, OP.loop, VOID,
    OP.get, PTR, OP.get, END, OP.i32GeU, OP.brIf, 1,
    OP.get, CRC, OP.i32WrapI64, OP.get, PTR, OP.i32Load8u, 0, 0, OP.i32Xor,
    OP.i32Const, ...sleb(255), OP.i32And, OP.i32Const, 3, OP.i32Shl, ...load64(0),
    OP.get, CRC, OP.i64Const, 8, OP.i64ShrU, OP.i64Xor, OP.set, CRC,
    OP.get, PTR, OP.i32Const, 1, OP.i32Add, OP.set, PTR,
    OP.br, 0, OP.end, OP.end,
  ];
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, payload: number[]): number[] => [id, ...uleb(payload.length), ...payload];
const name = (text: string): number[] => [...uleb(text.length), ...Buffer.from(text, 'ascii')];

/** The whole module: one function `update(i64, i32, i32) -> i64` and an exported memory. */
export function assembleModule(): Uint8Array<ArrayBuffer> {
  const locals = vec([[1, I32], [2, I64]]);
  const body = [...locals, ...sixteenByteLoop(), ...tailLoop(), OP.get, CRC, OP.end];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I64], [I32], [I32]]), ...vec([[I64]])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(PAGES)]])),
    ...section(7, vec([[...name('mem'), 0x02, 0], [...name('update'), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ];
  return new Uint8Array(bytes);
}

/**
 * Instantiates the kernel and fills its tables from 16 slices of interleaved (lo, hi) 32-bit halves,
 * or returns undefined where WebAssembly is off (node --jitless).
 */
export function loadKernel(tables: Uint32Array): Crc64Kernel | undefined {
  if (typeof WebAssembly === 'undefined' || tables.length < TABLE_BYTES / 4) return undefined;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(assembleModule()));
  const memory = instance.exports.mem as WebAssembly.Memory;
  // WebAssembly memory is little-endian whatever the host is.
  const view = new DataView(memory.buffer);
  for (let i = 0; i < TABLE_BYTES / 4; i++) view.setUint32(i * 4, tables[i]!, true);
  return { memory, update: instance.exports.update as Crc64Kernel['update'] };
}
