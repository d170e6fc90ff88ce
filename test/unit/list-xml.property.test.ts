// The fast listing reader against pages written the ways a server may write them: any key (every character XML
// allows), escaped with named entities, decimal or hexadecimal references, or left as is where XML allows it,
// with or without optional fields, whitespace between elements, and the fields in any order. What it reads must
// be exactly what was written; a page it does not take must be refused, never misread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseListPage } from '../../src/main/engine/sync/list-xml.js';

interface Written {
  key: string;
  size?: number;
  etag?: string;
  modifiedMs?: number;
  storageClass?: string;
  owner: boolean;
}

/** Characters XML 1.0 allows in text (no C0 controls but tab, newline and CR; CR is normalised away by parsers). */
const xmlChar = fc.oneof(
  fc.constantFrom('&', '<', '>', '"', "'", ' ', '/', '%', '+', '#', '?', '=', '\t', '\n'),
  fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);

type Escape = 'named' | 'decimal' | 'hex';
const NAMED: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** The text escaped as a server might: the characters that must be escaped always are; others sometimes. */
function escape(text: string, how: Escape, alsoPlain: boolean): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const must = ch === '&' || ch === '<';
    const may = ch in NAMED || alsoPlain;
    if (!must && !may) { out += ch; continue; }
    if (!must && ch === '>' && !alsoPlain) { out += ch; continue; }
    if (how === 'named' && ch in NAMED) out += NAMED[ch];
    else if (how === 'hex' || (how === 'named' && !(ch in NAMED))) out += `&#x${code.toString(16)};`;
    else out += `&#${code};`;
  }
  return out;
}

const written = fc.record({
  key: fc.string({ unit: xmlChar, minLength: 1, maxLength: 40 }).filter((k) => !k.includes('\r')),
  size: fc.option(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { nil: undefined }),
  etag: fc.option(fc.stringMatching(/^"[0-9a-f]{32}(-[1-9][0-9]{0,3})?"$/), { nil: undefined }),
  modifiedMs: fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined }),
  storageClass: fc.option(fc.constantFrom('STANDARD', 'STANDARD_IA', 'ARCHIVE', 'GLACIER'), { nil: undefined }),
  owner: fc.boolean(),
}, { requiredKeys: ['key', 'owner'] });

const style = fc.record({
  how: fc.constantFrom<Escape>('named', 'decimal', 'hex'),
  alsoPlain: fc.boolean(),
  gap: fc.constantFrom('', '\n', '\n  ', ' '),
  reversed: fc.boolean(),
});

function render(objects: readonly Written[], s: { how: Escape; alsoPlain: boolean; gap: string; reversed: boolean }, truncated: boolean, token: string | undefined): string {
  const g = s.gap;
  const contents = objects.map((o) => {
    const fields = [`<Key>${escape(o.key, s.how, s.alsoPlain)}</Key>`];
    if (o.modifiedMs !== undefined) fields.push(`<LastModified>${new Date(o.modifiedMs).toISOString()}</LastModified>`);
    if (o.etag !== undefined) fields.push(`<ETag>${escape(o.etag, s.how, false)}</ETag>`);
    if (o.size !== undefined) fields.push(`<Size>${o.size}</Size>`);
    if (o.storageClass !== undefined) fields.push(`<StorageClass>${o.storageClass}</StorageClass>`);
    if (o.owner) fields.push(`<Owner>${g}<ID>owner</ID>${g}<DisplayName>Owner &amp; Co</DisplayName>${g}</Owner>`);
    if (s.reversed) fields.reverse();
    return `<Contents>${g}${fields.join(g)}${g}</Contents>`;
  }).join(g);
  const head = `<Name>bucket</Name>${g}<Prefix></Prefix>${g}<KeyCount>${objects.length}</KeyCount>${g}<MaxKeys>1000</MaxKeys>${g}<IsTruncated>${truncated}</IsTruncated>`;
  const tail = token === undefined ? '' : `${g}<NextContinuationToken>${escape(token, s.how, s.alsoPlain)}</NextContinuationToken>`;
  return `<?xml version="1.0" encoding="UTF-8"?>${g}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${g}${head}${g}${contents}${tail}${g}</ListBucketResult>`;
}

test('every page written in any of the allowed ways reads back exactly as written', () => {
  fc.assert(fc.property(fc.array(written, { maxLength: 20 }), style, fc.boolean(), fc.option(fc.string({ unit: xmlChar, minLength: 1, maxLength: 30 }).filter((t) => !t.includes('\r')), { nil: undefined }), (objects, s, truncated, token) => {
    const page = parseListPage(render(objects, s, truncated, token));
    assert.ok(page, 'a plain page must be read, not left to the SDK');
    assert.equal(page.IsTruncated, truncated);
    assert.equal(page.NextContinuationToken, token);
    assert.equal(page.Contents.length, objects.length);
    objects.forEach((o, i) => {
      const got = page.Contents[i]!;
      assert.equal(got.Key, o.key);
      assert.equal(got.Size, o.size);
      assert.equal(got.ETag, o.etag);
      assert.equal(got.lastModifiedMs, o.modifiedMs);
      assert.equal(got.StorageClass, o.storageClass);
    });
  }), { numRuns: 1000 });
});

test('a page with a key in CDATA or with an unknown entity is refused, never misread', () => {
  fc.assert(fc.property(fc.array(written, { minLength: 1, maxLength: 5 }), style, fc.nat(), fc.constantFrom('cdata', 'entity'), (objects, s, which, form) => {
    const xml = render(objects, s, false, undefined);
    const target = objects[which % objects.length]!;
    const escaped = `<Key>${escape(target.key, s.how, s.alsoPlain)}</Key>`;
    const broken = form === 'cdata'
      ? xml.replace(escaped, `<Key><![CDATA[${target.key.replaceAll(']]>', '')}]]></Key>`)
      : xml.replace(escaped, `<Key>&nbsp;${escape(target.key, s.how, s.alsoPlain)}</Key>`);
    assert.equal(parseListPage(broken), undefined);
  }), { numRuns: 300 });
});
