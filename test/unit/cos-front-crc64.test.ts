// The COS front's own CRC-64/XZ: the published check value, incremental use, and combine, which
// the front relies on for multipart objects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Crc64, crc64, crc64Combine } from '../support/cos-front/crc64.js';

describe('test-support CRC-64/XZ', () => {
  it('gives the check value for "123456789"', () => {
    assert.equal(crc64('123456789'), 11051210869376104954n);
  });

  it('gives 0 for no data and known values for simple inputs', () => {
    assert.equal(crc64(''), 0n);
    // From a bit-at-a-time reference implementation of the same parameters.
    assert.equal(crc64('a'), 0x330284772e652b05n);
  });

  it('is the same fed in pieces as in one go', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const pieces = new Crc64().update(bytes.subarray(0, at)).update(bytes.subarray(at));
        assert.equal(pieces.digest(), crc64(bytes));
        assert.equal(pieces.length, bytes.length);
      }),
    );
  });

  it('combines: crc(A ‖ B) from crc(A), crc(B) and |B|', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (a, b) => {
        assert.equal(crc64Combine(crc64(a), crc64(b), b.length), crc64(Buffer.concat([a, b])));
      }),
    );
  });

  it('combines parts of multipart size', () => {
    const first = Buffer.alloc(5 * 1024 * 1024, 0x5a);
    const second = Buffer.from('tail of the object, shorter than a part');
    assert.equal(crc64Combine(crc64(first), crc64(second), BigInt(second.length)), crc64(Buffer.concat([first, second])));
  });
});
