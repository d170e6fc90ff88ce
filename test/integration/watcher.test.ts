// The watcher on real temp folders (real chokidar): changes become debounced dirty hints, an editor's atomic
// save marks the final name, ignored paths stay quiet, and close() leaves no handle behind. Debounce timing
// and error reports are checked on a fake event source with mocked timers.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { IGNORE_FILE, ignoreRulesFromText } from '../../src/main/engine/sync/ignore-rules.js';
import { FolderWatcher, watchFolder, type WatchSource } from '../../src/main/engine/sync/watcher.js';
import type { AppError } from '../../src/shared/result.js';

const rules = ignoreRulesFromText('node_modules/\n');

/** Collects hints; `until` waits (polling) for a predicate over everything seen so far. */
function recorder(): { calls: string[][]; seen: Set<string>; errors: AppError[]; until: (f: (s: Set<string>) => boolean) => Promise<void> } {
  const calls: string[][] = [];
  const seen = new Set<string>();
  const errors: AppError[] = [];
  const until = async (predicate: (s: Set<string>) => boolean): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!predicate(seen)) {
      if (Date.now() > deadline) assert.fail(`timed out; hints so far: ${JSON.stringify(calls)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { calls, seen, errors, until };
}

async function withWatcher(
  fn: (root: string, r: ReturnType<typeof recorder>) => Promise<void>,
  debounceMs = 100,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-watch-'));
  const r = recorder();
  await mkdir(join(root, 'docs'));
  await writeFile(join(root, 'docs', 'existing.txt'), 'old');
  const watcher = watchFolder(root, {
    ignore: rules,
    debounceMs,
    onDirty: (paths) => {
      r.calls.push(paths);
      for (const path of paths) r.seen.add(path);
    },
    onError: (error) => r.errors.push(error),
  });
  try {
    await watcher.ready;
    await fn(root, r);
    assert.deepEqual(r.errors, []);
  } finally {
    await watcher.close();
    await rm(root, { recursive: true, force: true });
  }
}

test('create, modify, rename and delete each mark their paths dirty', () =>
  withWatcher(async (root, r) => {
    await writeFile(join(root, 'new.txt'), 'hello');
    await r.until((s) => s.has('new.txt'));
    await writeFile(join(root, 'docs', 'existing.txt'), 'changed');
    await r.until((s) => s.has(join('docs', 'existing.txt')));
    await rename(join(root, 'new.txt'), join(root, 'docs', 'moved.txt'));
    await r.until((s) => s.has(join('docs', 'moved.txt')));
    r.seen.clear();
    await rm(join(root, 'docs', 'moved.txt'));
    await r.until((s) => s.has(join('docs', 'moved.txt')));
    await mkdir(join(root, 'fresh', 'deep'), { recursive: true });
    await r.until((s) => s.has('fresh'));
  }));

test("an editor's atomic save (write a temp file, rename it over) marks the final name", () =>
  withWatcher(async (root, r) => {
    const target = join(root, 'docs', 'existing.txt');
    await writeFile(`${target}.tmp`, 'new content');
    await rename(`${target}.tmp`, target);
    await r.until((s) => s.has(join('docs', 'existing.txt')));
    assert.ok(![...r.seen].some((p) => p.endsWith('.tmp')), JSON.stringify(r.calls));
  }));

test('ignored paths stay quiet; the rules file is always reported', () =>
  withWatcher(async (root, r) => {
    await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true });
    await writeFile(join(root, 'node_modules', 'pkg', 'index.js'), 'x');
    await writeFile(join(root, '.DS_Store'), 'x');
    await writeFile(join(root, IGNORE_FILE), '*.log\n'); // ignored by default, yet it must be seen
    await r.until((s) => s.has(IGNORE_FILE));
    await writeFile(join(root, 'marker.txt'), 'x'); // sentinel: events before it have been delivered
    await r.until((s) => s.has('marker.txt'));
    assert.deepEqual([...r.seen].sort(), [IGNORE_FILE, 'marker.txt'].sort());
  }));

test('a burst of changes arrives as one coalesced call', () =>
  withWatcher(async (root, r) => {
    await mkdir(join(root, 'burst'));
    await Promise.all(Array.from({ length: 40 }, (_, i) => writeFile(join(root, 'burst', `f${i}.txt`), `${i}`)));
    const covered = (set: Set<string>, i: number): boolean => set.has('burst') || set.has(join('burst', `f${i}.txt`));
    await r.until((set) => Array.from({ length: 40 }, (_, i) => covered(set, i)).every(Boolean));
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.ok(r.calls.length <= 3, `${r.calls.length} calls: ${JSON.stringify(r.calls)}`);
    for (const call of r.calls) {
      assert.ok(!(call.includes('burst') && call.some((p) => p.startsWith(`burst${sep}`))), 'a folder covers its files');
    }
  }, 500)); // a long quiet time, so a busy test machine does not split the burst

test('folders are watched, not each file: one watch per folder however many files it holds', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-watch-'));
  const watchesBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'FSEventWrap').length;
  await mkdir(join(root, 'a', 'b'), { recursive: true });
  await Promise.all(Array.from({ length: 60 }, (_, i) => writeFile(join(root, i % 2 ? 'a' : join('a', 'b'), `f${i}.txt`), `${i}`)));
  const seen = new Set<string>();
  const watcher = watchFolder(root, { ignore: rules, debounceMs: 50, onDirty: (paths) => paths.forEach((p) => seen.add(p)), onError: () => {} });
  try {
    await watcher.ready;
    const watches = process.getActiveResourcesInfo().filter((kind) => kind === 'FSEventWrap').length - watchesBefore;
    assert.equal(watches, 3, 'the root, a and a/b');
    await writeFile(join(root, 'a', 'b', 'f0.txt'), 'changed'); // a change to a file nothing watches by itself
    const deadline = Date.now() + 10_000;
    while (!seen.has(join('a', 'b', 'f0.txt')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(seen.has(join('a', 'b', 'f0.txt')), JSON.stringify([...seen]));
  } finally {
    await watcher.close();
    await rm(root, { recursive: true, force: true });
  }
});

/** Active handles and requests by kind. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

test('close() stops hints and leaves no handle or timer behind', async () => {
  const before = resources();
  const root = await mkdtemp(join(tmpdir(), 'cos-sync-watch-'));
  await mkdir(join(root, 'a', 'b'), { recursive: true });
  const calls: string[][] = [];
  const watcher = watchFolder(root, { ignore: rules, debounceMs: 50, onDirty: (p) => calls.push(p), onError: () => {} });
  await watcher.ready;
  assert.ok(process.getActiveResourcesInfo().includes('FSEventWrap'), 'it really watches');
  await writeFile(join(root, 'a', 'late.txt'), 'x'); // a hint may be pending at close
  await new Promise((resolve) => setTimeout(resolve, 20));
  await watcher.close();
  await watcher.close(); // twice is harmless
  const afterClose = calls.length;
  await writeFile(join(root, 'a', 'after.txt'), 'x');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(calls.length, afterClose, 'no hint after close');
  await rm(root, { recursive: true, force: true });
  await new Promise((resolve) => setImmediate(resolve));
  // Nothing more of any kind than before (an earlier test's file request may have finished meanwhile).
  for (const [kind, count] of resources()) assert.ok(count <= (before.get(kind) ?? 0), `${kind}: ${count} left`);
  assert.equal(resources().get('FSEventWrap'), undefined);
});

/** A FolderWatcher over a fake source, with mocked timers and clock. */
function fakeWatcher(options: { maxPaths?: number; onDirty?: (paths: string[]) => void } = {}) {
  const source = Object.assign(new EventEmitter(), { close: async () => {} }) as EventEmitter & WatchSource;
  const calls: string[][] = [];
  const errors: AppError[] = [];
  const watcher = new FolderWatcher('/root', source, {
    ignore: rules,
    debounceMs: 300,
    maxDelayMs: 1_000,
    ...(options.maxPaths ? { maxPaths: options.maxPaths } : {}),
    onDirty: options.onDirty ?? ((paths) => calls.push(paths)),
    onError: (error) => errors.push(error),
  });
  const emit = (event: string, rel: string): boolean => source.emit('all', event, rel === '' ? '/root' : `/root/${rel}`);
  return { source, watcher, calls, errors, emit };
}

test('debounce: quiet time ends a burst; a steady stream still flushes by maxDelayMs', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    const { calls, emit } = fakeWatcher();
    emit('add', 'a.txt');
    mock.timers.tick(200);
    emit('change', 'a.txt');
    emit('add', 'b.txt');
    mock.timers.tick(299);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, [['a.txt', 'b.txt']]);
    for (let t = 0; t < 12; t++) {
      emit('change', 'log.txt');
      mock.timers.tick(100);
    }
    assert.deepEqual(calls.slice(1), [['log.txt']], 'flushed at 1 s although changes kept coming');
  } finally {
    mock.timers.reset();
  }
});

test('coalescing: folders cover their contents, too many paths become one full scan, the rules file survives', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    const { calls, emit } = fakeWatcher({ maxPaths: 3 });
    emit('addDir', 'photos');
    emit('add', 'photos/1.jpg');
    emit('add', 'notes.txt');
    emit('add', 'node_modules/x/index.js'); // ignored, even if chokidar reports it
    mock.timers.tick(300);
    assert.deepEqual(calls, [['notes.txt', 'photos']]);
    for (const name of ['a', 'b', 'c', 'd', IGNORE_FILE]) emit('add', name);
    mock.timers.tick(300);
    assert.deepEqual(calls[1], ['', IGNORE_FILE]);
    emit('unlinkDir', '');
    mock.timers.tick(300);
    assert.deepEqual(calls[2], ['']);
  } finally {
    mock.timers.reset();
  }
});

test('ENOSPC is reported once, with the fix, and marks the watch degraded', () => {
  const { source, watcher, errors } = fakeWatcher();
  const enospc = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
  source.emit('error', enospc);
  source.emit('error', enospc);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'watch-limit');
  assert.equal(watcher.degraded, true);
  assert.match(errors[0]!.hint ?? '', /sysctl fs\.inotify\.max_user_watches=524288/);
  assert.match(errors[0]!.message, /full scans/);
  source.emit('error', Object.assign(new Error('EIO'), { code: 'EIO' }));
  assert.equal(errors.length, 2);
  assert.match(errors[1]!.detail ?? '', /EIO/);
});

test('a throwing onDirty is reported, not thrown from the timer; nothing fires after close', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    const { emit, errors, watcher } = fakeWatcher({ onDirty: () => { throw new Error('listener bug'); } });
    emit('add', 'x');
    mock.timers.tick(300);
    assert.match(errors[0]?.detail ?? '', /listener bug/);
    emit('add', 'y');
    await watcher.close();
    mock.timers.tick(1_000);
    assert.equal(errors.length, 1);
  } finally {
    mock.timers.reset();
  }
});
