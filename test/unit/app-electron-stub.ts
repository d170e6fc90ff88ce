// Loads the app's Electron-facing modules with recorded stand-ins for Electron's objects: the module is
// bundled by esbuild as the app's build does, with `electron` resolved to the stand-in given, so a test
// exercises the app's real wiring (which options, which handlers, on which events) without the binary.
import { build, type Plugin } from 'esbuild';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const root = path.resolve(import.meta.dirname, '../..');
const STUB_KEY = '__cosSyncElectronStub';

const stubPlugin: Plugin = {
  name: 'electron-stub',
  setup(b) {
    b.onResolve({ filter: /^electron$/ }, () => ({ path: 'electron', namespace: 'electron-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'electron-stub' }, () => ({ contents: `module.exports = globalThis.${STUB_KEY};`, loader: 'js' }));
  },
};

/** Imports a main-process module (src/main/...) with `electron` replaced by `electron`. */
export async function importWithElectron<T>(entry: string, electron: object): Promise<T> {
  const result = await build({ entryPoints: [path.join(root, entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, plugins: [stubPlugin], logLevel: 'silent' });
  const dir = await mkdtemp(path.join(tmpdir(), 'cos-sync-stubbed-'));
  const file = path.join(dir, 'module.mjs');
  try {
    await writeFile(file, result.outputFiles[0]!.contents);
    (globalThis as Record<string, unknown>)[STUB_KEY] = electron;
    return (await import(pathToFileURL(file).href)) as T;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the preload as the app builds it (one CommonJS file, electron left to the sandbox's require). */
export async function runPreload(electron: object): Promise<void> {
  const result = await build({ entryPoints: [path.join(root, 'src/preload/index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'], write: false, logLevel: 'silent' });
  const required: string[] = [];
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`the preload required ${name}, which a sandboxed preload cannot`);
  };
  vm.runInNewContext(result.outputFiles[0]!.text, { require: sandboxRequire, module, exports: module.exports });
}

/** A stand-in webContents: an event emitter that records what the app registers on it. */
export class RecordedContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  loaded: string[] = [];
  sent: [string, unknown][] = [];
  constructor(private url = '') {
    super();
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.url = url;
    return Promise.resolve();
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
}
