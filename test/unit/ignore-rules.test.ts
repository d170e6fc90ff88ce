// Ignore rules: the built-in defaults, the user's .cossyncignore (gitignore semantics, reasons with line
// numbers, re-includes), reserved names nobody can re-include, and reloading when the file changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IGNORE_FILE,
  ignoreRulesFromText,
  loadIgnoreRules,
} from '../../src/main/engine/sync/ignore-rules.js';
import { MARKER_FILE, TRASH_DIR } from '../../src/main/engine/sync/model.js';
import { AppFailure } from '../../src/shared/errors.js';

const defaults = ignoreRulesFromText('');

const JUNK = [
  '.DS_Store', 'photos/.DS_Store', 'Thumbs.db', 'a/b/desktop.ini', '._IMG_0001.JPG', '.Spotlight-V100', '.Trashes',
  '$RECYCLE.BIN', '.fseventsd', 'notes.txt~', '.notes.txt.swp', '.notes.txt.swx', '.#notes.txt', '#notes.txt#',
  '~$report.docx', 'data.tmp', '.~lock.sheet.ods#', 'movie.mp4.crdownload', 'iso.part', 'x.partial', 'y.download',
  '.cos-sync', '.cos-sync-3f2a.part', 'deep/.cos-sync-marker', MARKER_FILE, `${TRASH_DIR}/2024-01-01/a.txt`, 'Icon\r', 'folder/Icon\r', IGNORE_FILE,
];

const KEPT = [
  'notes.txt', 'report.docx', 'Icon', 'Icons/a.png', '#hashtag.txt', 'a+b %20 #1.jpg', 'été/ça.txt', 'partial.txt',
  'download.zip', 'tmp/file.txt', 'my.cos-sync.txt', 'sub/.cossyncignore-notes',
];

test('the defaults ignore OS junk, editor temp files, partial downloads and our own files', () => {
  for (const path of JUNK) assert.equal(defaults.ignores(path, false), true, JSON.stringify(path));
  for (const path of KEPT) assert.equal(defaults.ignores(path, false), false, JSON.stringify(path));
  assert.equal(defaults.ignores('.Trashes', true), true);
  assert.equal(defaults.ignores('$RECYCLE.BIN/S-1-5/file', false), true, 'everything under an ignored folder');
});

test('reason names the rule and where it comes from', () => {
  const rules = ignoreRulesFromText('# build output\nbuild/\n\n*.log\n!keep.log\n/only-at-root.txt\n', ['*.bak']);
  assert.equal(rules.reason('.DS_Store'), 'built-in: .DS_Store');
  assert.equal(rules.reason('#x#'), 'built-in: \\#*#');
  assert.equal(rules.reason('.cos-sync-1.part'), 'reserved: .cos-sync*');
  assert.equal(rules.reason('build', true), `${IGNORE_FILE}:2: build/`);
  assert.equal(rules.reason('src/build/out.js'), `${IGNORE_FILE}:2: build/`, 'the folder that excludes it');
  assert.equal(rules.reason('logs/x.log'), `${IGNORE_FILE}:4: *.log`);
  assert.equal(rules.reason('old.bak'), 'pair settings: *.bak');
  assert.equal(rules.reason('keep.log'), undefined);
  assert.equal(rules.reason('only-at-root.txt'), `${IGNORE_FILE}:6: /only-at-root.txt`);
  assert.equal(rules.reason('sub/only-at-root.txt'), undefined);
  assert.equal(rules.reason('notes.txt'), undefined);
});

test('folder-only patterns need isDir; the root is never ignored', () => {
  const rules = ignoreRulesFromText('cache/\n');
  assert.equal(rules.ignores('cache', true), true);
  assert.equal(rules.ignores('cache', false), false, 'a file named cache is kept');
  assert.equal(rules.ignores('', true), false);
  assert.equal(rules.ignores('.', true), false);
});

test('the user can re-include a default but never a reserved name', () => {
  const rules = ignoreRulesFromText(`!*.tmp\n!${IGNORE_FILE}\n!.cos-sync*\n`);
  assert.equal(rules.ignores('data.tmp', false), false);
  assert.equal(rules.ignores(IGNORE_FILE, false), false);
  assert.equal(rules.ignores('.cos-sync-1.part', false), true);
  assert.equal(rules.ignores('.DS_Store', false), true);
});

test('matching ignores letter case (as macOS and Windows users expect)', () => {
  const rules = ignoreRulesFromText('*.jpg\n');
  assert.equal(rules.ignores('IMG.JPG', false), true);
  assert.equal(defaults.ignores('.ds_store', false), true);
});

test('Windows line endings and a byte-order mark in the file are understood', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-ignore-'));
  try {
    await writeFile(join(root, IGNORE_FILE), '\uFEFF*.log\r\nsecret/\r\n');
    const rules = await loadIgnoreRules(root);
    assert.equal(rules.reason('a.log'), `${IGNORE_FILE}:1: *.log`);
    assert.equal(rules.ignores('secret', true), true);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('loadIgnoreRules: no file means defaults; reload picks up changes and reports whether they changed', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-ignore-'));
  try {
    const rules = await loadIgnoreRules(root);
    assert.equal(rules.userRules, '');
    assert.equal(rules.ignores('a.log', false), false);
    assert.equal(rules.ignores('.DS_Store', false), true);
    await writeFile(join(root, IGNORE_FILE), '*.log\n');
    assert.equal(await rules.reload(), true);
    assert.equal(rules.ignores('a.log', false), true);
    assert.equal(await rules.reload(), false, 'unchanged');
    await rm(join(root, IGNORE_FILE));
    assert.equal(await rules.reload(), true);
    assert.equal(rules.ignores('a.log', false), false);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('an unreadable .cossyncignore is an error, and the old rules stay in force', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-ignore-'));
  try {
    await writeFile(join(root, IGNORE_FILE), '*.log\n');
    const rules = await loadIgnoreRules(root);
    await rm(join(root, IGNORE_FILE));
    await mkdir(join(root, IGNORE_FILE)); // EISDIR: unreadable as a file, even for root
    await assert.rejects(rules.reload(), (error: unknown) => {
      assert.ok(error instanceof AppFailure);
      assert.match(error.appError.message, /could not be read/);
      assert.match(error.appError.detail ?? '', /EISDIR/);
      return true;
    });
    assert.equal(rules.ignores('a.log', false), true);
    await assert.rejects(loadIgnoreRules(root), AppFailure);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
