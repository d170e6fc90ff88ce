// The planner's decision table: one test per row, named after the rule, plus the rows outside the table
// (excluded, refused), the trash key format, the order of operations and determinism.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { DeletePolicy, LocalEntry, Operation, RemoteEntry, SyncedEntry } from '../../src/main/engine/sync/model.js';
import { english } from '../../src/shared/errors.js';
import { COS_KEY_LIMITS } from '../../src/main/engine/sync/keys.js';
import { makePlan, plan, trashKey, trashPrefixFor, type PlanOptions } from '../../src/main/engine/sync/plan.js';
import { RULES, ruleFor, type Comparison, type LocalState, type RemoteState, type Situation } from '../../src/main/engine/sync/plan-rules.js';

const T = 1_760_000_000_000;
const TRASH = '.cos-sync-trash/2026-12-04/';

const L = (key: string, o: Partial<LocalEntry> = {}): LocalEntry => ({ key, relPath: key, size: 10, mtimeMs: T, ino: 100, ...o });
const R = (key: string, o: Partial<RemoteEntry> = {}): RemoteEntry => ({ key, size: 10, etag: '"e1"', lastModifiedMs: T, ...o });
const S = (key: string, o: Partial<SyncedEntry> = {}): SyncedEntry => ({ key, size: 10, mtimeMs: T, ino: 100, etag: '"e1"', syncedAtMs: T, ...o });
const tree = <E extends { key: string }>(...entries: E[]) => new Map(entries.map((e) => [e.key, e]));

const options = (o: Partial<PlanOptions> = {}): PlanOptions => ({ direction: 'upload', deletePolicy: 'trash', trashPrefix: TRASH, ...o });

interface Case {
  local?: LocalEntry[];
  remote?: RemoteEntry[];
  synced?: SyncedEntry[];
  policy?: DeletePolicy;
  isIgnored?: (key: string) => boolean;
}

function run(c: Case): Operation[] {
  return plan(tree(...(c.local ?? [])), tree(...(c.remote ?? [])), tree(...(c.synced ?? [])), options({
    deletePolicy: c.policy ?? 'trash', ...(c.isIgnored ? { isIgnored: c.isIgnored } : {}),
  }));
}

const shape = (ops: Operation[]) => ops.map((op) => `${op.kind} ${op.key}`);

const tested = new Set<string>();
/** A test named after a row of the decision table; the last test checks every row has one. */
function row(name: string, body: () => void): void {
  tested.add(name);
  test(name, body);
}

describe('decision table rows', () => {
  const tmp = (k: string) => k.endsWith('.tmp');

  row('ignored-synced-forget', () => {
    const ops = run({ local: [L('a.tmp', { size: 11 })], remote: [R('a.tmp')], synced: [S('a.tmp')], isIgnored: tmp });
    assert.deepEqual(shape(ops), ['forget a.tmp']);
    assert.match(ops[0]?.reason ?? '', /ignore rule/);
  });

  row('ignored-unsynced-nothing', () => {
    assert.deepEqual(run({ local: [L('a.tmp')], isIgnored: tmp }), []);
    assert.deepEqual(run({ local: [L('a.tmp')], remote: [R('a.tmp', { md5: 'x' })], isIgnored: tmp }), []);
  });

  const renamed: Case = { local: [L('new.txt', { ino: 7 })], remote: [R('old.txt')], synced: [S('old.txt', { ino: 7 })] };

  row('renamed-copy', () => {
    const ops = run(renamed);
    const copy = ops.find((op) => op.kind === 'copyRemote');
    assert.ok(copy?.kind === 'copyRemote');
    assert.equal(copy.key, 'new.txt');
    assert.equal(copy.fromKey, 'old.txt');
    assert.equal(copy.expectSourceEtag, '"e1"');
    assert.ok(!ops.some((op) => op.kind === 'upload'), 'a rename is not uploaded again');
  });

  row('renamed-source-trash', () => {
    const ops = run(renamed);
    assert.deepEqual(shape(ops), ['copyRemote new.txt', 'trashRemote old.txt']);
    assert.match(ops[1]?.reason ?? '', /Renamed or moved to “new.txt”/);
  });

  row('renamed-source-delete', () => {
    assert.deepEqual(shape(run({ ...renamed, policy: 'delete' })), ['copyRemote new.txt', 'deleteRemote old.txt']);
  });

  row('renamed-source-keep', () => {
    assert.deepEqual(shape(run({ ...renamed, policy: 'keep' })), ['copyRemote new.txt', 'forget old.txt']);
  });

  row('new-upload', () => {
    const ops = run({ local: [L('a.txt')] });
    assert.deepEqual(shape(ops), ['upload a.txt']);
    assert.ok(ops[0]?.kind === 'upload' && ops[0].expectEtag === undefined, 'create only');
  });

  row('new-identical-adopt', () => {
    assert.deepEqual(shape(run({ local: [L('a', { md5: 'm1' })], remote: [R('a', { md5: 'm1' })] })), ['adopt a']);
    // COS's CRC64 is enough when our MD5 metadata is absent
    assert.deepEqual(shape(run({ local: [L('a', { crc64: '42' })], remote: [R('a', { crc64: '42' })] })), ['adopt a']);
    // A multipart object has no md5chksum: its ETag against the file's multipart ETag in our part size
    const parts = 'ab0123456789abcdef0123456789abcd-3';
    assert.deepEqual(shape(run({ local: [L('a', { md5: 'm1', partsEtag: parts })], remote: [R('a', { etag: `"${parts.toUpperCase()}"` })] })), ['adopt a']);
  });

  test('a multipart ETag that differs proves nothing (other parts, other tool): trashed, then uploaded', () => {
    const ops = run({ local: [L('a', { md5: 'm1', partsEtag: 'ab0123456789abcdef0123456789abcd-3' })], remote: [R('a', { etag: '"cd0123456789abcdef0123456789abcd-3"' })] });
    assert.deepEqual(shape(ops), ['trashRemote a', 'upload a']);
  });

  row('new-differs-trash-then-upload', () => {
    const ops = run({ local: [L('a.txt', { md5: 'm1' })], remote: [R('a.txt', { md5: 'm2' })] });
    assert.deepEqual(shape(ops), ['trashRemote a.txt', 'upload a.txt']);
    assert.ok(ops[0]?.kind === 'trashRemote' && ops[0].trashKey === `${TRASH}a.txt` && ops[0].expectEtag === '"e1"');
    assert.ok(ops[1]?.kind === 'upload' && ops[1].expectEtag === undefined);
    assert.match(ops[0]?.reason ?? '', /different object/);
    // a different size is different content, hash or not
    assert.deepEqual(shape(run({ local: [L('a.txt')], remote: [R('a.txt', { size: 9 })] })), ['trashRemote a.txt', 'upload a.txt']);
  });

  row('new-unverifiable-trash-then-upload', () => {
    const ops = run({ local: [L('a.txt')], remote: [R('a.txt')] });
    assert.deepEqual(shape(ops), ['trashRemote a.txt', 'upload a.txt']);
    assert.match(ops[0]?.reason ?? '', /no shared content hash/);
    // an MD5 on one side and a CRC64 on the other prove nothing
    assert.deepEqual(shape(run({ local: [L('a', { md5: 'm' })], remote: [R('a', { crc64: '1' })] })), ['trashRemote a', 'upload a']);
  });

  row('bucket-only-left-alone', () => {
    for (const policy of ['trash', 'delete', 'keep'] as const) assert.deepEqual(run({ remote: [R('theirs')], policy }), []);
  });

  row('unchanged-nothing', () => {
    assert.deepEqual(run({ local: [L('a')], remote: [R('a')], synced: [S('a')] }), []);
    // fractional mtimes survive a store that rounds to whole milliseconds
    assert.deepEqual(run({ local: [L('a', { mtimeMs: T + 0.75 })], remote: [R('a', { etag: 'e1' })], synced: [S('a')] }), []);
  });

  row('bucket-changed-identical-adopt', () => {
    assert.deepEqual(shape(run({ local: [L('a', { md5: 'm' })], remote: [R('a', { etag: '"e2"', md5: 'm' })], synced: [S('a', { md5: 'm' })] })), ['adopt a']);
  });

  row('bucket-changed-restore', () => {
    const ops = run({ local: [L('a')], remote: [R('a', { etag: '"e2"' })], synced: [S('a')] });
    assert.deepEqual(shape(ops), ['trashRemote a', 'upload a']);
    assert.ok(ops[0]?.kind === 'trashRemote' && ops[0].expectEtag === '"e2"');
    assert.match(ops[1]?.reason ?? '', /source of truth/);
  });

  row('bucket-deleted-restore', () => {
    const ops = run({ local: [L('a')], synced: [S('a')] });
    assert.deepEqual(shape(ops), ['upload a']);
    assert.match(ops[0]?.reason ?? '', /uploaded again/);
  });

  row('touched-adopt', () => {
    const ops = run({ local: [L('a', { mtimeMs: T + 5000, md5: 'm' })], remote: [R('a')], synced: [S('a', { md5: 'm' })] });
    assert.deepEqual(shape(ops), ['adopt a']);
    assert.match(ops[0]?.reason ?? '', /modification time/);
  });

  row('changed-upload', () => {
    const ops = run({ local: [L('a', { mtimeMs: T + 5000 })], remote: [R('a')], synced: [S('a')] });
    assert.deepEqual(shape(ops), ['upload a']);
    assert.ok(ops[0]?.kind === 'upload' && ops[0].expectEtag === '"e1"', 'overwrites only our version');
    // same size and mtime but a known hash that differs is a change too
    assert.deepEqual(shape(run({ local: [L('a', { md5: 'new' })], remote: [R('a')], synced: [S('a', { md5: 'old' })] })), ['upload a']);
  });

  row('both-changed-identical-adopt', () => {
    assert.deepEqual(shape(run({ local: [L('a', { size: 12, md5: 'n' })], remote: [R('a', { size: 12, etag: '"e2"', md5: 'n' })], synced: [S('a')] })), ['adopt a']);
  });

  row('both-changed-conflict', () => {
    const ops = run({ local: [L('a', { size: 12 })], remote: [R('a', { etag: '"e2"' })], synced: [S('a')] });
    assert.deepEqual(shape(ops), ['trashRemote a', 'upload a']);
    assert.match(ops[0]?.reason ?? '', /Conflict/);
    assert.ok(ops[1]?.kind === 'upload' && ops[1].expectEtag === undefined);
  });

  row('changed-bucket-deleted-upload', () => {
    assert.deepEqual(shape(run({ local: [L('a', { size: 12 })], synced: [S('a')] })), ['upload a']);
  });

  row('deleted-trash', () => {
    const ops = run({ remote: [R('d/a.txt')], synced: [S('d/a.txt')] });
    assert.deepEqual(shape(ops), ['trashRemote d/a.txt']);
    assert.ok(ops[0]?.kind === 'trashRemote' && ops[0].trashKey === `${TRASH}d/a.txt`);
  });

  row('deleted-delete', () => {
    const ops = run({ remote: [R('a')], synced: [S('a')], policy: 'delete' });
    assert.deepEqual(shape(ops), ['deleteRemote a']);
    assert.ok(ops[0]?.kind === 'deleteRemote' && ops[0].expectEtag === '"e1"');
  });

  row('deleted-keep-forget', () => {
    assert.deepEqual(shape(run({ remote: [R('a')], synced: [S('a')], policy: 'keep' })), ['forget a']);
  });

  row('deleted-bucket-changed-keep', () => {
    for (const policy of ['trash', 'delete', 'keep'] as const) {
      assert.deepEqual(shape(run({ remote: [R('a', { etag: '"e2"' })], synced: [S('a')], policy })), ['forget a']);
    }
  });

  row('deleted-both-forget', () => {
    assert.deepEqual(shape(run({ synced: [S('a')] })), ['forget a']);
  });

  test('every rule of the table has a test named after it, and the doc comment lists it', () => {
    assert.deepEqual([...tested].sort(), RULES.map((r) => r.name).sort());
    const doc = readFileSync(new URL('../../src/main/engine/sync/plan.ts', import.meta.url), 'utf8');
    for (const rule of RULES) assert.match(doc, new RegExp(`\\| ${rule.name} +\\|`), rule.name);
  });
});

describe('rename detection', () => {
  test('by hash when there is no inode: same size and MD5', () => {
    const ops = run({ local: [L('b', { ino: undefined, md5: 'm' })], remote: [R('a')], synced: [S('a', { ino: undefined, md5: 'm' })] });
    assert.deepEqual(shape(ops), ['copyRemote b', 'trashRemote a']);
  });

  test('not a rename: same inode but another mtime (edited after the move), or a known hash that differs', () => {
    assert.deepEqual(shape(run({ local: [L('b', { ino: 7, mtimeMs: T + 1 })], remote: [R('a')], synced: [S('a', { ino: 7 })] })), ['trashRemote a', 'upload b']);
    assert.deepEqual(shape(run({ local: [L('b', { ino: 7, md5: 'x' })], remote: [R('a')], synced: [S('a', { ino: 7, md5: 'y' })] })), ['trashRemote a', 'upload b']);
  });

  test('not a rename when the old object changed in the bucket, or is archived', () => {
    assert.deepEqual(shape(run({ local: [L('b', { ino: 7 })], remote: [R('a', { etag: '"e2"' })], synced: [S('a', { ino: 7 })] })), ['upload b', 'forget a']);
    assert.deepEqual(shape(run({ local: [L('b', { ino: 7 })], remote: [R('a', { storageClass: 'ARCHIVE' })], synced: [S('a', { ino: 7 })] })), ['trashRemote a', 'upload b']);
  });

  test('one source serves one target; the next identical new file is uploaded', () => {
    const ops = run({ local: [L('b', { ino: 1, md5: 'm' }), L('c', { ino: 2, md5: 'm' })], remote: [R('a')], synced: [S('a', { ino: 9, md5: 'm' })] });
    assert.deepEqual(shape(ops), ['copyRemote b', 'trashRemote a', 'upload c']);
  });

  test('an inode match wins over a hash match', () => {
    const ops = run({
      local: [L('z', { ino: 5, md5: 'm' })],
      remote: [R('a'), R('b', { etag: '"e3"' })],
      synced: [S('a', { ino: 1, md5: 'm' }), S('b', { ino: 5, md5: 'm', etag: '"e3"' })],
    });
    const copy = ops.find((op) => op.kind === 'copyRemote');
    assert.ok(copy?.kind === 'copyRemote' && copy.fromKey === 'b');
  });
});

describe('keys outside the table', () => {
  test('the trash and the marker file are never planned', () => {
    const ops = run({
      local: [L('.cos-sync-folder')],
      remote: [R('.cos-sync-trash/2026-01-01/a'), R('.cos-sync-folder')],
      synced: [S('.cos-sync-trash/2026-01-01/b')],
    });
    assert.deepEqual(ops, []);
  });

  test('a case collision in the folder is refused for both names, with a message naming both', () => {
    const result = makePlan(tree(L('Photo.jpg'), L('photo.jpg')), tree(R('photo.jpg')), tree(S('photo.jpg')), options());
    assert.deepEqual(result.operations, []);
    assert.deepEqual(result.refused.map((r) => r.key), ['Photo.jpg', 'photo.jpg']);
    assert.match(result.refused[0]?.message ?? '', /“Photo.jpg” and “photo.jpg” differ only by letter case/);
  });

  test('refusals made by the planner (collision, trash folder, invalid key) carry message ids whose English is the message', () => {
    const local = tree(L('Photo.jpg'), L('photo.jpg'), L('.cos-sync-trash/x.txt'), L('bad\u0001name'));
    const result = makePlan(local, tree(), tree(), options());
    assert.deepEqual(result.refused.map((r) => [r.key, r.why?.id]), [
      ['.cos-sync-trash/x.txt', 'plan.inTrash'],
      ['Photo.jpg', 'keys.collision'],
      ['bad\u0001name', 'keys.control'],
      ['photo.jpg', 'keys.collision'],
    ]);
    for (const r of result.refused) assert.equal(english(r.why!), r.message);
    assert.match(result.refused[0]!.message, /is inside the bucket's trash folder \(“\.cos-sync-trash”\)/);
  });

  test('a key the scan refused is left alone: its synced object is not taken for deleted', () => {
    const refused = new Map([['café', '“café” and “café” are the same name in two Unicode forms']]);
    const result = makePlan(tree(), tree(R('café')), tree(S('café')), options({ refused }));
    assert.deepEqual(result.operations, []);
    assert.deepEqual(result.refused, [{ key: 'café', message: refused.get('café') }]);
  });

  test('a key too long for COS is refused with its byte count, not uploaded', () => {
    const key = `${'é'.repeat(420)}.txt`; // 844 bytes
    const result = makePlan(tree(L(key)), tree(), tree(), options({ keyPrefix: 'photos/', keyLimits: COS_KEY_LIMITS }));
    assert.deepEqual(result.operations, []);
    assert.match(result.refused[0]?.message ?? '', /851 bytes in UTF-8 with the prefix “photos\/”; this provider allows at most 850/);
  });

  test('a folder named like the trash is refused, not uploaded', () => {
    const result = makePlan(tree(L('.cos-sync-trash/x')), tree(), tree(), options());
    assert.deepEqual(result.operations, []);
    assert.equal(result.refused[0]?.key, '.cos-sync-trash/x');
  });
});

describe('the trash', () => {
  test('trash keys: <trash prefix><key>, then “name (n).ext” when taken', () => {
    assert.equal(trashPrefixFor(new Date(2026, 11, 4, 12)), '.cos-sync-trash/2026-12-04/');
    assert.equal(trashKey('d/a.txt', TRASH), '.cos-sync-trash/2026-12-04/d/a.txt');
    assert.equal(trashKey('d/a.txt', TRASH, 2), '.cos-sync-trash/2026-12-04/d/a (2).txt');
    assert.equal(trashKey('.bashrc', TRASH, 3), '.cos-sync-trash/2026-12-04/.bashrc (3)');
    assert.equal(trashKey('a.tar.gz', TRASH, 2), '.cos-sync-trash/2026-12-04/a.tar (2).gz');
  });

  test('a version already in today\'s trash is never overwritten', () => {
    const ops = run({ remote: [R('a.txt'), R(`${TRASH}a.txt`), R(`${TRASH}a (2).txt`)], synced: [S('a.txt')] });
    assert.ok(ops[0]?.kind === 'trashRemote' && ops[0].trashKey === `${TRASH}a (3).txt`);
  });

  test('an empty trash prefix still trashes into the trash folder', () => {
    const ops = plan(tree(), tree(R('a')), tree(S('a')), options({ trashPrefix: '' }));
    assert.ok(ops[0]?.kind === 'trashRemote' && ops[0].trashKey === '.cos-sync-trash/undated/a');
  });
});

describe('order and determinism', () => {
  const world: Case = {
    local: [L('n1', { ino: 7 }), L('x', { size: 1 }), L('m', { ino: 55 }), L('k', { size: 3 })],
    remote: [R('o1'), R('x'), R('gone'), R('k', { etag: '"e9"' })],
    synced: [S('o1', { ino: 7 }), S('x'), S('gone'), S('k'), S('vanished')],
    policy: 'delete',
  };

  test('copies, then trash, then uploads, adopts, deletes and forgets, each by key', () => {
    assert.deepEqual(shape(run(world)), [
      'copyRemote n1', 'trashRemote k', 'upload k', 'upload m', 'upload x', 'deleteRemote gone', 'deleteRemote o1', 'forget vanished',
    ]);
  });

  test('the same trees in another insertion order give the same plan', () => {
    const reversed = <E extends { key: string }>(es: E[] = []) => new Map([...es].reverse().map((e) => [e.key, e]));
    const again = plan(reversed(world.local), reversed(world.remote), reversed(world.synced), options({ deletePolicy: 'delete' }));
    assert.deepEqual(again, run(world));
  });
});

describe('a plan of some keys (a short pass)', () => {
  const world = {
    local: tree(L('docs/a.txt', { size: 11 }), L('docs/new.txt', { ino: 5, size: 3 }), L('other/b.txt', { size: 12 }), L('Photos/x.jpg'), L('photos/x.jpg')),
    remote: tree(R('docs/a.txt'), R('other/b.txt'), R('docs/gone.txt')),
    synced: tree(S('docs/a.txt'), S('other/b.txt'), S('docs/gone.txt')),
  };
  const inDocs = (k: string) => k.startsWith('docs/');

  test('plans exactly what the whole plan plans for those keys, and nothing else', () => {
    const whole = makePlan(world.local, world.remote, world.synced, options());
    const some = makePlan(world.local, world.remote, world.synced, options({ only: inDocs }));
    assert.deepEqual(some.operations, whole.operations.filter((op) => inDocs(op.key)));
    assert.deepEqual(shape(some.operations), ['trashRemote docs/gone.txt', 'upload docs/a.txt', 'upload docs/new.txt']);
    assert.deepEqual(some.refused, [], 'the collision elsewhere is not this plan\'s');
  });

  test('a name in the plan that collides with one outside it is still refused, and only it is reported', () => {
    const some = makePlan(world.local, world.remote, world.synced, options({ only: (k) => k === 'photos/x.jpg' }));
    assert.deepEqual(some.operations, []);
    assert.deepEqual(some.refused.map((r) => r.key), ['photos/x.jpg']);
    assert.match(some.refused[0]!.message, /letter case/);
  });

  test("the scan's refusals outside the plan are left out", () => {
    const refused = new Map([['docs/new.txt', 'unreadable: EACCES'], ['other/b.txt', 'unreadable: EACCES']]);
    const some = makePlan(world.local, world.remote, world.synced, options({ only: inDocs, refused }));
    assert.deepEqual(some.refused, [{ key: 'docs/new.txt', message: 'unreadable: EACCES' }]);
    assert.deepEqual(shape(some.operations), ['trashRemote docs/gone.txt', 'upload docs/a.txt']);
  });
});

describe('the table is complete', () => {
  const comparisons: Comparison[] = ['same', 'different', 'unknown'];
  const feasible: [LocalState, RemoteState][] = [
    ['new', 'absent'], ['new', 'new'], ['absent', 'new'],
    ...(['unchanged', 'changed', 'deleted'] as const).flatMap((l) => (['unchanged', 'changed', 'deleted'] as const).map((r): [LocalState, RemoteState] => [l, r])),
  ];
  test('every feasible situation, policy and flag matches a rule', () => {
    for (const [localState, remoteState] of feasible) {
      for (const content of comparisons) for (const localVsSynced of comparisons) for (const ignored of [false, true]) {
        for (const policy of ['trash', 'delete', 'keep'] as const) {
          const s: Situation = { key: 'k', local: undefined, remote: undefined, synced: undefined, localState, remoteState, content, localVsSynced, ignored, rename: undefined };
          assert.ok(ruleFor(s, policy), `${localState}/${remoteState}/${content}/${localVsSynced}/${ignored}/${policy}`);
        }
      }
    }
  });
});
