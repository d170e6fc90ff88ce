// The settings window end to end: the built renderer in Chromium, window.cosSync wired to the real handlers,
// the real keychain and the real S3 server over HTTPS with the run's CA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import https from 'node:https';
import { CONTENT_SECURITY_POLICY } from '../../src/shared/security.js';
import { createServices, type Services } from '../../src/main/engine/services.js';
import { createApiHandlers } from '../../src/main/engine/api-handlers.js';
import { resolvePaths } from '../../src/main/engine/config/paths.js';
import { bridgeApi, launchChromium, serveStatic } from '../support/browser.js';
import { loopbackLookup, testEnv } from '../support/env.js';

const env = testEnv().s3;
const BUCKET = `e2e-window-${Date.now()}`;
const shots = path.resolve('test-output/screenshots');
let browser: Browser;
let site: { url: string; close: () => Promise<void> };
let services: Services;
let home: string;

before(async () => {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-renderer-'));
  await build({ configFile: path.resolve('vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
  site = await serveStatic(outDir, CONTENT_SECURITY_POLICY);
  home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-home-'));
  services = await createServices({ paths: resolvePaths({ COS_SYNC_HOME: home }, 'linux', home), env: {}, network: { lookup: loopbackLookup } });
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
  const ca = await readFile(env.caCertFile, 'utf8');
  const admin = new S3Client({
    endpoint: env.httpsEndpoint, region: 'us-east-1', forcePathStyle: true, credentials: env.users.main,
    requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca }) }),
  });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  admin.destroy();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await services?.keychain.delete('e2e');
});

async function openWindow(): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  await bridgeApi(page, createApiHandlers(services, 'test'));
  await page.goto(`${site.url}/index.html`);
  await page.locator('#settings').waitFor();
  assert.deepEqual(errors, [], 'the page loads without script errors or CSP violations');
  return page;
}

async function fill(page: Page, secret: string): Promise<void> {
  await page.fill('#name', 'e2e');
  await page.selectOption('#provider', 'minio');
  await page.fill('#endpoint', env.httpsEndpoint);
  await page.fill('#accessKeyId', env.users.main.accessKeyId);
  await page.fill('#secret', secret);
  await page.fill('#bucket', BUCKET);
  await page.fill('#caFile', env.caCertFile);
}

test('Test connection passes every check against the real server over HTTPS', async () => {
  const page = await openWindow();
  await fill(page, env.users.main.secretAccessKey);
  await page.click('#test');
  await page.locator('#checks').waitFor();
  const failed = await page.locator('#checks li.fail').allTextContents();
  assert.deepEqual(failed, []);
  for (const id of ['dns', 'tcp', 'tls', 'keys', 'bucket', 'write', 'read', 'delete', 'multipart']) {
    assert.equal(await page.locator(`#checks li[data-check="${id}"]`).getAttribute('class'), 'pass', `${id} passes`);
  }
  await page.screenshot({ path: path.join(shots, 'settings-test-passed.png'), fullPage: true });
  await page.close();
});

test('a wrong secret key shows which key is wrong and what to do', async () => {
  const page = await openWindow();
  await fill(page, 'not-the-secret');
  await page.click('#test');
  const keys = page.locator('#checks li[data-check="keys"]');
  await keys.waitFor();
  assert.equal(await keys.getAttribute('class'), 'fail');
  assert.match((await keys.textContent()) ?? '', /secret key \(SecretKey\) does not match/);
  await page.screenshot({ path: path.join(shots, 'settings-wrong-secret.png'), fullPage: true });
  await page.close();
});

test('Save stores the profile without its secret and the secret in the keychain', async () => {
  const page = await openWindow();
  await fill(page, env.users.main.secretAccessKey);
  await page.click('#save');
  await page.locator('#status', { hasText: 'Saved profile "e2e"' }).waitFor();
  assert.equal(await page.inputValue('#secret'), '', 'the secret field is cleared after saving');
  const file = await readFile(services.paths.settingsFile, 'utf8');
  assert.match(file, /"name": "e2e"/);
  assert.ok(!file.includes(env.users.main.secretAccessKey), 'the secret never reaches the settings file');
  const stored = await services.keychain.get('e2e');
  assert.deepEqual(stored, { ok: true, value: env.users.main.secretAccessKey });
  await page.close();
});
