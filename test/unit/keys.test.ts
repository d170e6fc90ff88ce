// Object keys: NFC and `/` from any local path, the provider's byte limit with the actual count, the
// segments and characters S3 tools mishandle, and case/normalisation collisions refused per path.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  COS_KEY_LIMITS, S3_KEY_LIMITS, findCollisions, keyLimitsFor, toKey, utf8Bytes, validateKey, type KeyProblemCode,
} from '../../src/main/engine/sync/keys.js';

const NFD_CAFE = 'cafe\u0301'; // e + combining acute, as macOS hands out names
const NFC_CAFE = 'caf\u00e9';

describe('toKey', () => {
  test('NFD names become NFC', () => {
    assert.equal(toKey(`photos/${NFD_CAFE}.jpg`), `photos/${NFC_CAFE}.jpg`);
  });

  test('Windows separators become /, and so does a / on Windows', () => {
    assert.equal(toKey('a\\b\\c.txt', '\\'), 'a/b/c.txt');
    assert.equal(toKey('a/b\\c.txt', '\\'), 'a/b/c.txt');
  });

  test('a backslash is an ordinary character on POSIX', () => {
    assert.equal(toKey('a\\b', '/'), 'a\\b');
  });

  test('a leading separator is dropped', () => {
    assert.equal(toKey('/a/b'), 'a/b');
    assert.equal(toKey('\\a', '\\'), 'a');
  });

  test('never throws, and its result is NFC with no leading / (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.constantFrom('/', '\\', ''), (path, sep) => {
      const key = toKey(path, sep);
      assert.equal(key, key.normalize('NFC'));
      assert.ok(!key.startsWith('/') || /^\/*$/.test(key));
    }), { numRuns: 1000 });
  });

  test('toKey is idempotent (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (path) => {
      assert.equal(toKey(toKey(path)), toKey(path));
    }));
  });
});

const problems = (key: string, prefix = '', limits = S3_KEY_LIMITS): KeyProblemCode[] => {
  const check = validateKey(key, prefix, limits);
  return check.ok ? [] : check.problems.map((p) => p.code);
};
const message = (key: string, prefix = '', limits = S3_KEY_LIMITS): string => {
  const check = validateKey(key, prefix, limits);
  return check.ok ? '' : check.problems.map((p) => p.message).join(' ');
};

describe('validateKey', () => {
  test('ordinary keys pass, including non-Latin names and dots inside names', () => {
    for (const key of ['a.txt', 'photos/2024/IMG_0001.JPG', '照片/家.jpg', '.hidden/..x/a..b', `${NFC_CAFE}.txt`]) {
      assert.deepEqual(validateKey(key, 'backup/', COS_KEY_LIMITS), { ok: true }, key);
    }
  });

  test('byte lengths count UTF-8 bytes, not characters', () => {
    assert.equal(utf8Bytes('a'), 1);
    assert.equal(utf8Bytes('é'), 2);
    assert.equal(utf8Bytes('家'), 3);
    assert.equal(utf8Bytes('😀'), 4);
  });

  test('COS: 850 bytes pass, 851 are refused with the actual count', () => {
    assert.deepEqual(problems('a'.repeat(850), '', COS_KEY_LIMITS), []);
    assert.deepEqual(problems('a'.repeat(851), '', COS_KEY_LIMITS), ['too-long']);
    assert.match(message('家'.repeat(284), '', COS_KEY_LIMITS), /is 852 bytes in UTF-8; this provider allows at most 850\./);
  });

  test('the prefix counts towards the limit, and the message says so', () => {
    assert.match(message('a'.repeat(1020), 'abcde/', S3_KEY_LIMITS), /1026 bytes in UTF-8 with the prefix “abcde\/”; this provider allows at most 1024/);
  });

  test('limits per provider: 850 on COS, 1024 elsewhere', () => {
    assert.equal(keyLimitsFor('cos').maxKeyBytes, 850);
    for (const p of ['aws', 'r2', 'b2', 'wasabi', 'oss', 'minio', 's3'] as const) assert.equal(keyLimitsFor(p).maxKeyBytes, 1024);
  });

  test('. and .. segments', () => {
    assert.deepEqual(problems('a/../b'), ['dot-segment']);
    assert.deepEqual(problems('./a'), ['dot-segment']);
    assert.match(message('a/..'), /has a “\.\.” path segment/);
  });

  test('empty segments: //, a trailing / and a leading /', () => {
    assert.deepEqual(problems('a//b'), ['empty-segment']);
    assert.deepEqual(problems('a/'), ['empty-segment']);
    assert.deepEqual(problems('/a'), ['leading-slash']);
    assert.deepEqual(problems(''), ['empty']);
  });

  test('control characters, with the code point and position', () => {
    assert.match(message('a\tb'), /control character U\+0009 at position 2/);
    assert.match(message('x\u007f'), /U\+007F at position 2/);
    assert.match(message('\u0085'), /U\+0085 at position 1/);
    assert.deepEqual(problems('a\nb'), ['control-character']);
  });

  test('a key not in NFC, and a lone surrogate', () => {
    assert.deepEqual(problems(NFD_CAFE), ['not-nfc']);
    assert.deepEqual(problems('a\uD800b'), ['lone-surrogate']);
  });

  test('several problems are all reported', () => {
    assert.deepEqual(problems('../a\t//b'), ['dot-segment', 'empty-segment', 'control-character']);
  });

  test('never throws (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.nat(2000), (key, prefix, max) => {
      const check = validateKey(key, prefix, { maxKeyBytes: max });
      if (!check.ok) assert.ok(check.problems.length > 0 && check.problems.every((p) => p.message.length > 0));
    }), { numRuns: 1000 });
  });
});

describe('findCollisions', () => {
  test('NFC and NFD forms of one name collide, each refused naming the other', () => {
    const found = findCollisions([`${NFC_CAFE}.txt`, `${NFD_CAFE}.txt`, 'other.txt']);
    assert.deepEqual(found.map((c) => [c.path, c.others, c.kind]), [
      [`${NFC_CAFE}.txt`, [`${NFD_CAFE}.txt`], 'normalisation'],
      [`${NFD_CAFE}.txt`, [`${NFC_CAFE}.txt`], 'normalisation'],
    ]);
    assert.match(found[0]?.message ?? '', /two Unicode forms \(NFC and NFD\)/);
  });

  test('names that differ only by case collide', () => {
    const found = findCollisions(['docs/Readme.md', 'docs/README.md', 'docs/readme.txt']);
    assert.deepEqual(found.map((c) => c.path), ['docs/Readme.md', 'docs/README.md']);
    assert.equal(found[0]?.kind, 'case');
    assert.equal(found[0]?.message, '“docs/Readme.md” and “docs/README.md” differ only by letter case, which Windows and macOS treat as the same file; neither is synced until one is renamed.');
  });

  test('three names, case and form mixed, all refused', () => {
    const found = findCollisions([`${NFC_CAFE}`, `${NFD_CAFE}`, 'CAF\u00c9']);
    assert.equal(found.length, 3);
    assert.equal(found[0]?.kind, 'case and normalisation');
    assert.deepEqual(found[2]?.others, [NFC_CAFE, NFD_CAFE]);
  });

  test('the same path twice is one path, not a collision; different directories do not collide', () => {
    assert.deepEqual(findCollisions(['a.txt', 'a.txt', 'x/a.txt', 'y/A.txt']), []);
  });

  test('properties: every refused path is listed once, and its fold matches each of its others', () => {
    const name = fc.constantFrom('a', 'A', NFC_CAFE, NFD_CAFE, 'CAF\u00c9', 'b', 'x/a', 'x/A');
    fc.assert(fc.property(fc.array(name, { maxLength: 8 }), (paths) => {
      const found = findCollisions(paths);
      assert.equal(new Set(found.map((c) => c.path)).size, found.length);
      for (const c of found) for (const o of c.others) assert.equal(o.normalize('NFC').toLowerCase(), c.path.normalize('NFC').toLowerCase());
      assert.equal(new Set(paths.map((p) => toKey(p).toLowerCase())).size + found.length - new Set(found.map((c) => toKey(c.path).toLowerCase())).size, new Set(paths).size);
    }));
  });
});
