// CRC-64/XZ: the check value, the WebAssembly kernel against the plain-JS reference, incremental over
// any split, combine() for multipart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { advanceJs, combineCrc64, Crc64, crc64, crc64Implementation } from '../../src/main/engine/s3/crc64.js';
import { assembleModule } from '../../src/main/engine/s3/crc64-wasm.js';

/** The reference: bit-at-a-time over BigInt, straight from the definition. */
function crc64Bitwise(data: Uint8Array): string {
  const poly = 0xc96c5795d7870f42n;
  let crc = 0xffffffffffffffffn;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return (crc ^ 0xffffffffffffffffn).toString();
}

function crc64Js(data: Uint8Array): string {
  const state = { lo: 0xffffffff, hi: 0xffffffff };
  advanceJs(state, data);
  return ((BigInt((state.hi ^ 0xffffffff) >>> 0) << 32n) | BigInt((state.lo ^ 0xffffffff) >>> 0)).toString();
}

// size 'max': lengths spread up to 3000, so most inputs take the WebAssembly path (64 bytes and up).
const bytes = fc.uint8Array({ maxLength: 3000, size: 'max' });

describe('crc64', () => {
  it('gives the CRC-64/XZ check value for "123456789"', () => {
    assert.equal(crc64(Buffer.from('123456789')), '11051210869376104954');
    assert.equal(crc64Js(Buffer.from('123456789')), '11051210869376104954');
    assert.equal(crc64(new Uint8Array(0)), '0');
  });

  it('the WebAssembly kernel is valid and agrees with the JS loop and the bitwise definition', () => {
    assert.ok(WebAssembly.validate(assembleModule()));
    fc.assert(
      fc.property(bytes, (data) => {
        const expected = crc64Bitwise(data);
        assert.equal(crc64(data), expected);
        assert.equal(crc64Js(data), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the JS loop over many WebAssembly windows', () => {
    const data = randomBytes(3 * 65_536 + 12_345);
    assert.equal(crc64(data), crc64Js(data));
    assert.equal(crc64(data.subarray(7)), crc64Js(data.subarray(7)), 'unaligned view');
  });

  it('is the same over any split of the input', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const crc = new Crc64();
        let from = 0;
        for (const at of [...points, data.length]) {
          crc.update(data.subarray(from, at));
          from = at;
        }
        assert.equal(crc.digest(), crc64(data));
        assert.equal(crc.bytes, data.length);
      }),
    );
  });

  it('combine(a, b, len(b)) is the CRC of the concatenation', () => {
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        const whole = Buffer.concat([a, b]);
        assert.equal(combineCrc64(crc64(a), crc64(b), b.length), crc64(whole));
        assert.equal(combineCrc64(BigInt(crc64(a)), BigInt(crc64(b)), BigInt(b.length)), crc64(whole));
      }),
    );
  });

  it('combines the parts of a multipart upload in order, across window-sized parts', () => {
    const parts = [randomBytes(200_000), randomBytes(65_536), randomBytes(3)];
    const combined = parts.reduce((acc, p) => combineCrc64(acc, crc64(p), p.length), '0');
    assert.equal(combined, crc64(Buffer.concat(parts)));
  });

  it('rejects values that are not unsigned 64-bit CRCs', () => {
    assert.throws(() => combineCrc64('-1', '0', 1), RangeError);
    assert.throws(() => combineCrc64((1n << 64n).toString(), '0', 1), RangeError);
    assert.throws(() => combineCrc64('0', '0', -1), RangeError);
  });

  it('uses the WebAssembly kernel under Node (its speed is measured by the benchmark, not here)', () => {
    assert.equal(crc64Implementation(), 'wasm');
  });
});
