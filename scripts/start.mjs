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
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
