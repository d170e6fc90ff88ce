// `npm start`: builds the app and opens its window with the Electron binary that npm installed.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    return require('electron');
  } catch (err) {
    console.error(
      'The Electron binary is not installed, so the window cannot open.\n' +
        'It is downloaded by `npm install` unless ELECTRON_SKIP_BINARY_DOWNLOAD is set or the download failed.\n' +
        'Fix: run `node node_modules/electron/install.js` with network access, then `npm start` again.\n' +
        `(${err instanceof Error ? err.message : err})`,
    );
    process.exit(1);
  }
}

const binary = electronBinary();
const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
// better-sqlite3 in node_modules stays built for Node (CLI, tests); the app gets its own Electron build.
const native = spawnSync(process.execPath, ['scripts/electron-native.mjs'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (native.status !== 0) {
  console.error('Could not build the SQLite module for Electron (see above). Fix: install a C++ toolchain, then `npm start` again.');
  process.exit(native.status ?? 1);
}
const env = { ...process.env, COS_SYNC_SQLITE_BINDING: native.stdout.trim() };
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code) => process.exit(code ?? 0));
