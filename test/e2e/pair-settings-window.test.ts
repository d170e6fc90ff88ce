// A folder pair's settings, Keep on a held plan, engine messages in Simplified Chinese, and the recent activity
// after a restart, end to end: the built renderer in Chromium with window.cosSync wired to the real main-side
// handlers (only Electron's IPC is replaced), the real S3 server over HTTPS, the real keychain and a real folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ok } from '../../src/shared/result.js';
import { createServices, type Services } from '../../src/main/engine/services.js';
import { createApiHandlers } from '../../src/main/engine/api-handlers.js';
import { SyncMonitor } from '../../src/main/engine/sync-monitor.js';
import { resolvePaths } from '../../src/main/engine/config/paths.js';
import { launchChromium, openAppPage, serveRenderer, type Bridge } from '../support/browser.js';
import { loopbackLookup, testEnv } from '../support/env.js';
import { everyLook as everyLookOf } from '../support/a11y.js';
import { adminClient, objectKeys } from '../support/bucket-admin.js';

const env = testEnv().s3;
const BUCKET = `e2e-settings-${Date.now()}`;
const PROFILE = 'lab';
const COUNT = 60;
const names = Array.from({ length: COUNT }, (_, i) => `photo-${String(i).padStart(2, '0')}.jpg`);
let browser: Browser;
let site: { url: string; close: () => Promise<void> };
let services: Services;
let monitor: SyncMonitor;
let home: string;
let folder: string;
let page: Page;
let bridge: Bridge;
const pageErrors: string[] = [];
const admin = () => adminClient(env);
const openServices = () => createServices({ paths: resolvePaths({ COS_SYNC_HOME: home }, 'linux', home), env: {}, network: { lookup: loopbackLookup }, sync: { stabilityMs: 300 } });

before(async () => {
  site = await serveRenderer();
  home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-home-'));
  folder = path.join(await mkdtemp(path.join(os.tmpdir(), 'cos-sync-folder-')), 'Album');
  await mkdirWith(folder, names);
  services = await openServices();
  monitor = new SyncMonitor(services.sync());
  browser = await launchChromium();
  await admin().createBucket(BUCKET);
  const profile = { name: PROFILE, provider: 'minio' as const, endpoint: env.httpsEndpoint, addressing: 'path' as const, accessKeyId: env.users.main.accessKeyId, caFile: env.caCertFile, bucket: BUCKET };
  const saved = await services.connections.saveProfile({ profile, secretAccessKey: env.users.main.secretAccessKey });
  assert.ok(saved.ok, saved.ok ? '' : saved.error.message);
});

after(async () => {
  bridge?.stop();
  await page?.close();
  monitor?.dispose();
  await services?.close();
  await browser?.close();
  await site?.close();
  await services?.keychain.delete(PROFILE);
});

async function mkdirWith(dir: string, files: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of files) await writeFile(path.join(dir, name), `bytes of ${name}\n`);
}

async function openWindow(locale = 'en-US'): Promise<Page> {
  const handlers = { ...createApiHandlers(services, 'test', monitor), chooseFolder: async () => ok({ path: folder }) };
  const opened = await openAppPage(browser, site.url, handlers, { locale, height: 900, errors: pageErrors, subscribe: (listener) => monitor.onEvent(listener) });
  bridge = opened.bridge;
  return opened.page;
}

const everyLook = (name: string) => everyLookOf(page, name);

const card = () => page.locator('li.pair').first();
const pairId = () => services.settings.get().pairs[0]!.id;

test('Test connection with a wrong secret explains it in Simplified Chinese when that language is chosen', async () => {
  page = await openWindow('zh-CN');
  await page.click('#nav-connections');
  await page.locator(`li[data-profile="${PROFILE}"] button.edit`).click();
  await page.fill('#secret', 'not-the-secret');
  await page.click('#test');
  const keys = page.locator('#checks li[data-check="keys"]');
  await keys.waitFor();
  const text = (await keys.textContent()) ?? '';
  assert.match(text, /密钥被接受/, 'the check title is translated');
  assert.match(text, /密钥（SecretKey）与访问密钥（SecretId）不匹配。请重新复制 SecretKey/, 'the error and its fix are in Chinese');
  assert.doesNotMatch(text, /does not match/);
  await everyLook('12-wrong-secret-explained');
  await page.selectOption('#language', 'en');
  assert.match((await keys.textContent()) ?? '', /Keys accepted.*The secret key \(SecretKey\) does not match the access key/, 'switching back re-renders in English');
  await page.click('#cancel');
});

test('a folder is added; its settings show the policy, limits and ignore rules, and bad values are refused next to the field', async () => {
  await page.click('#nav-folders');
  await page.click('#choose-folder');
  await page.click('#add-pair-submit');
  // "Up to date" shows before the first pass starts too: wait for the pass's uploads themselves.
  await page.waitForFunction((count) => document.querySelectorAll('#activity-list li[data-kind="uploaded"]').length === count, COUNT, { timeout: 60_000 });
  await card().locator('.state', { hasText: 'Up to date' }).waitFor({ timeout: 60_000 });
  assert.equal((await objectKeys(admin(), BUCKET, 'Album/')).length, COUNT);
  await card().locator('button.settings').click();
  const form = card().locator('form.pair-edit');
  await form.waitFor();
  assert.equal(await form.locator('select').inputValue(), 'trash');
  assert.equal(await form.locator('input[id$="-bwlimit"]').inputValue(), '0');
  assert.equal(await form.locator('input[id$="-transfers"]').inputValue(), '8');
  assert.equal(await form.locator('input[id$="-target"]').getAttribute('readonly'), 'readonly', 'the bucket and prefix are shown, not editable');
  await form.locator('textarea').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !(document.querySelector('form.pair-edit textarea') as HTMLTextAreaElement).disabled);

  await form.locator('input[id$="-bwlimit"]').fill('fast');
  await form.locator('input[id$="-transfers"]').fill('100');
  await form.locator('button[type="submit"]').click();
  const bwError = form.locator('[id$="-bwlimit-error"]');
  assert.equal(await bwError.textContent(), '“fast” is not a bandwidth limit: use bytes per second with K, M or G, e.g. 10M; 0 for no limit.');
  assert.equal(await form.locator('input[id$="-bwlimit"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.locator('[id$="-transfers-error"]').textContent(), 'Enter a whole number from 1 to 64.');
  await page.selectOption('#language', 'zh-CN');
  assert.match((await bwError.textContent()) ?? '', /^“fast”不是有效的带宽限制/, 'the field error follows the language');
  await page.selectOption('#language', 'en');

  await form.locator('input[id$="-bwlimit"]').fill('5M');
  await form.locator('input[id$="-transfers"]').fill('2');
  await form.locator('textarea').fill('# keep drafts out\n*\n');
  await form.locator('button[type="submit"]').click();
  const rulesError = form.locator('[id$="-ignoreRules-error"]');
  await rulesError.filter({ hasText: 'ignores every file' }).waitFor();
  assert.match((await rulesError.textContent()) ?? '', /^Line 2 \(“\*”\) ignores every file, so nothing would be synced\. Name the files/);
  assert.equal(await form.locator('textarea').getAttribute('aria-invalid'), 'true');
  await everyLook('13-pair-settings-refused');
  await page.selectOption('#language', 'zh-CN');
  assert.match((await rulesError.textContent()) ?? '', /^第 2 行（“\*”）会忽略所有文件/);
  await page.selectOption('#language', 'en');
});

test('saved settings apply: delete policy, bandwidth, files at once, and the folder’s .cossyncignore', async () => {
  const form = card().locator('form.pair-edit');
  await form.locator('select').selectOption('keep');
  await form.locator('textarea').fill('# keep drafts out\n*.draft\n');
  await form.locator('button[type="submit"]').click();
  await page.locator('#folders-status', { hasText: `Saved the settings of ${folder}.` }).waitFor();
  assert.equal(await card().locator('form.pair-edit').count(), 0, 'the form closes');
  const pair = services.settings.get().pairs[0]!;
  assert.deepEqual([pair.deletePolicy, pair.bandwidthLimit, pair.fileConcurrency], ['keep', 5 * 1024 * 1024, 2]);
  assert.equal(await readFile(path.join(folder, '.cossyncignore'), 'utf8'), '# keep drafts out\n*.draft\n');
  await card().locator('.limits', { hasText: 'Upload limit: 5 MB/s; 2 file(s) at once' }).waitFor();
  await card().locator('.policy', { hasText: 'Keep it in the bucket' }).waitFor();
  await card().locator('.state', { hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
  await everyLook('14-pair-settings-saved');
  // Back to the trash policy for the next test: a mass delete is what the gate holds.
  await card().locator('button.settings').click();
  await card().locator('form.pair-edit select').selectOption('trash');
  await card().locator('form.pair-edit button[type="submit"]').click();
  await page.locator('#folders-status', { hasText: 'Saved the settings' }).waitFor();
  await card().locator('.policy', { hasText: 'trash' }).waitFor();
  await card().locator('.state', { hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
});

test('Keep on a held mass delete deletes nothing, and the folder goes on syncing without asking again', async () => {
  // Paused while the files go, so one pass sees all 55 removals at once (a watcher pass part-way through the
  // deletions would see fewer, under the limit, and move them to the trash as it should).
  await card().locator('button.pause').click();
  await card().locator('.state', { hasText: 'Paused' }).waitFor();
  for (const name of names.slice(0, 55)) await rm(path.join(folder, name));
  await card().locator('button.pause').click();
  const gate = card().locator('.gate-box');
  await gate.waitFor({ timeout: 60_000 });
  assert.equal(await gate.locator('.gate[data-gate="too-many-deletes"]').count(), 1);
  assert.match((await gate.locator('.gate-message').textContent()) ?? '', /This sync would remove 55 files from the bucket \(to the bucket's trash\)/);
  await page.selectOption('#language', 'zh-CN');
  assert.match((await gate.locator('.gate-message').textContent()) ?? '', /^此次同步将从存储桶中移除55 个文件（移到存储桶的回收站）/, 'the gate speaks Chinese');
  assert.match((await gate.locator('ul.plan li').first().textContent()) ?? '', /移到存储桶回收站.*已从文件夹中删除（删除策略“回收站”）/);
  await page.selectOption('#language', 'en');
  await everyLook('15-gate-mass-delete');
  await gate.locator('button.keep').click();
  await page.locator('#folders-status', { hasText: `Kept: nothing was deleted, and ${folder} goes on syncing everything else.` }).waitFor();
  await card().locator('.state', { hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
  await card().locator('.notice-box', { hasText: '55 files stay in the bucket and are no longer synced' }).waitFor();
  const keys = await objectKeys(admin(), BUCKET, 'Album/');
  assert.equal(keys.filter((k) => !k.includes('.cos-sync-trash/')).length, COUNT, 'every object is still in the bucket');
  assert.deepEqual(keys.filter((k) => k.includes('.cos-sync-trash/')), [], 'and none was moved to the trash');
  assert.equal(services.sync().counts(pairId()).synced, COUNT - 55);
  assert.equal(await card().locator('.gate-box').count(), 0);
  await page.selectOption('#activity-filter', 'forgotten');
  assert.equal(await page.locator('#activity-list li').count(), 55);
  await everyLook('16-kept');
  await page.selectOption('#language', 'zh-CN');
  assert.match((await page.locator('#activity-list li .reason').first().textContent()) ?? '', /因您对暂缓的计划选择了“保留”而保留在存储桶中/);
  await page.selectOption('#language', 'en');
});

test('after a restart the window shows the recent activity from the state database, and filters and search still work', async () => {
  bridge.stop();
  await page.close();
  monitor.dispose();
  await services.close();
  services = await openServices();
  monitor = new SyncMonitor(services.sync());
  page = await openWindow();
  await page.locator('#activity-list li[data-kind="uploaded"]').first().waitFor();
  assert.equal(await page.locator('#activity-list li[data-kind="uploaded"]').count(), COUNT, 'the first sync\'s uploads are listed again');
  await page.selectOption('#activity-filter', 'forgotten');
  await page.fill('#activity-search', 'photo-07');
  assert.deepEqual(await page.locator('#activity-list li').evaluateAll((items) => items.map((li) => li.getAttribute('data-key'))), ['photo-07.jpg']);
  assert.match((await page.locator('#activity-list li .reason').textContent()) ?? '', /Kept in the bucket because you chose Keep/);
  await everyLook('17-activity-after-restart');
  assert.deepEqual(pageErrors, [], 'no script errors or CSP violations in the page');
});
