// The window's bucket trash and per-file actions end to end: the built renderer in Chromium, window.cosSync wired
// to the real main-side handlers (only Electron's IPC and desktop are replaced: the desktop by one that records),
// the real S3 server over HTTPS and a real folder. A file's download link is copied and fetched; a folder deleted
// for real goes to the bucket's trash, and the Trash view restores it to the bucket and the folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
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
import { RecordingDesktop } from '../support/desktop.js';
import type { SyncEventView } from '../../src/shared/ipc/contract.js';

const env = testEnv().s3;
const BUCKET = `e2e-trash-${Date.now()}`;
const FILES: Record<string, string> = {
  'notes.txt': 'notes for the link\n', 'keep-1.txt': '1', 'keep-2.txt': '2', 'keep-3.txt': '3',
  'trip/beach.jpg': 'a beach, in bytes', 'trip/hills.jpg': 'some hills',
};
let browser: Browser;
let site: { url: string; close: () => Promise<void> };
let services: Services;
let monitor: SyncMonitor;
let folder: string;
let page: Page;
let bridge: Bridge;
const desktop = new RecordingDesktop();
const pageErrors: string[] = [];
const events: SyncEventView[] = [];
const admin = () => adminClient(env);

before(async () => {
  site = await serveRenderer();
  const home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-home-'));
  folder = path.join(await mkdtemp(path.join(os.tmpdir(), 'cos-sync-folder-')), 'Trip');
  for (const [rel, content] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(folder, rel)), { recursive: true });
    await writeFile(path.join(folder, rel), content);
  }
  const keys = { COS_SYNC_ACCESS_KEY_ID: env.users.main.accessKeyId, COS_SYNC_SECRET_ACCESS_KEY: env.users.main.secretAccessKey };
  services = await createServices({ paths: resolvePaths({ COS_SYNC_HOME: home }, 'linux', home), env: keys, network: { lookup: loopbackLookup }, sync: { stabilityMs: 300 } });
  monitor = new SyncMonitor(services.sync());
  monitor.onEvent((event) => events.push(event));
  browser = await launchChromium();
  await admin().createBucket(BUCKET);
  const saved = await services.connections.saveProfile({ profile: { name: 'lab', provider: 'minio', endpoint: env.httpsEndpoint, addressing: 'path', accessKeyId: env.users.main.accessKeyId, caFile: env.caCertFile, bucket: BUCKET } });
  assert.ok(saved.ok, saved.ok ? '' : saved.error.message);
});

after(async () => {
  bridge?.stop();
  await page?.close();
  monitor?.dispose();
  await services?.close();
  await browser?.close();
  await site?.close();
});

const everyLook = (name: string) => everyLookOf(page, name);

function fetchLink(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca: readFileSync(env.caCertFile), lookup: loopbackLookup }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
}

const card = () => page.locator('li.pair').first();
const activity = (kind: string, key: string) => page.locator(`#activity-list li[data-kind="${kind}"][data-key="${key}"]`);

test('a folder synced by the window: every file uploaded', async () => {
  const handlers = { ...createApiHandlers(services, 'test', monitor, desktop), chooseFolder: async () => ok({ path: folder }) };
  ({ page, bridge } = await openAppPage(browser, site.url, handlers, { errors: pageErrors, subscribe: (listener) => monitor.onEvent(listener) }));
  await page.click('#choose-folder');
  await page.click('#add-pair-submit');
  await card().locator('.state', { hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
  for (const key of Object.keys(FILES)) await activity('uploaded', key).waitFor({ timeout: 30_000 });
});

test('per file: show it in its folder, copy its object key, and copy a download link that downloads it', async () => {
  const line = activity('uploaded', 'notes.txt');
  await line.locator('details.file-actions summary').click();
  await line.locator('button.reveal').click();
  await page.locator('#activity-status', { hasText: 'Showing' }).waitFor();
  assert.deepEqual(desktop.shown, [path.join(folder, 'notes.txt')]);
  await line.locator('button.copy-key').click();
  await page.locator('#activity-status', { hasText: 'Copied the object key Trip/notes.txt.' }).waitFor();
  assert.equal(desktop.clipboard.at(-1), 'Trip/notes.txt');
  assert.deepEqual(await line.locator('select.link-expiry option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), ['3600', '86400', '604800']);
  await line.locator('select.link-expiry').selectOption('3600');
  await line.locator('button.copy-link').click();
  await page.locator('#activity-status', { hasText: 'Copied a download link for notes.txt' }).waitFor();
  const url = desktop.clipboard.at(-1)!;
  assert.equal(new URL(url).searchParams.get('X-Amz-Expires'), '3600');
  assert.ok(!(await page.content()).includes(new URL(url).searchParams.get('X-Amz-Signature')!), 'the link never reached the page');
  assert.deepEqual(await fetchLink(url), { status: 200, body: FILES['notes.txt'] });
  await everyLook('trash-01-file-actions');
});

test('a folder deleted for real goes to the bucket trash; the Trash view lists it with when, size and why', async () => {
  await rm(path.join(folder, 'trip'), { recursive: true });
  await activity('trashed', 'trip/beach.jpg').waitFor({ timeout: 30_000 });
  await activity('trashed', 'trip/hills.jpg').waitFor({ timeout: 30_000 });
  await card().locator('button.trash').click();
  await page.locator('#screen-title', { hasText: 'Bucket trash' }).waitFor();
  await page.locator('#trash-files li.trash-item').nth(1).waitFor();
  assert.deepEqual(await page.locator('#trash-files li.trash-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.key).sort()), ['trip/beach.jpg', 'trip/hills.jpg']);
  assert.equal(await page.locator('#trash-folders li.trash-item').getAttribute('data-folder'), 'trip/');
  const beach = page.locator('#trash-files li[data-key="trip/beach.jpg"]');
  assert.match((await beach.textContent()) ?? '', /Deleted .*17 B.*Deleted from the folder \(delete policy “trash”\)/);
  await page.selectOption('#language', 'zh-CN');
  assert.match((await beach.locator('.reason').textContent()) ?? '', /^已从文件夹中删除（删除策略“回收站”）：已移到存储桶的回收站，位置为“\.cos-sync-trash\/\d{4}-\d{2}-\d{2}\/trip\/beach\.jpg”。$/);
  await page.selectOption('#language', 'en');
  await page.fill('#trash-search', 'hills');
  assert.equal(await page.locator('#trash-files li.trash-item').count(), 1);
  await page.fill('#trash-search', '');
  await page.dispatchEvent('#trash-search', 'input');
  assert.equal(await page.isDisabled('#trash-restore'), true, 'nothing selected: Restore is off');
  await everyLook('trash-02-trash-view');
});

test('Restore puts the folder back in the bucket and in the folder, and the next sync leaves it in sync', async () => {
  await page.locator('#trash-folders li[data-folder="trip/"] input[type="checkbox"]').check();
  await page.locator('#trash-count', { hasText: '1 selected' }).waitFor();
  const restoredAt = events.length; // the pair is idle: any pass from here on comes after the restore
  await page.click('#trash-restore');
  await page.locator('#trash-summary', { hasText: 'Restored 2 of 2.' }).waitFor({ timeout: 30_000 });
  assert.deepEqual((await page.locator('#trash-restored li').allTextContents()).sort(), ['trip/beach.jpg → trip/beach.jpg', 'trip/hills.jpg → trip/hills.jpg']);
  await page.locator('#trash-empty').waitFor();
  assert.equal(await readFile(path.join(folder, 'trip/beach.jpg'), 'utf8'), FILES['trip/beach.jpg']);
  assert.equal(await readFile(path.join(folder, 'trip/hills.jpg'), 'utf8'), FILES['trip/hills.jpg']);
  const keys = (await objectKeys(admin(), BUCKET, 'Trip/')).sort();
  assert.deepEqual(keys, Object.keys(FILES).map((k) => `Trip/${k}`).sort(), 'back at their keys, and out of the trash');
  await everyLook('trash-03-restored');
  // The pair's runner makes a full pass after a restore: it must find nothing to do.
  const deadline = Date.now() + 30_000;
  const passes = () => events.slice(restoredAt).flatMap((e) => (e.type === 'run' && e.phase === 'finished' ? [e.summary?.planned] : []));
  while (passes().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(passes().length > 0, 'a pass ran after the restore');
  assert.deepEqual(passes().filter((planned) => planned !== 0), [], 'the passes after the restore planned nothing');
  assert.deepEqual(events.slice(restoredAt).filter((e) => e.type === 'outcome'), []);
  await page.click('#trash-back');
  await card().locator('.state', { hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
  const trashedAgain = await page.locator('#activity-list li[data-kind="trashed"]').count();
  assert.equal(trashedAgain, 2, 'only the two deletions: the restore was not undone');
  assert.deepEqual((await objectKeys(admin(), BUCKET, 'Trip/')).sort(), keys);
  assert.deepEqual(pageErrors, [], 'no script errors or CSP violations in the page');
});

test('old items are deleted for good only after a confirmation that says how many; Cancel deletes nothing', async () => {
  await rm(path.join(folder, 'keep-1.txt'));
  await activity('trashed', 'keep-1.txt').waitFor({ timeout: 30_000 });
  await card().locator('button.trash').click();
  await page.locator('#trash-files li[data-key="keep-1.txt"]').waitFor();
  await page.click('#trash-old summary');
  await page.fill('#trash-days', '30');
  await page.click('#trash-empty-old');
  await page.locator('#trash-status', { hasText: 'Nothing in the trash is older than 30 day(s).' }).waitFor();
  await page.fill('#trash-days', '0');
  await page.click('#trash-empty-old');
  await page.locator('#trash-empty-confirm', { hasText: 'Delete 1 item(s) trashed more than 0 day(s) ago from the bucket for good?' }).waitFor();
  assert.equal(await page.evaluate('document.activeElement.id'), 'trash-empty-no', 'the safe choice has the focus');
  await everyLook('trash-04-empty-confirm');
  await page.click('#trash-empty-no');
  const trashed = async () => (await objectKeys(admin(), BUCKET, 'Trip/.cos-sync-trash/')).map((k) => k.replace(/\d{4}-\d{2}-\d{2}/, 'DATE'));
  assert.deepEqual(await trashed(), ['Trip/.cos-sync-trash/DATE/keep-1.txt'], 'Cancel deleted nothing');
  await page.click('#trash-empty-old');
  await page.click('#trash-empty-yes');
  await page.locator('#trash-status', { hasText: 'Deleted 1 item(s) from the trash for good.' }).waitFor();
  await page.locator('#trash-empty').waitFor();
  assert.deepEqual(await trashed(), []);
  assert.deepEqual(pageErrors, []);
});
