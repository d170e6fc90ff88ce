// The real app window through Playwright's Electron driver, where the Electron binary is installed.
// Here (CI) it cannot be downloaded, so the test says why it skips instead of passing quietly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { BRIDGE_KEYS } from '../../src/shared/ipc/contract.js';

function electronBinary(): { path?: string; why?: string } {
  try {
    return { path: createRequire(import.meta.url)('electron') as string };
  } catch (err) {
    return { why: `the Electron binary is not installed (${(err as Error).message.split('\n')[0]}); install it with \`node node_modules/electron/install.js\` to run this test` };
  }
}

const binary = electronBinary();
if (binary.why) console.log(`# electron-app.test.ts skipped: ${binary.why}`);

test('the app opens its window with the bridge and none of Node', { skip: binary.why ?? false }, async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const sqliteBinding = execFileSync(process.execPath, ['scripts/electron-native.mjs'], { encoding: 'utf8' }).trim();
  const home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-electron-'));
  const env = { ...process.env, COS_SYNC_HOME: home, COS_SYNC_SQLITE_BINDING: sqliteBinding };
  const app = await electron.launch({ executablePath: binary.path, args: ['.', '--no-sandbox'], env });
  try {
    const page = await app.firstWindow();
    await page.locator('#settings').waitFor();
    assert.equal(await page.title(), 'COS Sync');
    const exposed = await page.evaluate(() => Object.keys((window as unknown as { cosSync: object }).cosSync).sort());
    assert.deepEqual(exposed, [...BRIDGE_KEYS].sort());
    assert.equal(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
    assert.equal(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process), 'undefined');
    const info = await page.evaluate(() => (window as unknown as { cosSync: { appInfo(): Promise<unknown> } }).cosSync.appInfo());
    assert.equal((info as { ok: boolean }).ok, true);
    await page.screenshot({ path: path.resolve('test-output/screenshots/electron-window.png') });
  } finally {
    await app.close();
  }
});
