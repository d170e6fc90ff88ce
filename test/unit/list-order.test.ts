// The order bucket listings use (UTF-8 bytes): compareKeys agrees with Buffer.compare on any strings,
// surrogate pairs against the top of the BMP included, where JavaScript's own `<` does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareKeys } from '../../src/main/engine/sync/remote-list.js';

const bytes = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

test('compareKeys orders as UTF-8 bytes do', () => {
  const char = fc.constantFrom('a', 'b', '/', ' ', 'é', '日', '\uE000', '\uFFFD', '😀', '𝄞');
  const key = fc.array(char, { maxLength: 6 }).map((cs) => cs.join(''));
  fc.assert(fc.property(key, key, (a, b) => Math.sign(compareKeys(a, b)) === bytes(a, b)), { numRuns: 2000 });
  const [emoji, privateUse] = ['😀', '\uE000'];
  assert.ok(emoji < privateUse, 'code units put the emoji first');
  assert.ok(compareKeys(emoji, privateUse) > 0, 'its code point, and its UTF-8 bytes, come after');
});
