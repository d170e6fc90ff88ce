// The bucket trash as listed and selected: original keys read from trash keys (with and without this computer's
// notes), newest first, what a restore of a file, a version or a folder picks, and the name beside a taken one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RemoteEntry } from '../../src/main/engine/sync/model.js';
import { originalKeyOf, selectTrash, trashEntries } from '../../src/main/engine/sync/trash-list.js';
import { restoredName } from '../../src/main/engine/sync/trash-restore.js';

const T = '.cos-sync-trash';
const obj = (key: string, lastModifiedMs: number, size = 1): RemoteEntry => ({ key, size, etag: `e-${key}`, lastModifiedMs });
const tree = (...entries: RemoteEntry[]) => new Map(entries.map((e) => [e.key, e]));

test('the original key is the path after the day folder', () => {
  assert.equal(originalKeyOf(`${T}/2026-12-04/photos/a.jpg`, new Set()), 'photos/a.jpg');
  assert.equal(originalKeyOf(`${T}/undated/a.jpg`, new Set()), 'a.jpg');
  assert.equal(originalKeyOf(`${T}/a.jpg`, new Set()), undefined, 'no day folder: not a trash key of ours');
  assert.equal(originalKeyOf('photos/a.jpg', new Set()), undefined);
});

test('a " (n)" the planner added is taken off only when the plain name is in the same day folder', () => {
  const day = `${T}/2026-12-04/`;
  const siblings = new Set([`${day}a.jpg`, `${day}a (2).jpg`, `${day}menu (2).txt`, `${day}dir/x (3)`]);
  assert.equal(originalKeyOf(`${day}a (2).jpg`, siblings), 'a.jpg');
  assert.equal(originalKeyOf(`${day}menu (2).txt`, siblings), 'menu (2).txt', 'the file’s own name');
  assert.equal(originalKeyOf(`${day}dir/x (3)`, new Set([...siblings, `${day}dir/x`])), 'dir/x');
  assert.equal(originalKeyOf(`${day}b (1).jpg`, new Set([`${day}b.jpg`])), 'b (1).jpg', 'the planner never writes (1)');
});

test('entries come newest first, with this computer’s note (original key, reason, time) winning over the guess', () => {
  const remote = tree(obj(`${T}/2026-12-01/a.txt`, 1000, 3), obj(`${T}/2026-12-02/b.txt`, 2000), obj(`${T}/2026-12-02/c (2).txt`, 1500));
  const notes = new Map([[`${T}/2026-12-02/c (2).txt`, { trashKey: `${T}/2026-12-02/c (2).txt`, originalKey: 'c (2).txt', reason: 'Deleted from the folder', trashedAtMs: 3000 }]]);
  const entries = trashEntries(remote, notes);
  assert.deepEqual(entries.map((e) => [e.originalKey, e.trashedAtMs, e.reason]), [
    ['c (2).txt', 3000, 'Deleted from the folder'], ['b.txt', 2000, undefined], ['a.txt', 1000, undefined],
  ]);
  assert.equal(entries[2]!.size, 3);
});

test('a selection: an original key gives its newest version, a trash key that version, a folder the newest of each file', () => {
  const entries = trashEntries(tree(
    obj(`${T}/2026-12-01/docs/a.txt`, 1000), obj(`${T}/2026-12-03/docs/a.txt`, 3000), obj(`${T}/2026-12-02/docs/sub/b.txt`, 2000),
    obj(`${T}/2026-12-02/other.txt`, 2000),
  ), new Map());
  const pick = (...wanted: string[]) => {
    const chosen = selectTrash(entries, wanted);
    return chosen.ok ? chosen.entries.map((e) => e.trashKey).sort() : chosen.unmatched;
  };
  assert.deepEqual(pick('docs/a.txt'), [`${T}/2026-12-03/docs/a.txt`]);
  assert.deepEqual(pick(`${T}/2026-12-01/docs/a.txt`), [`${T}/2026-12-01/docs/a.txt`]);
  assert.deepEqual(pick('docs/'), [`${T}/2026-12-02/docs/sub/b.txt`, `${T}/2026-12-03/docs/a.txt`]);
  assert.deepEqual(pick('/'), [`${T}/2026-12-02/docs/sub/b.txt`, `${T}/2026-12-02/other.txt`, `${T}/2026-12-03/docs/a.txt`]);
  assert.deepEqual(pick('docs/', 'docs/a.txt'), [`${T}/2026-12-02/docs/sub/b.txt`, `${T}/2026-12-03/docs/a.txt`], 'each file once');
  assert.deepEqual(pick('doc', 'docs/a.txt', 'nope/'), ['doc', 'nope/'], 'a folder is named with its "/"');
});

test('the name beside a taken one says it was restored, and when', () => {
  const at = new Date(2026, 11, 4, 10).getTime();
  assert.equal(restoredName('a/b.txt', at), 'a/b (restored 2026-12-04).txt');
  assert.equal(restoredName('a/b.txt', at, 2), 'a/b (restored 2026-12-04 2).txt');
  assert.equal(restoredName('README', at), 'README (restored 2026-12-04)');
  assert.equal(restoredName('.profile', at), '.profile (restored 2026-12-04)');
});
