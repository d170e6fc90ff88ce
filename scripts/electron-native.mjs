// Builds better-sqlite3's addon for the installed Electron's ABI into .electron-native/, leaving
// node_modules built for plain Node (the CLI and the tests). keytar uses N-API, so one build serves both.
// Prints the addon's path. Tries a prebuilt binary first, then compiles with node-gyp.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const root = path.resolve('.electron-native', `electron-${electronVersion}-${process.platform}-${process.arch}`);
const addon = path.join(root, 'better_sqlite3.node');

function build() {
  const work = path.join(root, 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  cpSync(path.dirname(require.resolve('better-sqlite3/package.json')), work, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) });
  const bin = (name) => path.resolve('node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, stdio: 'inherit', shell: process.platform === 'win32' });
  try {
    run(bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch]);
  } catch {
    console.error('No prebuilt better-sqlite3 for this Electron; compiling it (needs a C++ toolchain).');
    run(bin('node-gyp'), ['rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers']);
  }
  cpSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), addon);
  rmSync(work, { recursive: true, force: true });
}

if (!existsSync(addon)) {
  mkdirSync(root, { recursive: true });
  build();
}
process.stdout.write(addon);
