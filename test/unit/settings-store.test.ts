// The settings file: atomic private writes, one queue of changes, corrupt and newer files never overwritten,
// migration of older files, profile helpers, and no secret ever reaching the disk.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { writeFileAtomic } from '../../src/main/engine/config/atomic-file.js';
import { SettingsFile, type Settings } from '../../src/main/engine/config/settings-store.js';
import type { ConnectionProfileInput } from '../../src/shared/profile.js';

let dir: string;
let file: string;
const FIXED_NOW = new Date('2025-03-04T05:06:07.089Z');
const newStore = () => new SettingsFile({ file, now: () => FIXED_NOW });

const profile = (name: string, extra: Partial<ConnectionProfileInput> = {}): ConnectionProfileInput => ({
  name,
  provider: 'cos',
  endpoint: 'https://cos.ap-guangzhou.myqcloud.com',
  accessKeyId: 'AKIDEXAMPLE',
  ...extra,
});

const readJson = async (target = file) => JSON.parse(await readFile(target, 'utf8')) as Record<string, unknown>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cos-sync-settings-'));
  file = path.join(dir, 'home', 'settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeRaw(text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

describe('loading and saving', () => {
  test('a missing file loads as empty settings and is not created until something changes', async () => {
    const store = newStore();
    const loaded = await store.load();
    assert.deepEqual(loaded, { ok: true, value: { version: 1, profiles: [], pairs: [], preferences: {} } });
    await assert.rejects(stat(file), { code: 'ENOENT' });
  });

  test('a saved profile is read back by a fresh store, in the versioned format', async () => {
    const first = newStore();
    await first.load();
    const put = await first.putProfile(profile('work'));
    assert.equal(put.ok, true);
    const json = await readJson();
    assert.equal(json.version, 1);
    assert.deepEqual(json.pairs, []);
    assert.deepEqual(json.preferences, {});
    const second = newStore();
    const loaded = await second.load();
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.value.profiles.map((p) => p.name), ['work']);
    assert.equal(loaded.value.profiles[0]?.region, 'auto', 'schema defaults are filled in');
  });

  test('writes are atomic: no temp file is left beside the settings', async () => {
    const store = newStore();
    await store.load();
    for (let i = 0; i < 10; i++) await store.putProfile(profile(`p${i}`));
    assert.deepEqual(await readdir(path.dirname(file)), ['settings.json']);
  });

  test('a write that fails at the rename leaves the target as it was and no temp file', async () => {
    const target = path.join(dir, 'target');
    await mkdir(path.join(target, 'occupied'), { recursive: true });
    await assert.rejects(writeFileAtomic(target, 'new'));
    assert.deepEqual((await readdir(dir)).sort(), ['target']);
    assert.deepEqual(await readdir(target), ['occupied']);
  });

  test('the file is private (0600) and a folder it creates is 0700', async () => {
    const store = newStore();
    await store.load();
    await store.putProfile(profile('work'));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(path.dirname(file))).mode & 0o777, 0o700);
  });

  test('concurrent updates run one at a time, in call order, and none is lost', async () => {
    const store = newStore();
    await store.load();
    const order: number[] = [];
    const bump = (i: number) =>
      store.update((s) => {
        order.push(i);
        const count = typeof s.preferences.count === 'number' ? s.preferences.count : 0;
        return { ...s, preferences: { ...s.preferences, count: count + 1 } };
      });
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => bump(i)));
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual(order, Array.from({ length: 25 }, (_, i) => i));
    assert.deepEqual((await readJson()).preferences, { count: 25 });
    assert.deepEqual(await readdir(path.dirname(file)), ['settings.json']);
  });

  test('concurrent putProfile calls all land', async () => {
    const store = newStore();
    await store.load();
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => store.putProfile(profile(n))));
    assert.ok(results.every((r) => r.ok));
    const loaded = await newStore().load();
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.value.profiles.map((p) => p.name).sort(), ['a', 'b', 'c', 'd', 'e']);
  });

  test('a change that throws fails that update only; the queue goes on', async () => {
    const store = newStore();
    await store.load();
    const broken = store.update(() => {
      throw new Error('boom');
    });
    const next = store.putProfile(profile('after'));
    const failed = await broken;
    assert.equal(failed.ok, false);
    assert.equal(!failed.ok && failed.error.code, 'unknown');
    assert.equal((await next).ok, true);
  });

  test('an update that breaks the schema is refused and nothing is written', async () => {
    const store = newStore();
    await store.load();
    const result = await store.update((s) => ({ ...s, profiles: [{ name: '' } as never] }));
    assert.equal(!result.ok && result.error.code, 'invalid-argument');
    await assert.rejects(stat(file), { code: 'ENOENT' });
  });

  test('get() returns frozen settings, so a change cannot bypass the file', async () => {
    const store = newStore();
    await store.load();
    await store.putProfile(profile('work'));
    const settings = store.get();
    assert.throws(() => {
      (settings.profiles as unknown[]).push(profile('sneaky'));
    }, TypeError);
    assert.throws(() => {
      (settings.profiles[0] as { name: string }).name = 'renamed';
    }, TypeError);
  });

  test('a failed write reports settings-write-failed and keeps the settings in memory unchanged', async () => {
    await writeFile(path.join(dir, 'blocker'), 'a file, not a folder');
    const store = new SettingsFile({ file: path.join(dir, 'blocker', 'settings.json') });
    await store.load();
    const result = await store.putProfile(profile('work'));
    assert.equal(!result.ok && result.error.code, 'settings-write-failed');
    assert.deepEqual(store.listProfiles(), []);
  });

  test('a change made by another process (the CLI) is not lost by the next save', async () => {
    const app = newStore();
    await app.load();
    await app.putProfile(profile('from-app'));
    const cli = newStore();
    await cli.load();
    await cli.putProfile(profile('from-cli'));
    await app.update((s) => ({ ...s, preferences: { theme: 'dark' } }));
    const json = (await readJson()) as { profiles: { name: string }[]; preferences: unknown };
    assert.deepEqual(json.profiles.map((p) => p.name), ['from-app', 'from-cli']);
    assert.deepEqual(json.preferences, { theme: 'dark' });
  });
});

describe('files that cannot be used', () => {
  const asideFile = () => path.join(path.dirname(file), 'settings.corrupt-2025-03-04T05-06-07-089Z.json');

  test('bad JSON is kept aside, reported as settings-corrupt, and never overwritten', async () => {
    await writeRaw('{ "version": 1, "profiles": [');
    const store = newStore();
    const loaded = await store.load();
    assert.equal(loaded.ok, false);
    assert.ok(!loaded.ok);
    assert.equal(loaded.error.code, 'settings-corrupt');
    assert.match(loaded.error.message, /not valid JSON/);
    assert.ok(loaded.error.message.includes(asideFile()), 'the message says where the file was kept');
    assert.ok(loaded.error.detail?.includes(asideFile()));
    assert.equal(await readFile(asideFile(), 'utf8'), '{ "version": 1, "profiles": [');
    await assert.rejects(stat(file), { code: 'ENOENT' });
    assert.deepEqual(store.get().profiles, []);
    // The store goes on with empty settings; saving creates a new file and leaves the kept one alone.
    assert.equal((await store.putProfile(profile('fresh'))).ok, true);
    assert.equal(await readFile(asideFile(), 'utf8'), '{ "version": 1, "profiles": [');
  });

  test('a schema failure is kept aside too, with what was wrong', async () => {
    const original = JSON.stringify({ version: 1, profiles: [{ name: 'work', provider: 'cos', endpoint: 'x' }] });
    await writeRaw(original);
    const loaded = await newStore().load();
    assert.ok(!loaded.ok);
    assert.equal(loaded.error.code, 'settings-corrupt');
    assert.match(loaded.error.message, /not valid/);
    assert.match(loaded.error.detail ?? '', /profiles\.0\.accessKeyId/);
    assert.equal(await readFile(asideFile(), 'utf8'), original);
  });

  test('two profiles whose names differ only in case make the file invalid', async () => {
    const dupes = { version: 1, profiles: [profile('Work'), profile('work')] };
    await writeRaw(JSON.stringify(dupes));
    const loaded = await newStore().load();
    assert.ok(!loaded.ok);
    assert.equal(loaded.error.code, 'settings-corrupt');
    assert.match(loaded.error.detail ?? '', /Two profiles are named/);
  });

  test('a file that is not an object, or has a bad version, is corrupt', async () => {
    for (const text of ['[]', 'null', '"text"', '{"version":"1"}', '{"version":1.5}', '{"version":-1}']) {
      await writeRaw(text);
      const loaded = await new SettingsFile({ file }).load();
      assert.ok(!loaded.ok, text);
      assert.equal(loaded.error.code, 'settings-corrupt', text);
      await assert.rejects(stat(file), { code: 'ENOENT' }, text);
    }
    const kept = (await readdir(path.dirname(file))).filter((n) => n.startsWith('settings.corrupt-'));
    assert.equal(kept.length, 6, 'each bad file got its own name');
  });

  test('two files kept aside at the same moment get different names', async () => {
    await writeRaw('bad one');
    await newStore().load();
    await writeRaw('bad two');
    const second = await newStore().load();
    assert.ok(!second.ok);
    const kept = path.join(path.dirname(file), 'settings.corrupt-2025-03-04T05-06-07-089Z-1.json');
    assert.equal(await readFile(kept, 'utf8'), 'bad two');
    assert.equal(await readFile(asideFile(), 'utf8'), 'bad one');
  });

  test('a file corrupted while the app runs is kept aside and the settings in memory survive', async () => {
    const store = newStore();
    await store.load();
    await store.putProfile(profile('work'));
    await writeFile(file, 'garbage');
    const update = await store.putProfile(profile('second'));
    assert.ok(!update.ok);
    assert.equal(update.error.code, 'settings-corrupt');
    assert.equal(await readFile(asideFile(), 'utf8'), 'garbage');
    assert.deepEqual(store.listProfiles().map((p) => p.name), ['work']);
    assert.equal((await store.putProfile(profile('second'))).ok, true);
    assert.deepEqual(((await readJson()) as { profiles: { name: string }[] }).profiles.map((p) => p.name), ['work', 'second']);
  });

  test('a file from a newer version is refused and left exactly as it is', async () => {
    const future = JSON.stringify({ version: 2, profiles: [], somethingNew: true });
    await writeRaw(future);
    const store = newStore();
    const loaded = await store.load();
    assert.ok(!loaded.ok);
    assert.equal(loaded.error.code, 'unsupported');
    assert.match(loaded.error.message, /newer version of COS Sync/);
    assert.match(loaded.error.hint ?? '', /latest version/);
    const saved = await store.putProfile(profile('work'));
    assert.ok(!saved.ok, 'no save may overwrite a newer file');
    assert.equal(saved.error.code, 'unsupported');
    assert.equal(await readFile(file, 'utf8'), future);
    assert.deepEqual(await readdir(path.dirname(file)), ['settings.json']);
  });

  test('a settings path that cannot be read is reported and never written over', async () => {
    await mkdir(file, { recursive: true });
    const store = newStore();
    const loaded = await store.load();
    assert.ok(!loaded.ok);
    assert.equal(loaded.error.code, 'unknown');
    assert.match(loaded.error.message, /could not be opened/);
    assert.equal((await store.putProfile(profile('work'))).ok, false);
    assert.ok((await stat(file)).isDirectory());
  });
});

describe('migration', () => {
  test('an unversioned (version 0) file migrates to version 1, keeping a copy of the original', async () => {
    const v0 = JSON.stringify({ profiles: [profile('old')] });
    await writeRaw(v0);
    const store = newStore();
    const loaded = await store.load();
    assert.ok(loaded.ok);
    assert.equal(loaded.value.version, 1);
    assert.deepEqual(loaded.value.profiles.map((p) => p.name), ['old']);
    assert.deepEqual(loaded.value.pairs, []);
    assert.equal(await readFile(path.join(path.dirname(file), 'settings.v0.json'), 'utf8'), v0);
    await store.update((s) => s);
    const json = await readJson();
    assert.equal(json.version, 1);
    assert.deepEqual(await newStore().load(), loaded);
  });
});

describe('profiles', () => {
  let store: SettingsFile;
  beforeEach(async () => {
    store = newStore();
    await store.load();
  });

  test('names compare without regard to case', async () => {
    await store.putProfile(profile('Work'));
    const found = store.getProfile('WORK');
    assert.ok(found.ok);
    assert.equal(found.value.name, 'Work');
    const clash = await store.putProfile(profile('work'));
    assert.ok(!clash.ok);
    assert.equal(clash.error.code, 'profile-exists');
    assert.match(clash.error.message, /"work"/);
  });

  test('replace overwrites in place and may change the case of the name', async () => {
    await store.putProfile(profile('a'));
    await store.putProfile(profile('b'));
    await store.putProfile(profile('c'));
    const replaced = await store.putProfile(profile('B', { region: 'ap-shanghai' }), { replace: true });
    assert.ok(replaced.ok);
    assert.equal(replaced.value.region, 'ap-shanghai');
    assert.deepEqual(store.listProfiles().map((p) => p.name), ['a', 'B', 'c']);
  });

  test('replace also adds a profile that does not exist yet', async () => {
    const added = await store.putProfile(profile('new'), { replace: true });
    assert.ok(added.ok);
    assert.deepEqual(store.listProfiles().map((p) => p.name), ['new']);
  });

  test('getProfile and removeProfile report profile-not-found', async () => {
    const missing = store.getProfile('nope');
    assert.ok(!missing.ok);
    assert.equal(missing.error.code, 'profile-not-found');
    assert.ok(missing.error.hint);
    const removed = await store.removeProfile('nope');
    assert.ok(!removed.ok);
    assert.equal(removed.error.code, 'profile-not-found');
  });

  test('removeProfile removes (by any case) and returns the profile', async () => {
    await store.putProfile(profile('work'));
    await store.putProfile(profile('home'));
    const removed = await store.removeProfile('WORK');
    assert.ok(removed.ok);
    assert.equal(removed.value.name, 'work');
    const loaded = await newStore().load();
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.value.profiles.map((p) => p.name), ['home']);
  });

  test('an invalid profile is refused with invalid-profile and what is wrong', async () => {
    const result = await store.putProfile(profile('bad/name', { accessKeyId: '' }));
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'invalid-profile');
    assert.match(result.error.message, /Enter the access key/);
    await assert.rejects(stat(file), { code: 'ENOENT' });
  });

  test('a secret passed with a profile never reaches the file', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
    const withSecret = { ...profile('work'), secretAccessKey: secret, sessionToken: 'TOKEN-abc' };
    const put = await store.putProfile(withSecret);
    assert.ok(put.ok);
    assert.ok(!('secretAccessKey' in put.value));
    await store.update((s) => ({ ...s, secretAccessKey: secret }) as Settings);
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(secret), 'secret value in file');
    assert.ok(!text.includes('secretAccessKey'), 'secret key name in file');
    assert.ok(!text.includes('TOKEN-abc'), 'session token in file');
  });
});
