// Packaging: electron-builder.yml passes electron-builder's own validation and says what the installers
// need (targets per system, icons, native rebuild, fuses); `npm run dist` stops early, with the reason and
// the fix, where the Electron binary is absent. The icons are checked in app-icons.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');

interface BuilderConfig {
  appId: string;
  files: (string | { filter: string[] })[];
  asarUnpack: string[];
  npmRebuild: boolean;
  directories: { buildResources: string };
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  deb: { depends: string[] };
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, extra: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const builderUtil = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown; log: { stream: { write(text: string): boolean } } };
const { DebugLogger } = builderUtil;
// electron-builder logs to stdout in pieces, which would break into the test runner's own reports there.
builderUtil.log.stream = { write: () => true };

const load = (file = path.join(root, 'electron-builder.yml')) => getConfig(root, file, null);

describe('electron-builder.yml', () => {
  test('passes electron-builder’s validation, which refuses an unknown option', async () => {
    await validateConfiguration(await load(), new DebugLogger(false));
    const dir = await mkdtemp(path.join(tmpdir(), 'cos-sync-builder-'));
    try {
      const broken = path.join(dir, 'broken.yml');
      await writeFile(broken, (await readFile(path.join(root, 'electron-builder.yml'), 'utf8')).replace('runAsNode:', 'runAsNod:'));
      await assert.rejects(async () => validateConfiguration(await load(broken), new DebugLogger(false)), /electronFuses/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('AppImage and deb, NSIS, dmg, each with an icon file that exists', async () => {
    const config = await load();
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.deepEqual(config.win.target, ['nsis']);
    assert.deepEqual(config.mac.target, ['dmg']);
    assert.equal(config.win.icon, 'assets/icon.ico');
    assert.equal(config.mac.icon, 'assets/icon.icns');
    assert.equal(config.linux.icon, 'assets/icons');
    for (const icon of [config.win.icon, config.mac.icon, path.join(config.linux.icon, '512x512.png')]) assert.ok(existsSync(path.join(root, icon)), icon);
    assert.deepEqual(config.deb.depends, ['libsecret-1-0'], 'keytar needs libsecret on Linux');
  });

  test('the app id is the one the app gives Windows for its notifications', async () => {
    const main = await readFile(path.join(root, 'src/main/index.ts'), 'utf8');
    assert.match(main, new RegExp(`const APP_ID = '${(await load()).appId.replace(/\./g, '\\.')}';`));
    assert.match(main, /app\.setAppUserModelId\(APP_ID\)/);
  });

  test('native modules are rebuilt for Electron by electron-builder and kept outside the archive', async () => {
    const config = await load();
    assert.equal(config.npmRebuild, true);
    assert.deepEqual(config.asarUnpack, ['**/*.node']);
    const files = config.files.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter));
    assert.ok(files.includes('assets/tray/**'), 'the tray icons ship with the app');
    assert.ok(files.includes('dist/**'));
  });

  test('Electron fuses: no run-as-node, no NODE_OPTIONS, no inspector, asar only and checked, no file:// privileges', async () => {
    assert.deepEqual((await load()).electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});

describe('npm run dist', () => {
  test('without the Electron binary it stops before building, with the reason and the fix, and no stack trace', async () => {
    // Electron's package resolves its binary under ELECTRON_OVERRIDE_DIST_PATH: an empty folder has none.
    const empty = await mkdtemp(path.join(tmpdir(), 'cos-sync-no-electron-'));
    try {
      const run = spawnSync(process.execPath, ['scripts/dist.mjs'], { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty } });
      assert.equal(run.status, 1);
      assert.match(run.stderr, /the Electron binary is not installed, so the app cannot be packaged here/);
      assert.match(run.stderr, /Fix: with network access run `node node_modules\/electron\/install\.js`/);
      assert.doesNotMatch(`${run.stdout}${run.stderr}`, /^\s+at /m);
      assert.doesNotMatch(run.stdout, /building|packaging/i, 'nothing was built');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
