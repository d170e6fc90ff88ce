// `npm run dist`: the installers (electron-builder.yml). Checks first, offline, what packaging needs and stops
// with what to do when something is missing: a valid configuration, the icons, and the Electron binary.
// electron-builder then rebuilds the native modules (keytar, better-sqlite3) for Electron's ABI inside
// node_modules; their plain-Node builds are saved before and put back after, so the CLI and the tests keep
// working whatever the packaging's outcome.
//
//   npm run dist                      installers for this system
//   npm run dist -- --linux --win     arguments go on to electron-builder
//   node scripts/dist.mjs --check     only the checks
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = 'electron-builder.yml';
const ICONS = ['assets/icon.icns', 'assets/icon.ico', 'assets/icons/256x256.png', 'assets/icons/512x512.png', 'assets/tray/idle.png'];
/** Native addons built for Node in node_modules, which electron-builder's rebuild replaces. */
const NATIVE = ['better-sqlite3/build/Release/better_sqlite3.node', 'keytar/build/Release/keytar.node'];

function stop(problem, fix) {
  console.error(`npm run dist: ${problem}\nFix: ${fix}`);
  process.exit(1);
}

async function checkConfig() {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
  const { DebugLogger } = require('builder-util');
  try {
    const config = await getConfig(root, path.join(root, CONFIG), null);
    await validateConfiguration(config, new DebugLogger(false));
  } catch (error) {
    stop(`${CONFIG} is not a valid electron-builder configuration:\n${error instanceof Error ? error.message : error}`, `correct ${CONFIG}, then run npm run dist again.`);
  }
}

function checkIcons() {
  const missing = ICONS.filter((file) => !existsSync(path.join(root, file)));
  if (missing.length) stop(`icons are missing: ${missing.join(', ')}.`, 'run `node scripts/make-icons.mjs`, then npm run dist again.');
}

function checkElectron() {
  let binary;
  try {
    binary = require('electron'); // the binary's path, or a throw when npm did not download it
  } catch {
    binary = undefined;
  }
  if (!binary || !existsSync(binary)) {
    stop(
      'the Electron binary is not installed, so the app cannot be packaged here.\n' +
        'npm installs it unless ELECTRON_SKIP_BINARY_DOWNLOAD is set or the download failed; packaging also\n' +
        'downloads Electron for each target system and the headers to rebuild keytar and better-sqlite3.',
      'with network access run `node node_modules/electron/install.js`, then npm run dist again.',
    );
  }
}

function saveNativeBuilds() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cos-sync-native-'));
  const saved = NATIVE.filter((file) => existsSync(path.join(root, 'node_modules', file))).map((file, i) => {
    const copy = path.join(dir, `${i}.node`);
    copyFileSync(path.join(root, 'node_modules', file), copy);
    return { file, copy };
  });
  return () => {
    for (const { file, copy } of saved) copyFileSync(copy, path.join(root, 'node_modules', file));
    rmSync(dir, { recursive: true, force: true });
    if (saved.length) console.log(`Put back the Node builds of ${saved.map((s) => s.file.split('/')[0]).join(' and ')} (for the CLI and the tests).`);
  };
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

const args = process.argv.slice(2);
const checkOnly = args.includes('--check');
await checkConfig();
checkIcons();
checkElectron();
if (checkOnly) {
  console.log('npm run dist: the configuration, the icons and the Electron binary are in place.');
  process.exit(0);
}
const built = run(process.execPath, ['scripts/build.mjs']);
if (built !== 0) process.exit(built);
const restore = saveNativeBuilds();
let status;
try {
  status = run(process.execPath, [require.resolve('electron-builder/cli.js'), '--config', CONFIG, ...args]);
} finally {
  restore();
}
if (status === 0) console.log('Installers are in release/.');
process.exit(status);
