// The simulation's world: a temp folder the "user" edits (files and folders, atomic saves, NFD names, ignored
// files, touches, unmounting the root) and "someone else" writing to the bucket, all driven by a seeded PRNG.
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ignoreRulesFromText, type IgnoreRules } from '../../src/main/engine/sync/ignore-rules.js';
import { isTrashKey, type MemoryBucket } from './memory-bucket.js';
import type { RemoteHooks } from './memory-remote.js';
import type { RemoteOp } from './sim-faults.js';
import { Rng } from './sim-random.js';

/** The engine's clock: fake, so back-off and trash dates follow the script, not the wall. */
export class SimClock {
  constructor(public ms: number) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

const NFD = (s: string) => s.normalize('NFD');
const DIRS = ['', '', 'docs/', 'docs/old/', 'photos/', NFD('Café/'), 'build/'];
const NAMES = ['a.txt', 'b.md', 'notes', NFD('résumé.txt'), 'Zoë.txt', 'x.bin', 'data.csv', 'photo.jpg'];
/** Ignored by the built-in rules, or by the rules the scenario writes into `.cossyncignore`. */
const IGNORED_NAMES = ['scratch.tmp', '.DS_Store', '~$draft.docx', 'run.log', 'backup~'];
/** Names that collide with NAMES (case, or the other Unicode form): both are refused while both exist. */
const COLLIDING_NAMES = ['A.txt', 'résumé.txt'];
const USER_RULES = ['build/', '*.log', 'photos/'];
const RESERVED = /(^|\/)\.cos-sync|(^|\/)\.cossyncignore$/;

type LocalAction = 'create' | 'modify' | 'delete' | 'rename' | 'atomicSave' | 'touch' | 'copy' | 'mkdirFiles' | 'deleteDir' | 'renameDir';
type OtherAction = 'otherPut' | 'otherOverwrite' | 'otherDelete';
const LOCAL_WEIGHTS: Record<LocalAction, number> = {
  create: 5, modify: 4, delete: 2, rename: 2, atomicSave: 2, touch: 1, copy: 1, mkdirFiles: 1, deleteDir: 0.6, renameDir: 0.8,
};
const OTHER_WEIGHTS: Record<OtherAction, number> = { otherPut: 2, otherOverwrite: 1, otherDelete: 1 };

export class SimWorld {
  readonly root: string;
  readonly away: string;
  readonly rng: Rng;
  mounted = true;
  /** Mid-pass edits (hooks) only while on; the final clean pass turns them off. */
  hooksOn = true;
  /** Set by the scenario while a runner runs: a stray call after a pass ended changes nothing. */
  active = false;
  #queue: Promise<unknown> = Promise.resolve();
  /** Paths changed since the last takeDirty(), relative to the root: what a watcher would report ('' = all). */
  readonly #dirty = new Set<string>();
  rules: IgnoreRules;
  #rulesText = '';
  #mtime: number;
  readonly actions = new Map<string, number>();
  /** Share of remote calls before which the world acts, and of uploads edited while read. */
  readonly midRate: number;

  constructor(
    readonly seed: number,
    readonly base: string,
    readonly clock: SimClock,
    readonly bucket: () => MemoryBucket,
  ) {
    this.root = path.join(base, 'root');
    this.away = path.join(base, 'away');
    this.rng = Rng.keyed(seed, 'world');
    this.#mtime = clock.ms - 86_400_000;
    this.rules = ignoreRulesFromText('');
    this.midRate = this.rng.pick([0, 0.02, 0.06, 0.12]);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    if (this.rng.chance(0.6)) await this.addIgnoreRule();
    const files = this.rng.range(2, 7);
    for (let i = 0; i < files; i++) await this.local('create', this.rng);
  }

  isIgnored = (key: string): boolean => this.rules.ignores(key, false);

  // ---- script steps

  async edits(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      if (this.rng.chance(0.2)) await this.other(this.rng.weighted(OTHER_WEIGHTS), this.rng);
      else await this.local(this.rng.weighted(LOCAL_WEIGHTS), this.rng);
    }
  }

  /** The user deletes most of the folder (a safety gate should hold the plan until approved). */
  async wipe(): Promise<void> {
    this.#count('wipe');
    for (const file of await this.files()) if (this.rng.chance(0.75)) await this.#try('wipe', () => this.#unlink(this.#abs(file)));
  }

  /** The user cleans up hidden files and removes the pair's marker (the folder is still the right one). */
  async deleteMarker(): Promise<void> {
    this.#count('deleteMarker');
    await this.#try('deleteMarker', () => this.#unlink(path.join(this.root, '.cos-sync-folder')));
  }

  /** Someone else empties the bucket (the trash stays). */
  wipeBucket(): void {
    const bucket = this.bucket();
    for (const key of [...bucket.objects.keys()]) if (!isTrashKey(key)) bucket.deleteByOther(key);
    this.#count('wipeBucket');
  }

  async addIgnoreRule(): Promise<void> {
    const rule = this.rng.pick(USER_RULES);
    if (this.#rulesText.split('\n').includes(rule)) return;
    this.#rulesText += `${rule}\n`;
    await writeFile(path.join(this.root, '.cossyncignore'), this.#rulesText);
    this.#dirty.add('.cossyncignore');
    this.rules = ignoreRulesFromText(this.#rulesText);
    this.#count('ignoreRule');
  }

  /** The drive goes away: the root is missing, or an empty mount point is left in its place. */
  async unmount(emptyMountPoint: boolean): Promise<void> {
    if (!this.mounted) return;
    this.mounted = false;
    await rename(this.root, this.away);
    if (emptyMountPoint) await mkdir(this.root);
    this.#dirty.add('');
    this.#count(emptyMountPoint ? 'unmount-empty' : 'unmount-missing');
  }

  async remount(): Promise<void> {
    if (this.mounted) return;
    await this.quiet();
    await rm(this.root, { recursive: true, force: true });
    await rename(this.away, this.root);
    this.mounted = true;
    this.#dirty.add('');
  }

  // ---- hooks: the world acting in the middle of a pass

  hooks(): RemoteHooks {
    return {
      beforeCall: async (op, key) => this.#beforeCall(op, key),
      midUpload: async (key, localPath) => this.#midUpload(key, localPath),
    };
  }

  /** One world action at a time: an unmount never lands in the middle of a write. */
  #serial(fn: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(() => (this.active && this.hooksOn ? fn() : undefined));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves once no world action started by a hook is still going on. */
  async quiet(): Promise<void> {
    await this.#queue;
  }

  async #beforeCall(op: RemoteOp, key: string): Promise<void> {
    if (!this.hooksOn || !this.active || this.midRate === 0) return;
    const rng = Rng.keyed(this.seed, 'before', this.clock.ms, op, key, this.#count(`call:${op}:${key}`));
    // Someone else writing the very key the engine is about to write or delete: its re-checks must catch it.
    if (op !== 'list' && op !== 'head' && rng.chance(this.midRate * 2)) return this.#serial(async () => this.#race(key, rng));
    if (!rng.chance(this.midRate)) return;
    const roll = rng.next();
    return this.#serial(async () => {
      if (roll < 0.35) await this.other(rng.weighted(OTHER_WEIGHTS), rng, rng.chance(0.7) ? key : undefined);
      else if (roll < 0.4) await this.unmount(rng.chance(0.5));
      else await this.local(rng.weighted(LOCAL_WEIGHTS), rng);
    });
  }

  async #midUpload(key: string, localPath: string): Promise<void> {
    if (!this.hooksOn || !this.active || this.midRate === 0) return;
    const rng = Rng.keyed(this.seed, 'mid', this.clock.ms, key, this.#count(`mid:${key}`));
    if (!rng.chance(this.midRate * 3)) return;
    return this.#serial(() => this.#editWhileRead(rng, localPath));
  }

  async #editWhileRead(rng: Rng, localPath: string): Promise<void> {
    if (!this.mounted) return;
    const how = rng.weighted({ rewrite: 3, touch: 1, delete: 1 });
    this.#count(`midUpload-${how}`);
    if (how === 'delete') return void (await this.#unlink(localPath).catch(() => undefined));
    const data = how === 'rewrite' ? rng.bytes(rng.range(0, 40)) : await readFile(localPath).catch(() => undefined);
    if (data) await this.#write(localPath, data).catch(() => undefined);
  }

  // ---- the user's actions on the folder

  async local(action: LocalAction, rng: Rng): Promise<void> {
    if (!this.mounted) return;
    this.#count(action);
    const files = await this.files();
    const file = files.length ? this.#abs(rng.pick(files)) : undefined;
    await this.#try(action, async () => {
      if (action === 'create' || action === 'mkdirFiles') return this.#create(rng, action === 'mkdirFiles' ? rng.range(2, 3) : 1);
      if (!file) return;
      if (action === 'modify') return this.#write(file, this.#content(rng, (await stat(file)).size));
      if (action === 'delete') return this.#unlink(file);
      if (action === 'touch') return this.#touch(file);
      if (action === 'rename' || action === 'copy') return this.#moveOrCopy(file, rng, action);
      if (action === 'atomicSave') return this.#atomicSave(file, rng);
      return this.#dirAction(action, rng);
    });
  }

  async #create(rng: Rng, count: number): Promise<void> {
    const dir = rng.pick(DIRS);
    for (let i = 0; i < count; i++) {
      const target = this.#abs(dir + this.#name(rng));
      if (await exists(target)) continue;
      await this.#write(target, rng.bytes(rng.range(0, 40)));
    }
  }

  /** The same size half the time, so only a content hash can tell the versions apart. */
  #content(rng: Rng, size: number): Buffer {
    return rng.bytes(rng.chance(0.5) ? size : rng.range(0, 40));
  }

  async #touch(file: string): Promise<void> {
    this.#changed(file);
    const t = this.#nextMtime() / 1000;
    await utimes(file, t, t);
  }

  async #moveOrCopy(file: string, rng: Rng, action: 'rename' | 'copy'): Promise<void> {
    const target = this.#abs(rng.pick(DIRS) + this.#name(rng));
    if (await exists(target)) return;
    await mkdir(path.dirname(target), { recursive: true });
    if (action === 'rename') return this.#rename(file, target);
    this.#changed(target);
    await copyFile(file, target);
    await this.#touch(target);
  }

  /** Editors write a temp file (ignored) and rename it over the original: a new inode, a new mtime. */
  async #atomicSave(file: string, rng: Rng): Promise<void> {
    const temp = `${file}.${rng.int(1000)}.tmp`;
    await this.#write(temp, this.#content(rng, (await stat(file)).size));
    await this.#rename(temp, file);
  }

  async #dirAction(action: 'deleteDir' | 'renameDir', rng: Rng): Promise<void> {
    const dir = rng.pick(DIRS.filter((d) => d !== ''));
    if (!(await exists(this.#abs(dir)))) return;
    if (action === 'deleteDir') {
      this.#changed(this.#abs(dir));
      return rm(this.#abs(dir), { recursive: true });
    }
    const target = this.#abs(rng.pick(DIRS.filter((d) => d !== '' && !d.startsWith(dir))));
    if (await exists(target)) return;
    await mkdir(path.dirname(target), { recursive: true });
    await this.#rename(this.#abs(dir), target);
  }

  #name(rng: Rng): string {
    const roll = rng.next();
    if (roll < 0.12) return rng.pick(IGNORED_NAMES);
    if (roll < 0.15) return rng.pick(COLLIDING_NAMES);
    return rng.pick(NAMES);
  }

  // ---- someone else's actions on the bucket

  async other(action: OtherAction, rng: Rng, near?: string): Promise<void> {
    this.#count(action);
    const bucket = this.bucket();
    const free = (key: string) => !isTrashKey(key) && !bucket.inCheckWindow(key);
    const live = [...bucket.objects.keys()].filter(free);
    if (near !== undefined && !free(near)) near = undefined;
    if (action === 'otherPut') {
      const files = await this.files();
      const rel = near && rng.chance(0.5) ? near : files.length && rng.chance(0.5) ? rng.pick(files) : rng.pick(DIRS) + rng.pick(NAMES);
      // Sometimes the very bytes the folder has (another machine uploaded the same file): adoptable.
      const same = rng.chance(0.4) ? await readFile(this.#abs(rel)).catch(() => undefined) : undefined;
      const data = same ?? rng.bytes(rng.range(0, 40));
      if (free(nfc(rel))) bucket.putByOther(nfc(rel), data, rng.chance(0.5));
      return;
    }
    const key = near && live.includes(near) && rng.chance(0.5) ? near : live.length ? rng.pick(live) : undefined;
    if (key === undefined) return;
    if (action === 'otherDelete') bucket.deleteByOther(key);
    else bucket.putByOther(key, rng.bytes(rng.range(0, 40)), rng.chance(0.5));
  }

  /** Not inside an engine's HEAD-then-DELETE window: that race no S3 client can close (see inCheckWindow). */
  #race(key: string, rng: Rng): void {
    const bucket = this.bucket();
    if (isTrashKey(key) || bucket.inCheckWindow(key)) return;
    this.#count('otherRace');
    if (bucket.objects.has(key) && rng.chance(0.3)) bucket.deleteByOther(key);
    else bucket.putByOther(key, rng.bytes(rng.range(0, 40)), rng.chance(0.5));
  }

  // ---- helpers

  /** What a watcher saw since the last call: paths relative to the root, '' for "rescan everything". */
  takeDirty(): string[] {
    const paths = [...this.#dirty];
    this.#dirty.clear();
    return paths;
  }

  #changed(abs: string): void {
    this.#dirty.add(path.relative(this.root, abs));
  }

  #unlink(abs: string): Promise<void> {
    this.#changed(abs);
    return unlink(abs);
  }

  #rename(from: string, to: string): Promise<void> {
    this.#changed(from);
    this.#changed(to);
    return rename(from, to);
  }

  /** Every file under the root (relative, `/`-separated, as on disk), except our own marker and rules. */
  async files(): Promise<string[]> {
    if (!this.mounted) return [];
    const out: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      const entries = await readdir(this.#abs(rel), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(child);
        else if (e.isFile() && !RESERVED.test(child)) out.push(child);
      }
    };
    await walk('');
    return out.sort();
  }

  #abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  async #write(file: string, data: Buffer): Promise<void> {
    this.#changed(file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
    const t = this.#nextMtime() / 1000;
    await utimes(file, t, t);
  }

  /** Every edit gets a later mtime (whole milliseconds), as a real clock would give; no PRNG draw, so hooks stay keyed. */
  #nextMtime(): number {
    this.#mtime = Math.max(this.#mtime + 1_001, this.clock.ms - 1_500);
    return this.#mtime;
  }

  async #try(action: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!['ENOENT', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENOTEMPTY'].includes(code)) throw err;
      this.#count(`${action}-skipped`);
    }
  }

  #count(what: string): number {
    const n = (this.actions.get(what) ?? 0) + 1;
    this.actions.set(what, n);
    return n;
  }
}

const nfc = (rel: string) => rel.normalize('NFC');

async function exists(p: string): Promise<boolean> {
  return Boolean(await stat(p).catch(() => undefined));
}
