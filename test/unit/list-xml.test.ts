// The fast reader of listing pages: the fields the engine uses, entities decoded, and every form it does not
// take (CDATA, attributes, unknown entities, a page without keys) left to the SDK rather than misread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseListPage } from '../../src/main/engine/sync/list-xml.js';

const V2 = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>pair/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
<Contents><Key>pair/a%20b%26c.txt</Key><LastModified>2026-12-04T10:00:00.123Z</LastModified><ETag>&quot;9dd4e461268c8034f5c8564e155c67a6&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass><Type>Normal</Type></Contents>
<Contents><Key>pair/&#x65E5;&#26412; &lt;&gt;&amp;&apos;</Key><LastModified>2026-12-04T10:00:01.000Z</LastModified><ETag>"abc-2"</ETag><Size>10485760</Size><StorageClass/></Contents>
<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>`;

test('a V2 page: keys, sizes, ETags, dates and storage classes, the token and the flags', () => {
  const page = parseListPage(V2);
  assert.ok(page);
  assert.equal(page.IsTruncated, true);
  assert.equal(page.EncodingType, 'url');
  assert.equal(page.NextContinuationToken, '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=');
  assert.deepEqual(page.Contents.map((o) => [o.Key, o.Size, o.ETag, new Date(o.lastModifiedMs!).toISOString(), o.StorageClass]), [
    ['pair/a%20b%26c.txt', 1, '"9dd4e461268c8034f5c8564e155c67a6"', '2026-12-04T10:00:00.123Z', 'STANDARD'],
    ["pair/日本 <>&'", 10485760, '"abc-2"', '2026-12-04T10:00:01.000Z', undefined],
  ]);
});

test('a V1 page with owners, an empty page, and the last page', () => {
  const v1 = `<ListBucketResult><Name>b</Name><Marker></Marker><NextMarker>k2</NextMarker><IsTruncated>true</IsTruncated>
    <Contents><Key>k1</Key><Size>3</Size><ETag>"e"</ETag><Owner><ID>u</ID><DisplayName>U</DisplayName></Owner></Contents></ListBucketResult>`;
  assert.deepEqual(parseListPage(v1), { Contents: [{ Key: 'k1', Size: 3, ETag: '"e"' }], IsTruncated: true, NextMarker: 'k2' });
  assert.deepEqual(parseListPage('<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>'), { Contents: [], IsTruncated: false });
});

test('forms this reader does not take are left to the SDK', () => {
  const swap = (from: string, to: string) => parseListPage(V2.replace(from, to));
  assert.equal(swap('<Key>pair/a%20b', '<Key><![CDATA[pair/a b'), undefined, 'CDATA');
  assert.equal(swap('<Key>pair/a%20b', '<Key type="x">pair/a%20b'), undefined, 'attributes');
  assert.equal(swap('&quot;9dd4', '&nbsp;9dd4'), undefined, 'an entity XML does not define');
  assert.equal(swap('&quot;9dd4', '& 9dd4'), undefined, 'a bare ampersand');
  assert.equal(swap('<Key>pair/a%20b%26c.txt</Key>', ''), undefined, 'an object without a key');
  assert.equal(swap('<Size>1</Size>', '<Size>-1</Size>'), undefined, 'a size that is no size');
  assert.equal(swap('2026-12-04T10:00:00.123Z', 'yesterday'), undefined, 'a date that is no date');
  assert.equal(swap('<IsTruncated>true', '<IsTruncated>maybe'), undefined, 'a flag that is neither');
  assert.equal(parseListPage('<Error><Code>AccessDenied</Code></Error>'), undefined, 'not a listing');
});
