// The metadata every upload carries (rclone's `mtime` and `md5chksum`), ETag forms, and the decoding of
// keys from url-encoded listings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  bareEtag, formatMtime, isMultipartEtag, isPlainMd5Etag, objectMetadata, parseMd5, parseMtime, readObjectMetadata,
} from '../../src/main/engine/sync/object-metadata.js';
import { decodeListedKey, folderPrefix } from '../../src/main/engine/sync/remote-list.js';
import { AppFailure } from '../../src/shared/errors.js';

const md5 = (text: string) => createHash('md5').update(text).digest('base64');

describe('mtime', () => {
  const cases: Array<[number, string]> = [
    [1_700_000_000_000, '1700000000'],
    [1_700_000_000_500, '1700000000.5'],
    [1_700_000_000_123, '1700000000.123'],
    [1_700_000_000_123.456, '1700000000.123456'],
    [0, '0'],
    [-1_500, '-1.5'],
  ];
  for (const [ms, text] of cases) {
    it(`${ms} ms is "${text}" and back`, () => {
      assert.equal(formatMtime(ms), text);
      assert.ok(Math.abs(parseMtime(text)! - ms) < 1e-3, `${parseMtime(text)}`);
    });
  }

  it('reads what rclone writes (9 fractional digits) and plain seconds', () => {
    assert.equal(parseMtime('1700000000.123456789'), 1_700_000_000_123.4568);
    assert.equal(parseMtime(' 1700000000 '), 1_700_000_000_000);
    for (const bad of ['', 'abc', '1e9', '2023-11-14T22:13:20Z', '1.2.3', undefined]) assert.equal(parseMtime(bad), undefined, String(bad));
  });

  it('round-trips the sub-millisecond mtimes Node reports, with no float noise', () => {
    for (let i = 0; i < 1000; i++) {
      const ms = 1_600_000_000_000 + Math.random() * 1e11;
      const text = formatMtime(ms);
      assert.match(text, /^\d+(\.\d{1,6})?$/);
      assert.ok(Math.abs(parseMtime(text)! - ms) < 1e-3, `${ms} -> ${text}`);
    }
  });
});

describe('object metadata', () => {
  it('uses rclone names: lower case, no underscore, ASCII values', () => {
    const meta = objectMetadata({ mtimeMs: 1_700_000_000_250, md5: md5('hello') });
    assert.deepEqual(meta, { mtime: '1700000000.25', md5chksum: 'XUFAKrxLKna5cZ2REBfFkg==' });
    for (const [name, value] of Object.entries(meta)) {
      assert.match(name, /^[a-z0-9-]+$/);
      assert.match(value, /^[\x20-\x7e]*$/);
    }
  });

  it('reads back only well-formed values', () => {
    assert.deepEqual(readObjectMetadata({ mtime: '1700000000.25', md5chksum: md5('x') }), { mtimeMs: 1_700_000_000_250, md5: md5('x') });
    assert.deepEqual(readObjectMetadata({ mtime: 'yesterday', md5chksum: 'not-md5' }), {});
    assert.deepEqual(readObjectMetadata(undefined), {});
    assert.equal(parseMd5('1B2M2Y8AsgTpgAmY7PhCfg=='), '1B2M2Y8AsgTpgAmY7PhCfg==');
    assert.equal(parseMd5('d41d8cd98f00b204e9800998ecf8427e'), undefined, 'hex is not what md5chksum holds');
  });
});

describe('ETags', () => {
  it('compare bare', () => {
    assert.equal(bareEtag('"abc"'), 'abc');
    assert.equal(bareEtag('W/"abc"'), 'abc');
    assert.equal(bareEtag('&quot;abc&quot;'), 'abc');
    assert.equal(bareEtag(undefined), '');
  });
  it('tell a plain MD5 from a multipart one', () => {
    assert.equal(isPlainMd5Etag('"d41d8cd98f00b204e9800998ecf8427e"'), true);
    assert.equal(isPlainMd5Etag('"d41d8cd98f00b204e9800998ecf8427e-5"'), false);
    assert.equal(isMultipartEtag('"d41d8cd98f00b204e9800998ecf8427e-5"'), true);
    assert.equal(isMultipartEtag('"abc-5"'), false);
  });
});

describe('keys from a url-encoded listing', () => {
  it('decode S3 form encoding (+ is a space) and RGW percent encoding alike', () => {
    assert.equal(decodeListedKey('a+b.txt'), 'a b.txt');
    assert.equal(decodeListedKey('a%20b.txt'), 'a b.txt');
    assert.equal(decodeListedKey('a%2Bb.txt'), 'a+b.txt');
    assert.equal(decodeListedKey('p%2F100%25%20%23x%C3%BC'), 'p/100% #xü');
    assert.equal(decodeListedKey('%F0%9F%98%80'), '😀');
  });
  it('refuses a key that is not valid encoding, rather than guess', () => {
    assert.throws(() => decodeListedKey('bad%zz'), (e: unknown) => e instanceof AppFailure && e.appError.code === 'server-error');
  });
  it('treat a prefix as a folder', () => {
    assert.equal(folderPrefix(''), '');
    assert.equal(folderPrefix('photos'), 'photos/');
    assert.equal(folderPrefix('photos/'), 'photos/');
  });
});
