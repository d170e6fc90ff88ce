// hashFile's multipart ETag: what S3-like services give our multipart uploads, computed from the file alone so a
// fresh state can adopt an object that carries no md5chksum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile } from '../../src/main/engine/sync/hash-file.js';

test('hashFile: the multipart ETag of parts of a given size, parts straddling the read buffer', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-hash-'));
  try {
    const file = join(root, 'parts.bin');
    const data = Buffer.from('0123456789abcdefghij'); // 20 bytes: parts of 8, 8 and 4
    await writeFile(file, data);
    const md5 = (b: Buffer) => createHash('md5').update(b).digest();
    const expected = `${createHash('md5').update(Buffer.concat([md5(data.subarray(0, 8)), md5(data.subarray(8, 16)), md5(data.subarray(16))])).digest('hex')}-3`;
    const hashed = await hashFile(file, { bufferBytes: 3, partSize: 8 });
    assert.equal(hashed.partsEtag, expected);
    assert.equal(hashed.md5, createHash('md5').update(data).digest('base64'), 'the whole-file MD5 as before');
    assert.match((await hashFile(file, { partSize: 10 })).partsEtag ?? '', /^[0-9a-f]{32}-2$/, 'an exact multiple makes no empty part');
    assert.equal((await hashFile(file)).partsEtag, undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
