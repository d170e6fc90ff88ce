// First sync of a awkward tree (NFC and NFD names, spaces, + % #, deep paths, empty files, 200 MB) over RGW
// HTTPS and through the COS front: every key, byte and metadata checked; re-runs, adoption and the trash.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../../src/main/engine/services.js';
import { parseMtime } from '../../src/main/engine/sync/object-metadata.js';
import type { FolderPair } from '../../src/shared/pair.js';
import { startCosFront, type CosFront } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';
import {
  addPair, BucketInspector, createBucket, EventLog, frontTarget, makeTree, md5Of, MiB, rgwTarget, servicesFor,
  syncOk, tempDir, writeRandomFile, WRITES, type BigFile, type Target, type TreeSpec,
} from '../support/sync-fixtures.js';

const BIG_SIZE = 200 * MiB;
const PREFIX = 'first/';
const deep = Array.from({ length: 24 }, (_, i) => `level ${String(i + 1).padStart(2, '0')}`).join('/');

/** Names as a user makes them; NFD ones are what macOS hands out. Keys must be their NFC forms. */
const TREE: TreeSpec = {
  'café.txt': 'NFC name',
  'Re\u0301sume\u0301 final.txt': 'NFD name',
  'nai\u0308ve folder/cafe\u0301 #1.md': 'NFD folder and file',
  'with space.txt': 'spaces',
  'a+b=c.txt': 'plus',
  '100% sure.txt': 'percent',
  '#hash#.txt': 'hash',
  'q?a&b.txt': 'query characters',
  'dir with space/x+y%z#w .txt': 'all of them in a folder',
  '日本語/ファイル 1.txt': 'CJK',
  '😀 emoji.txt': 'astral plane',
  'empty.txt': '',
  [`${deep}/deep file.txt`]: 'deep',
  [`${deep}/empty`]: '',
  ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`many/file ${i}.txt`, `small file ${i}\n`.repeat(i % 7)])),
};
const BIG = 'big file.bin';
const keyOf = (rel: string) => rel.normalize('NFC');

let front: CosFront;
const cleanup: Array<() => Promise<void> | void> = [];

before(async () => {
  front = await startCosFront({ upstream: rgwForCosFront().upstream, tls: rgwForCosFront().serverTls });
});

after(async () => {
  for (const step of cleanup) await step();
  await front?.close();
});

for (const kind of ['rgw', 'cos-front'] as const) {
  describe(`first sync (${kind})`, () => {
    let target: Target;
    let services: Services;
    let inspector: BucketInspector;
    let root: string;
    let pair: FolderPair;
    let big: BigFile;

    before(async () => {
      target = kind === 'rgw' ? rgwTarget(`syncfirst-${process.pid}`) : frontTarget(front, `syncfirst${process.pid}-1250000000`);
      services = await servicesFor([target]);
      await createBucket(services, target);
      inspector = await BucketInspector.open(target);
      root = await tempDir('first');
      await makeTree(root, TREE);
      big = await writeRandomFile(path.join(root, BIG), BIG_SIZE);
      pair = await addPair(services.sync(), target, root, PREFIX);
      cleanup.push(() => services.close(), () => inspector.removeBucket(), () => inspector.close(), () => rm(root, { recursive: true, force: true }));
    });

    it('uploads every file under its NFC key, byte for byte, with mtime (and md5chksum on single PUTs) metadata', async (t) => {
      const events = new EventLog(services.sync());
      const since = front.requests.length;
      const started = Date.now();
      const result = await syncOk(services.sync(), pair);
      const files = Object.keys(TREE).length + 1;
      assert.equal(result.inSync, true, JSON.stringify({ ...result, operations: undefined }));
      assert.deepEqual([result.done, result.failed, result.refused], [files, 0, 0]);
      assert.equal(result.bytesUploaded, BIG_SIZE + Object.values(TREE).reduce((n, c) => n + Buffer.byteLength(c), 0));

      const outcomes = events.outcomes(pair.id);
      events.dispose();
      assert.ok(outcomes.every((o) => o.kind === 'uploaded'), 'every file was uploaded');
      const bigDone = outcomes.find((o) => o.key === BIG)!.atMs;
      const smallDone = Math.max(...outcomes.filter((o) => o.key !== BIG).map((o) => o.atMs));
      t.diagnostic(`${kind}: ${files - 1} small files in ${smallDone - started} ms (${((files - 1) / ((smallDone - started) / 1000)).toFixed(0)} files/s, alongside the big file); ` +
        `200 MB file done after ${bigDone - started} ms (${(BIG_SIZE / 1e6 / ((bigDone - started) / 1000)).toFixed(1)} MB/s, hashing included)`);

      const expected = [...Object.keys(TREE), BIG].map((rel) => PREFIX + keyOf(rel)).sort();
      assert.deepEqual(await inspector.keys(), expected, 'exactly the tree, NFC keys, nothing else (no marker, no trash)');
      for (const [rel, content] of Object.entries(TREE)) {
        const key = PREFIX + keyOf(rel);
        assert.deepEqual(await inspector.get(key), Buffer.from(content), key);
        const head = await inspector.head(key);
        const local = await stat(path.join(root, ...rel.split('/')));
        assert.equal(head.metadata.md5chksum, md5Of(Buffer.from(content)), `md5chksum of ${key}`);
        assert.ok(Math.abs(parseMtime(head.metadata.mtime)! - local.mtimeMs) < 0.01, `mtime of ${key}: ${head.metadata.mtime} vs ${local.mtimeMs}`);
      }
      const bigHead = await inspector.head(PREFIX + BIG);
      assert.equal(bigHead.size, BIG_SIZE);
      // A multipart object has no whole-file MD5 (it would take a second pass over every byte before the first
      // part); a fresh state adopts it by its multipart ETag, or on COS by its CRC-64 (the test below).
      assert.equal(bigHead.metadata.md5chksum, undefined);
      assert.ok(Math.abs(parseMtime(bigHead.metadata.mtime)! - (await stat(path.join(root, BIG))).mtimeMs) < 0.01);
      assert.deepEqual(await inspector.digest(PREFIX + BIG), { md5: big.md5, size: BIG_SIZE });
      if (kind === 'cos-front') {
        assert.equal(bigHead.crc64, big.crc64, 'COS CRC-64 of the object equals the local file');
        const written = front.requests.slice(since).filter((r) => WRITES.has(r.op)).map((r) => r.key!);
        assert.ok(written.every((k) => k === k.normalize('NFC')), 'no NFD key was ever sent');
        assert.deepEqual(await inspector.uploads(), [], 'no unfinished multipart upload left');
      }
    });

    it('a second run plans nothing and sends nothing', async () => {
      const since = front.requests.length;
      const result = await syncOk(services.sync(), pair);
      assert.deepEqual(result.operations, []);
      assert.equal(result.inSync, true);
      assert.equal(front.requests.slice(since).filter((r) => WRITES.has(r.op) || r.op === 'copyObject').length, 0);
    });

    it('a fresh state on the same prefix adopts the identical objects instead of uploading them', async () => {
      // Another machine (own home, own state database) with the same files: nothing is sent again.
      const other = await servicesFor([target]);
      try {
        const otherPair = await addPair(other.sync(), target, root, PREFIX);
        const since = front.requests.length;
        const result = await syncOk(other.sync(), otherPair);
        assert.equal(result.inSync, true);
        assert.deepEqual([...new Set(result.operations.map((op) => op.kind))], ['adopt']);
        assert.equal(result.operations.length, Object.keys(TREE).length + 1);
        assert.equal(result.bytesUploaded, 0);
        if (kind === 'cos-front') {
          const sent = front.requests.slice(since).filter((r) => WRITES.has(r.op) || r.op === 'copyObject' || r.op === 'deleteObject');
          assert.deepEqual(sent.map((r) => `${r.op} ${r.key}`), [], 'no PUT, part, copy or delete');
        }
        assert.deepEqual((await syncOk(other.sync(), otherPair)).operations, [], 'adopted files are in sync afterwards');
      } finally {
        await other.close();
      }
    });

    it('an object that differs is moved to the trash before the upload', async () => {
      const clash = await tempDir('clash');
      cleanup.push(() => rm(clash, { recursive: true, force: true }));
      await makeTree(clash, { 'report #1.txt': 'the folder version', 'same size.txt': 'AAAA' });
      await inspector.put('clash/report #1.txt', 'someone else put this here');
      await inspector.put('clash/same size.txt', 'BBBB'); // same size, different bytes: hashes decide
      const clashPair = await addPair(services.sync(), target, clash, 'clash');
      const since = front.requests.length;
      const result = await syncOk(services.sync(), clashPair);
      assert.equal(result.inSync, true);
      assert.deepEqual(result.operations.map((op) => `${op.kind} ${op.key}`), [
        'trashRemote report #1.txt', 'trashRemote same size.txt', 'upload report #1.txt', 'upload same size.txt',
      ]);
      const keys = await inspector.keys('clash/');
      const trashed = (name: string) => keys.find((k) => new RegExp(`^clash/\\.cos-sync-trash/\\d{4}-\\d{2}-\\d{2}/${name}$`).test(k));
      assert.ok(trashed('report #1.txt') && trashed('same size.txt'), keys.join('\n'));
      assert.equal((await inspector.get(trashed('report #1.txt')!)).toString(), 'someone else put this here');
      assert.equal((await inspector.get(trashed('same size.txt')!)).toString(), 'BBBB');
      assert.equal((await inspector.get('clash/report #1.txt')).toString(), 'the folder version');
      assert.equal((await inspector.get('clash/same size.txt')).toString(), 'AAAA');
      if (kind === 'cos-front') {
        const log = front.requests.slice(since);
        const copied = log.findIndex((r) => r.op === 'copyObject' && r.key === trashed('report #1.txt'));
        const put = log.findIndex((r) => r.op === 'putObject' && r.key === 'clash/report #1.txt');
        assert.ok(copied >= 0 && put > copied, 'the copy into the trash came before the upload');
      }
      assert.deepEqual((await syncOk(services.sync(), clashPair)).operations, [], 'the trash is never planned');
    });
  });
}
