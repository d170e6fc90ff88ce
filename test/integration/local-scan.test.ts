// The local scan on real temp folders: odd names, symlinks, FIFOs and sockets, unreadable entries (real ones
// even as root, plus injected errors), ignore rules, hinted partial rescans, cancellation and hashing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { IGNORE_FILE, ignoreRulesFromText, loadIgnoreRules } from '../../src/main/engine/sync/ignore-rules.js';
import {
  hashFile,
  mergeScan,
  narrowTargets,
  nodeScanFs,
  scanLocal,
  type ScanFs,
  type ScanResult,
} from '../../src/main/engine/sync/local-scan.js';
import { canRead } from '../../src/main/engine/sync/scan-support.js';

const rules = ignoreRulesFromText('');

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cos-sync-scan-'));
  try {
    await fn(dir);
  } finally {
    // GNU rm walks by file descriptor, so it also removes trees deeper than PATH_MAX (fs.rm cannot).
    execFileSync('rm', ['-rf', dir]);
  }
}

function put(root: string, relPath: string | Buffer, content = ''): void {
  const path = typeof relPath === 'string' ? join(root, relPath) : Buffer.concat([Buffer.from(`${root}/`), relPath]);
  mkdirSync(join(path.toString(), '..'), { recursive: true });
  writeFileSync(path, content);
}

const skippedBy = (result: ScanResult, reason: string): string[] =>
  result.skipped.filter((s) => s.reason === reason).map((s) => s.relPath).sort();

const NFC = 'caf\u00e9';
const NFD = 'cafe\u0301';

test('names with unicode (NFC and NFD), spaces, + % #, deep paths and empty files', () =>
  withRoot(async (root) => {
    const deep = Array.from({ length: 40 }, (_, i) => `level ${i}`).join(sep);
    const files = [`${NFC}/menu.txt`, `other/${NFD}.txt`, 'a b/c  d.txt', 'x+y %20 #1.jpg', `${deep}/bottom.txt`, 'empty.txt'];
    for (const file of files) put(root, file, file === 'empty.txt' ? '' : 'data');
    const result = await scanLocal(root, { ignore: rules });
    assert.equal(result.rootStatus, 'ok');
    assert.deepEqual(result.skipped, []);
    const keys = [...result.tree.keys()].sort();
    assert.deepEqual(keys, files.map((f) => f.split(sep).join('/').normalize('NFC')).sort());
    const nfd = result.tree.get(`other/${NFC}.txt`)!;
    assert.equal(nfd.relPath, join('other', `${NFD}.txt`), 'relPath keeps the name as it is on disk');
    assert.equal(result.tree.get('empty.txt')?.size, 0);
    const stats = lstatSync(join(root, 'x+y %20 #1.jpg'));
    assert.deepEqual(result.tree.get('x+y %20 #1.jpg'), {
      key: 'x+y %20 #1.jpg', relPath: 'x+y %20 #1.jpg', size: 4, mtimeMs: stats.mtimeMs, ino: stats.ino,
    });
  }));

test('two names for one key (NFC and NFD side by side) are both refused', () =>
  withRoot(async (root) => {
    put(root, `${NFC}.txt`, 'one');
    put(root, `${NFD}.txt`, 'two');
    put(root, 'fine.txt');
    const result = await scanLocal(root, { ignore: rules });
    assert.deepEqual([...result.tree.keys()], ['fine.txt']);
    assert.deepEqual(skippedBy(result, 'invalid-name'), [`${NFC}.txt`, `${NFD}.txt`].sort());
    assert.ok(result.skipped.every((s) => s.key === `${NFC}.txt` && /Unicode forms/.test(s.detail)));
  }));

test('symlinks to files, folders and nowhere are reported, never followed', () =>
  withRoot(async (root) => {
    put(root, 'real/inside.txt', 'x');
    put(root, 'file.txt', 'x');
    symlinkSync(join(root, 'real'), join(root, 'link-to-dir'));
    symlinkSync('file.txt', join(root, 'link-to-file'));
    symlinkSync('nowhere', join(root, 'dangling'));
    const result = await scanLocal(root, { ignore: rules });
    assert.deepEqual([...result.tree.keys()].sort(), ['file.txt', 'real/inside.txt']);
    assert.deepEqual(skippedBy(result, 'symlink'), ['dangling', 'link-to-dir', 'link-to-file']);
    const toFile = result.skipped.find((s) => s.relPath === 'link-to-file')!;
    assert.match(toFile.detail, /“file\.txt”.*not followed/);
    assert.equal(toFile.key, 'link-to-file');
  }));

test('FIFOs and sockets are reported as special files', () =>
  withRoot(async (root) => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, 'sock'), resolve));
    try {
      put(root, 'normal.txt');
      const result = await scanLocal(root, { ignore: rules });
      assert.deepEqual([...result.tree.keys()], ['normal.txt']);
      assert.deepEqual(skippedBy(result, 'special'), ['pipe', 'sock']);
      assert.match(result.skipped.find((s) => s.relPath === 'pipe')!.detail, /named pipe/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }));

/** A folder whose absolute path is longer than PATH_MAX (4096): it exists, but no call can reach it by path. */
function makeTooDeep(root: string): string {
  // Relative mkdir and chdir, one level at a time, in a child process: only a relative path gets that deep.
  const script = `
    const fs = require('node:fs');
    process.chdir(process.argv[1]);
    fs.mkdirSync('top'); process.chdir('top');
    for (let i = 0; i < 22; i++) { fs.mkdirSync('d'.repeat(200)); process.chdir('d'.repeat(200)); }
    fs.writeFileSync('file', 'x');`;
  execFileSync(process.execPath, ['-e', script, root]);
  return 'top';
}

test('an entry no call can reach (path longer than PATH_MAX) is reported unreadable, even as root', () =>
  withRoot(async (root) => {
    const top = makeTooDeep(root);
    put(root, 'ok.txt');
    // With a provider's limits the key is refused as too long before any call fails: lift them to reach the disk.
    const byDefault = await scanLocal(root, { ignore: rules });
    assert.deepEqual(byDefault.skipped.map((s) => s.reason), ['invalid-name']);
    const result = await scanLocal(root, { ignore: rules, keys: { prefix: '', limits: { maxKeyBytes: 1 << 20 } } });
    assert.ok(result.tree.has('ok.txt'), 'the rest of the scan goes on');
    const unreadable = result.skipped.filter((s) => s.reason === 'unreadable');
    assert.equal(unreadable.length, 1, JSON.stringify(result.skipped.map((s) => s.reason)));
    assert.ok(unreadable[0]!.relPath.startsWith(`${top}${sep}`));
    assert.match(unreadable[0]!.detail, /ENAMETOOLONG/);
  }));

test('chmod 000: unreadable for a normal user; root reads it anyway (and the scan says so honestly)', () =>
  withRoot(async (root) => {
    put(root, 'locked/inner.txt');
    put(root, 'secret.txt');
    await chmod(join(root, 'secret.txt'), 0o000);
    await chmod(join(root, 'locked'), 0o000);
    const result = await scanLocal(root, { ignore: rules });
    if (process.geteuid?.() === 0) {
      assert.deepEqual([...result.tree.keys()].sort(), ['locked/inner.txt', 'secret.txt']);
    } else {
      assert.deepEqual(skippedBy(result, 'unreadable'), ['locked', 'secret.txt']);
    }
    // The same files seen by a non-root identity: the mode bits decide without opening anything.
    const other = { uid: 12345, gids: new Set([12345]) };
    const identityResult = await scanLocal(root, { ignore: rules, identity: other });
    assert.ok(skippedBy(identityResult, 'unreadable').includes('secret.txt'));
  }));

test('read permission from mode bits: owner, group, others, root, and no identity (Windows)', () => {
  const me = { uid: 1000, gids: new Set([1000, 27]) };
  assert.equal(canRead({ mode: 0o100400, uid: 1000, gid: 5 }, me), true);
  assert.equal(canRead({ mode: 0o100044, uid: 1000, gid: 5 }, me), false, 'the owner bits apply to the owner');
  assert.equal(canRead({ mode: 0o100040, uid: 2000, gid: 27 }, me), true);
  assert.equal(canRead({ mode: 0o100004, uid: 2000, gid: 27 }, me), false);
  assert.equal(canRead({ mode: 0o100004, uid: 2000, gid: 5 }, me), true);
  assert.equal(canRead({ mode: 0o100000, uid: 2000, gid: 5 }, { uid: 0, gids: new Set() }), true);
  assert.equal(canRead({ mode: 0o100000, uid: 2000, gid: 5 }, undefined), true);
});

/** The real file system, except that the listed paths fail with the given error codes. */
function failingFs(root: string, failures: Record<string, { call: keyof ScanFs; code: string }>): ScanFs {
  const fail = (call: keyof ScanFs, path: string): void => {
    const failure = failures[path.slice(root.length + 1)];
    if (failure?.call === call) throw Object.assign(new Error(`${failure.code}: injected, ${call} '${path}'`), { code: failure.code });
  };
  return {
    readdir: async (path) => (fail('readdir', path), nodeScanFs.readdir(path)),
    lstat: async (path) => (fail('lstat', path), nodeScanFs.lstat(path)),
    stat: async (path) => (fail('stat', path), nodeScanFs.stat(path)),
    readlink: async (path) => (fail('readlink', path), nodeScanFs.readlink(path)),
  };
}

test('injected errors: an unreadable folder and an unreadable file are reported, the scan goes on', () =>
  withRoot(async (root) => {
    put(root, 'private/a.txt');
    put(root, 'io/broken.bin');
    put(root, 'io/fine.bin');
    const fs = failingFs(root, {
      private: { call: 'readdir', code: 'EACCES' },
      [join('io', 'broken.bin')]: { call: 'lstat', code: 'EIO' },
    });
    const result = await scanLocal(root, { ignore: rules, fs });
    assert.deepEqual([...result.tree.keys()], ['io/fine.bin']);
    assert.deepEqual(
      result.skipped.map((s) => [s.relPath, s.reason, s.detail.split(':')[0]]).sort(),
      [[join('io', 'broken.bin'), 'unreadable', 'EIO'], ['private', 'unreadable', 'EACCES']],
    );
  }));

test('root status: missing, not a directory, unreadable, and a symlinked root is followed', () =>
  withRoot(async (root) => {
    put(root, 'real/x.txt');
    put(root, 'file.txt');
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    assert.equal((await scanLocal(join(root, 'gone'), { ignore: rules })).rootStatus, 'missing');
    assert.equal((await scanLocal(join(root, 'file.txt'), { ignore: rules })).rootStatus, 'not-a-directory');
    const viaLink = await scanLocal(join(root, 'alias'), { ignore: rules });
    assert.deepEqual([viaLink.rootStatus, [...viaLink.tree.keys()]], ['ok', ['x.txt']]);
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const locked = await scanLocal(join(root, 'real'), { ignore: rules, fs: { ...nodeScanFs, readdir: () => Promise.reject(denied) } });
    assert.deepEqual([locked.rootStatus, locked.tree.size, locked.skipped], ['unreadable', 0, []]);
  }));

test('.cossyncignore and the defaults: ignored folders are not even listed', () =>
  withRoot(async (root) => {
    await writeFile(join(root, IGNORE_FILE), 'node_modules/\n*.log\n');
    put(root, 'node_modules/pkg/index.js');
    put(root, 'src/app.js');
    put(root, 'src/debug.log');
    put(root, 'src/.DS_Store');
    put(root, '.cos-sync-upload.part');
    const listed: string[] = [];
    const fs: ScanFs = { ...nodeScanFs, readdir: (path) => (listed.push(path), nodeScanFs.readdir(path)) };
    const ignore = await loadIgnoreRules(root);
    const result = await scanLocal(root, { ignore, fs });
    assert.deepEqual([...result.tree.keys()], ['src/app.js']);
    assert.deepEqual(
      result.skipped.map((s) => `${s.relPath} <- ${s.detail}`).sort(),
      [
        `.cos-sync-upload.part <- reserved: .cos-sync*`,
        `${IGNORE_FILE} <- built-in: ${IGNORE_FILE}`,
        `node_modules <- ${IGNORE_FILE}:1: node_modules/`,
        `${join('src', '.DS_Store')} <- built-in: .DS_Store`,
        `${join('src', 'debug.log')} <- ${IGNORE_FILE}:2: *.log`,
      ].sort(),
    );
    assert.ok(!listed.some((path) => path.includes('node_modules')));
  }));

test('names that cannot be keys: control characters, not UTF-8, too long with the prefix', () =>
  withRoot(async (root) => {
    put(root, 'line\nbreak.txt');
    put(root, Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9, 0x2e, 0x74, 0x78, 0x74])); // "latin\xe9.txt"
    put(root, `${'n'.repeat(60)}.txt`);
    put(root, 'short.txt');
    const keys = { prefix: 'backup/laptop/', limits: { maxKeyBytes: 50 } };
    const result = await scanLocal(root, { ignore: rules, keys });
    assert.deepEqual([...result.tree.keys()], ['short.txt']);
    const invalid = result.skipped.filter((s) => s.reason === 'invalid-name');
    assert.equal(invalid.length, 3);
    assert.ok(invalid.some((s) => /control character U\+000A/.test(s.detail)));
    assert.ok(invalid.some((s) => /not valid UTF-8/.test(s.detail)));
    assert.ok(invalid.some((s) => /at most 50/.test(s.detail)));
  }));

test('hinted rescans cover only their paths and merge into the last full tree', () =>
  withRoot(async (root) => {
    put(root, 'a/one.txt');
    put(root, 'a/sub/two.txt');
    put(root, 'b/three.txt');
    put(root, 'c.txt');
    const full = await scanLocal(root, { ignore: rules });
    assert.equal(full.scope, undefined);
    await rm(join(root, 'a', 'sub'), { recursive: true });
    put(root, 'a/new.txt');
    put(root, 'b/ignored-by-hint.txt');
    const partial = await scanLocal(root, { ignore: rules, only: ['a', join('a', 'sub'), 'gone.txt'] });
    assert.deepEqual(partial.scope, ['a', 'gone.txt']);
    assert.deepEqual([...partial.tree.keys()].sort(), ['a/new.txt', 'a/one.txt']);
    const merged = mergeScan(full.tree, partial);
    assert.deepEqual([...merged.keys()].sort(), ['a/new.txt', 'a/one.txt', 'b/three.txt', 'c.txt']);
    assert.equal((await scanLocal(root, { ignore: rules, only: ['.', 'b'] })).scope, undefined, 'the root means all');
  }));

test('a hint under a symlinked folder reports the link and takes nothing through it', () =>
  withRoot(async (root) => {
    put(root, 'real/x.txt');
    symlinkSync(join(root, 'real'), join(root, 'link'));
    const result = await scanLocal(root, { ignore: rules, only: [join('link', 'x.txt')] });
    assert.equal(result.tree.size, 0);
    assert.deepEqual(skippedBy(result, 'symlink'), ['link']);
  }));

test('narrowTargets drops duplicates, trailing separators and paths inside others', () => {
  assert.deepEqual(narrowTargets(['b/', 'a', 'a/x', 'a/x/y', 'ab', 'b', 'a b', 'a//z/', './c']), ['a', 'a b', 'ab', 'b', 'c']);
  assert.deepEqual(narrowTargets(['x', '']), ['']);
  assert.deepEqual(narrowTargets([]), ['']);
});

test('onItem sees every outcome; an aborted scan rejects and leaves nothing running', () =>
  withRoot(async (root) => {
    for (let i = 0; i < 50; i++) put(root, `d${i % 5}/f${i}.txt`);
    put(root, '.DS_Store');
    const outcomes: string[] = [];
    await scanLocal(root, { ignore: rules, onItem: (o) => outcomes.push(o.type) });
    assert.equal(outcomes.filter((t) => t === 'entry').length, 50);
    assert.equal(outcomes.filter((t) => t === 'skipped').length, 1);
    const controller = new AbortController();
    let seen = 0;
    const onItem = (): void => {
      if (++seen === 10) controller.abort();
    };
    await assert.rejects(scanLocal(root, { ignore: rules, signal: controller.signal, onItem }), { name: 'AbortError' });
    const already = AbortSignal.abort();
    await assert.rejects(scanLocal(root, { ignore: rules, signal: already }), { name: 'AbortError' });
  }));

test('a slow volume sends lstat to the thread pool for a spell, then synchronous calls are tried again', () =>
  withRoot(async (root) => {
    for (let i = 0; i < 1_010; i++) writeFileSync(join(root, `f${i}.txt`), '');
    let syncCalls = 0;
    let asyncCalls = 0;
    const slow: ScanFs = {
      ...nodeScanFs,
      lstatSync: (path) => {
        syncCalls++;
        const until = performance.now() + 12;
        while (performance.now() < until); // a network share answering in 12 ms
        return nodeScanFs.lstatSync!(path);
      },
      lstat: (path) => (asyncCalls++, nodeScanFs.lstat(path)),
    };
    const result = await scanLocal(root, { ignore: rules, fs: slow });
    assert.equal(result.tree.size, 1_010);
    // 3 slow calls are tolerated, then 1,000 go async, then 3 more slow ones, then async again.
    assert.deepEqual([syncCalls, asyncCalls], [6, 1_004]);
  }));

test('hashFile: MD5 (base64) and CRC-64 (decimal) through a small buffer; size read; abort', () =>
  withRoot(async (root) => {
    const file = join(root, 'check.txt');
    await writeFile(file, '123456789');
    assert.deepEqual(await hashFile(file, { bufferBytes: 4 }), {
      md5: 'JfnnlDI7RTiF9RgfG2JNCw==',
      crc64: '11051210869376104954', // CRC-64/XZ check value 0x995DC9BBDF1939FA
      size: 9,
    });
    await writeFile(file, '');
    assert.deepEqual(await hashFile(file, { crc64: false }), { md5: '1B2M2Y8AsgTpgAmY7PhCfg==', size: 0 });
    await assert.rejects(hashFile(file, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    await assert.rejects(hashFile(join(root, 'missing')), { code: 'ENOENT' });
  }));
