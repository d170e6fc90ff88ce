// The real app window through Playwright's Electron driver, where the Electron binary is installed: the
// bridge and none of Node, then Electron's security checklist in the running app (the same items are
// checked against the app's configuration in test/unit/app-security.test.ts), then Quit, which must stop
// the engine cleanly. Here (CI) the binary cannot be downloaded, so the test says why it skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { BRIDGE_KEYS } from '../../src/shared/ipc/contract.js';

function electronBinary(): { path?: string; why?: string } {
  try {
    const binary = createRequire(import.meta.url)('electron') as string;
    if (!existsSync(binary)) return { why: `the Electron binary is not at ${binary}; install it with \`node node_modules/electron/install.js\` to run this test` };
    return { path: binary };
  } catch {
    // Electron's package throws when npm did not download the binary (ELECTRON_SKIP_BINARY_DOWNLOAD, no network).
    return { why: 'the Electron binary is not installed; install it with `node node_modules/electron/install.js` (network needed) to run this test' };
  }
}

const binary = electronBinary();
if (binary.why) console.log(`# electron-app.test.ts skipped: ${binary.why}`);

type PageGlobals = typeof globalThis & Record<string, unknown>;

async function checkPage(page: Page): Promise<void> {
  assert.equal(await page.title(), 'COS Sync');
  assert.match(page.url(), /^app:\/\/cos-sync\/index\.html/, 'the page comes from the app:// scheme');
  const exposed = await page.evaluate(() => Object.keys((window as unknown as { cosSync: object }).cosSync).sort());
  assert.deepEqual(exposed, [...BRIDGE_KEYS].sort());
  // No Node, and nothing of Electron in the page's world (context isolation, sandbox).
  const leaked = await page.evaluate(() => ['require', 'process', 'module', 'Buffer', 'global', 'ipcRenderer', 'electron'].filter((name) => typeof (globalThis as PageGlobals)[name] !== 'undefined'));
  assert.deepEqual(leaked, []);
  // The Content-Security-Policy: no inline script, no eval, no network from the page.
  const csp = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.head.append(script);
    let evalRan: boolean;
    try {
      evalRan = (0, eval)('true') === true;
    } catch {
      evalRan = false;
    }
    const fetched = await fetch('https://example.com/').then(() => true, () => false);
    return { inline: (globalThis as PageGlobals).__inlineRan === true, evalRan, fetched };
  });
  assert.deepEqual(csp, { inline: false, evalRan: false, fetched: false });
  // No new windows, no <webview>, no permissions.
  assert.equal(await page.evaluate(() => window.open('https://example.com/') === null), true);
  assert.equal(await page.evaluate(() => typeof (document.createElement('webview') as unknown as { loadURL?: unknown }).loadURL), 'undefined');
  assert.equal(await page.evaluate(() => Notification.requestPermission()), 'denied');
}

async function checkNavigationBlocked(app: ElectronApplication, page: Page): Promise<void> {
  // The app's will-navigate handler is registered first, so a listener added now sees its decision.
  await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]!.webContents;
    (globalThis as PageGlobals).__navigation = new Promise<boolean>((resolve) => contents.once('will-navigate', (event) => resolve(event.defaultPrevented)));
  });
  await page.evaluate(() => {
    location.href = 'https://example.com/';
  });
  assert.equal(await app.evaluate(() => (globalThis as PageGlobals).__navigation as Promise<boolean>), true, 'navigation away was prevented');
  assert.equal(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length), 1, 'no other window opened');
  assert.match(page.url(), /^app:\/\/cos-sync\//);
}

test('the app window: the bridge, none of Node, the security checklist, and a clean quit', { skip: binary.why ?? false }, async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const sqliteBinding = execFileSync(process.execPath, ['scripts/electron-native.mjs'], { encoding: 'utf8' }).trim();
  const home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-electron-'));
  const env = { ...process.env, COS_SYNC_HOME: home, COS_SYNC_SQLITE_BINDING: sqliteBinding, XDG_CONFIG_HOME: path.join(home, 'xdg') };
  const app = await electron.launch({ executablePath: binary.path, args: ['.', '--no-sandbox'], env });
  let closed = false;
  try {
    const page = await app.firstWindow();
    await page.locator('#settings').waitFor();
    const info = await page.evaluate(() => (window as unknown as { cosSync: { appInfo(): Promise<unknown> } }).cosSync.appInfo());
    assert.equal((info as { ok: boolean }).ok, true);
    await page.screenshot({ path: path.resolve('test-output/screenshots/electron-window.png') });
    await checkPage(page);
    await checkNavigationBlocked(app, page);
    // Quit (Playwright calls app.quit()): the engine stops and SQLite closes, which removes its write-ahead log.
    await app.close();
    closed = true;
    const state = await readdir(path.join(home, 'state')).catch(() => [] as string[]);
    assert.ok(state.includes('state.db'), 'the engine had opened its state database');
    assert.deepEqual(state.filter((name) => name.endsWith('-wal')), [], 'the state database was closed cleanly');
  } finally {
    if (!closed) await app.close();
  }
});
