// The window end to end: the built renderer in Chromium, window.cosSync wired to the real main-side handlers
// and sync events (only Electron's IPC is replaced), the real keychain, the real S3 server over HTTPS and a
// real folder. First-run setup, Test connection, buckets, a folder pair, progress, pause, a held plan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, mkdir, writeFile, rm, rename } from 'node:fs/promises';
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
import { adminClient, objectKeys, objectSize } from '../support/bucket-admin.js';

const env = testEnv().s3;
const BUCKET = `e2e-window-${Date.now()}`;
const PROFILE = 'e2e';
let browser: Browser;
let site: { url: string; close: () => Promise<void> };
let services: Services;
let monitor: SyncMonitor;
let folder: string;
let page: Page;
let bridge: Bridge;
const pageErrors: string[] = [];
const admin = () => adminClient(env);

before(async () => {
  site = await serveRenderer();
  const home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-home-'));
  folder = path.join(await mkdtemp(path.join(os.tmpdir(), 'cos-sync-folder-')), 'Photos');
  await mkdir(folder);
  services = await createServices({ paths: resolvePaths({ COS_SYNC_HOME: home }, 'linux', home), env: {}, network: { lookup: loopbackLookup }, sync: { stabilityMs: 300 } });
  monitor = new SyncMonitor(services.sync());
  browser = await launchChromium();
  await admin().createBucket(BUCKET);
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

async function openWindow(locale = 'en-US'): Promise<Page> {
  const handlers = { ...createApiHandlers(services, 'test', monitor), chooseFolder: async () => ok({ path: folder }) };
  const opened = await openAppPage(browser, site.url, handlers, { locale, errors: pageErrors, subscribe: (listener) => monitor.onEvent(listener) });
  bridge = opened.bridge;
  return opened.page;
}

const everyLook = (name: string) => everyLookOf(page, name);

const card = () => page.locator('li.pair').first();
const activity = (kind: string, key: string) => page.locator(`#activity-list li[data-kind="${kind}"][data-key="${key}"]`);

async function fillConnection(secret: string): Promise<void> {
  await page.fill('#name', PROFILE);
  await page.selectOption('#provider', 's3');
  await page.fill('#endpoint', env.httpsEndpoint);
  await page.locator('#endpoint').dispatchEvent('change');
  await page.fill('#accessKeyId', env.users.main.accessKeyId);
  await page.fill('#secret', secret);
  await page.fill('#bucket', BUCKET);
  await page.click('#advanced summary');
  await page.fill('#caFile', env.caCertFile);
}

test('the OS locale picks the language: a Chinese system opens the setup in Simplified Chinese', async () => {
  const zh = await openWindow('zh-CN');
  assert.equal(await zh.textContent('#screen-title'), '连接到您的存储');
  assert.equal(await zh.getAttribute('html', 'lang'), 'zh-CN');
  bridge.stop();
  await zh.close();
});

test('first-run setup asks in the guide’s words and order, understands a pasted bucket URL and checks bucket names', async () => {
  page = await openWindow();
  assert.equal(await page.textContent('#screen-title'), 'Connect to your storage');
  const labels = await page.locator('#settings > .field > label').allTextContents();
  assert.deepEqual(labels, ['Profile name', 'Provider', 'Service endpoint', 'Access key (SecretId)', 'Secret key (SecretKey)', 'Region', 'Bucket']);
  assert.equal(await page.locator('#provider option').first().textContent(), 'Tencent Cloud COS');
  await page.selectOption('#cosRegion', 'ap-shanghai');
  assert.equal(await page.inputValue('#endpoint'), 'cos.ap-shanghai.myqcloud.com');
  await page.fill('#endpoint', 'https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/photos/a.jpg');
  await page.locator('#endpoint').dispatchEvent('change');
  assert.equal(await page.inputValue('#endpoint'), 'cos.ap-guangzhou.myqcloud.com');
  assert.equal(await page.inputValue('#bucket'), 'examplebucket-1250000000');
  assert.match((await page.textContent('#regionMode-hint')) ?? '', /Auto: ap-guangzhou, read from the endpoint/);
  await page.fill('#bucket', 'examplebucket');
  assert.match((await page.textContent('#bucket-error')) ?? '', /APPID/);
  await page.fill('#bucket', '');
  await page.fill('#endpoint', '');
  await everyLook('01-first-run');
});

test('Test connection with a wrong secret says the secret key does not match, and what to do', async () => {
  await fillConnection('not-the-secret');
  await page.click('#test');
  const keys = page.locator('#checks li[data-check="keys"]');
  await keys.waitFor();
  assert.equal(await keys.getAttribute('class'), 'check fail');
  assert.match((await keys.textContent()) ?? '', /failed.*What to do: The secret key \(SecretKey\) does not match the access key\. Copy the SecretKey again/);
  await everyLook('02-wrong-secret');
});

test('Test connection passes every check against the real server over HTTPS', async () => {
  await page.fill('#secret', env.users.main.secretAccessKey);
  await page.click('#test');
  await page.locator('#setup-status', { hasText: 'All checks passed.' }).waitFor();
  assert.deepEqual(await page.locator('#checks li.fail').allTextContents(), []);
  for (const id of ['dns', 'tcp', 'tls', 'keys', 'bucket', 'write', 'read', 'delete', 'multipart']) {
    assert.equal(await page.locator(`#checks li[data-check="${id}"]`).getAttribute('class'), 'check pass', `${id} passes`);
  }
  await everyLook('03-test-passed');
});

test('the bucket is chosen from the buckets of this region, and Save keeps the secret in the keychain only', async () => {
  await page.fill('#bucket', '');
  await page.click('#list-buckets');
  await page.locator(`#bucketChoice option[value="${BUCKET}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#bucketChoice', BUCKET);
  assert.equal(await page.inputValue('#bucket'), BUCKET);
  await everyLook('04-bucket-chosen');
  await page.click('#save');
  await page.locator('#flash', { hasText: `Saved connection “${PROFILE}”.` }).waitFor();
  const file = await readFile(services.paths.settingsFile, 'utf8');
  assert.match(file, /"name": "e2e"/);
  assert.ok(!file.includes(env.users.main.secretAccessKey), 'the secret never reaches the settings file');
  assert.deepEqual(await services.keychain.get(PROFILE), { ok: true, value: env.users.main.secretAccessKey });
});

test('a folder is added with the system picker; the prefix defaults to its name and deletions go to the trash', async () => {
  await page.click('#choose-folder');
  assert.equal(await page.inputValue('#localPath'), folder);
  assert.equal(await page.inputValue('#prefix'), 'Photos');
  assert.equal(await page.inputValue('#pairBucket'), BUCKET);
  assert.equal(await page.inputValue('#deletePolicy'), 'trash');
  await page.click('#add-pair-submit');
  await card().locator('.state', { hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
  assert.match((await card().textContent()) ?? '', new RegExp(`${BUCKET}/Photos/`));
  await everyLook('05-folder-added');
});

test('a file dropped into the folder shows its progress and ends uploaded, in the bucket', async () => {
  const SIZE = 48 * 1024 * 1024;
  await page.evaluate(`window.__progressSeen = [];
    new MutationObserver(() => document.querySelectorAll('progress').forEach((p) => window.__progressSeen.push(p.value / p.max)))
      .observe(document.body, { subtree: true, childList: true, attributes: true });`);
  // The local server is fast: once the first part's progress has reached the window, later events are held
  // while this moment is shot and checked, then delivered in order.
  const midway = bridge.holdAfter((e) => e.type === 'progress' && e.key === 'big.bin' && e.sentBytes > 0 && e.sentBytes < e.totalBytes);
  const staging = path.join(path.dirname(folder), 'big.bin');
  await writeFile(staging, Buffer.alloc(SIZE, 7));
  await rename(staging, path.join(folder, 'big.bin'));
  await Promise.race([midway, new Promise((_, reject) => setTimeout(() => reject(new Error('no progress event for big.bin part-way through its upload within 60 s')), 60_000).unref())]);
  try {
    await page.locator('progress[data-key="big.bin"]').waitFor({ timeout: 30_000 });
    await everyLook('06-transfer-progress');
  } finally {
    bridge.release();
  }
  await activity('uploaded', 'big.bin').waitFor({ timeout: 60_000 });
  const seen = (await page.evaluate('window.__progressSeen')) as number[];
  assert.ok(seen.some((share) => share > 0 && share <= 1), `a progress bar showed the upload (${seen.length} updates)`);
  assert.equal(await objectSize(admin(), BUCKET, 'Photos/big.bin'), SIZE);
  await card().locator('.state', { hasText: 'Up to date' }).waitFor();
});

test('pause holds new files back; resume uploads them', async () => {
  await card().locator('button.pause').click();
  await card().locator('.state', { hasText: 'Paused' }).waitFor();
  assert.equal(await card().locator('button.pause').textContent(), 'Resume');
  await writeFile(path.join(folder, 'note.txt'), 'written while paused\n');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  assert.equal(await objectSize(admin(), BUCKET, 'Photos/note.txt'), undefined, 'nothing is uploaded while paused');
  await everyLook('07-paused');
  await card().locator('button.pause').click();
  await activity('uploaded', 'note.txt').waitFor({ timeout: 30_000 });
  assert.equal(await objectSize(admin(), BUCKET, 'Photos/note.txt'), 'written while paused\n'.length);
});

test('emptying the folder raises a gate with the held plan, Apply and Keep, and deletes nothing', async () => {
  await rm(path.join(folder, 'big.bin'));
  await rm(path.join(folder, 'note.txt'));
  const gate = card().locator('.gate-box');
  await gate.waitFor({ timeout: 30_000 });
  assert.equal(await card().getAttribute('data-state'), 'waiting-for-user');
  assert.equal(await gate.locator('.gate[data-gate="root-empty"]').count(), 1);
  assert.equal(await gate.locator('ul.plan li').count(), 2);
  assert.ok(await gate.locator('button.apply').isVisible());
  await everyLook('08-gate');
  assert.deepEqual((await objectKeys(admin(), BUCKET, 'Photos/')).sort(), ['Photos/big.bin', 'Photos/note.txt']);
  await gate.locator('button.keep').click();
  await card().locator('.state', { hasText: 'Paused' }).waitFor();
  await page.locator('#folders-status', { hasText: 'nothing was deleted' }).waitFor();
  assert.deepEqual((await objectKeys(admin(), BUCKET, 'Photos/')).sort(), ['Photos/big.bin', 'Photos/note.txt']);
});

test('recent activity lists each item with its outcome and reason, and filters', async () => {
  await page.selectOption('#activity-filter', 'uploaded');
  assert.equal(await page.locator('#activity-list li').count(), 2);
  await page.fill('#activity-search', 'note');
  assert.equal(await page.locator('#activity-list li').count(), 1);
  assert.ok(((await page.locator('#activity-list li .reason').first().textContent()) ?? '').length > 0);
  await everyLook('09-activity-filtered');
  await page.selectOption('#activity-filter', '');
  await page.fill('#activity-search', '');
});

test('removing the folder pair deletes no file, locally or in the bucket', async () => {
  await card().locator('button.remove').click();
  await page.locator('.confirm button.danger').click();
  await page.locator('#pairs-empty').waitFor();
  assert.deepEqual((await objectKeys(admin(), BUCKET, 'Photos/')).sort(), ['Photos/big.bin', 'Photos/note.txt']);
  assert.ok((await readFile(path.join(folder, '.cos-sync-folder'), 'utf8')).length > 0, 'the folder is untouched');
});

test('connections are listed, edited with the secret kept, and removing one removes its secret from the keychain', async () => {
  await page.click('#nav-connections');
  await page.locator(`li[data-profile="${PROFILE}"]`).waitFor();
  await everyLook('10-connections');
  await page.locator(`li[data-profile="${PROFILE}"] button.edit`).click();
  assert.equal(await page.inputValue('#accessKeyId'), env.users.main.accessKeyId);
  assert.match((await page.textContent('#secret-hint')) ?? '', /stored in the system keychain/);
  await everyLook('11-edit-connection');
  await page.click('#cancel');
  await page.locator(`li[data-profile="${PROFILE}"] button.remove`).click();
  await page.locator('.confirm button.danger').click();
  await page.locator('#flash', { hasText: 'Removed connection' }).waitFor();
  assert.deepEqual(await services.keychain.get(PROFILE), { ok: true, value: undefined });
  assert.deepEqual(pageErrors, [], 'no script errors or CSP violations in the page');
});
