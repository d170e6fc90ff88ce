// Debian's Chromium driven by playwright-core, and a loopback static server for the built renderer.
import { chromium, type Browser, type Page } from 'playwright-core';
import http from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { CONTENT_SECURITY_POLICY } from '../../src/shared/security.js';
import type { AddressInfo } from 'node:net';
import { METHODS, type SyncEventListener, type SyncEventView } from '../../src/shared/ipc/contract.js';
import { invokeApi, type ApiHandlers } from '../../src/main/engine/app-api.js';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.map': 'application/json' };

/** Serves `root` on 127.0.0.1 with the app's Content-Security-Policy, as the app:// scheme does. */
export async function serveStatic(root: string, csp: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.normalize(path.join(root, decodeURIComponent(pathname)));
    if (!file.startsWith(root + path.sep)) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

export interface Bridge {
  /** Stops forwarding events to the page. */
  stop(): void;
  /** Holds events back (the page keeps showing the moment), until release() delivers them in order. */
  hold(): void;
  /**
   * Delivers events until one matches, then holds the rest (as hold()): the page is left showing the moment of
   * that event however fast the work goes. Resolves once the matching event has reached the page.
   */
  holdAfter(match: (event: SyncEventView) => boolean): Promise<void>;
  release(): void;
}

/**
 * Wires window.cosSync in the page to the real main-side handlers: only Electron's IPC transport is replaced
 * (by Playwright's exposeFunction for calls, and page.evaluate for the events the main process pushes);
 * validation, services, keychain and server are the real ones.
 */
export async function bridgeApi(page: Page, handlers: ApiHandlers, subscribe?: (listener: SyncEventListener) => () => void): Promise<Bridge> {
  await page.exposeFunction('__cosSyncInvoke', (method: string, input: unknown) => invokeApi(handlers, method as never, input));
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  await page.addInitScript(`(() => {
    const listeners = new Set();
    window.__cosSyncEmit = (event) => listeners.forEach((listener) => listener(event));
    window.cosSync = Object.fromEntries(${JSON.stringify(METHODS)}.map((m) => [m, (input) => window.__cosSyncInvoke(m, input)]));
    window.cosSync.onEvent = (listener) => { listeners.add(listener); return () => listeners.delete(listener); };
  })();`);
  let held: SyncEventView[] | undefined;
  let trigger: { match: (event: SyncEventView) => boolean; reached: () => void } | undefined;
  const deliver = (event: SyncEventView) =>
    page.evaluate(`window.__cosSyncEmit && window.__cosSyncEmit(${JSON.stringify(event)})`).catch(() => undefined);
  const onEvent = (event: SyncEventView) => {
    if (held) return void held.push(event);
    const delivered = deliver(event);
    if (trigger?.match(event)) {
      const { reached } = trigger;
      trigger = undefined;
      held = [];
      void delivered.then(reached);
    }
  };
  const stop = subscribe ? subscribe(onEvent) : () => undefined;
  return {
    stop,
    hold: () => void (held ??= []),
    holdAfter: (match) => new Promise<void>((reached) => (trigger = { match, reached })),
    release: () => {
      const queued = held ?? [];
      held = undefined;
      queued.forEach((event) => void deliver(event));
    },
  };
}

/** The renderer built by Vite into a temporary folder and served on loopback with the app's Content-Security-Policy. */
export async function serveRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-renderer-'));
  await build({ configFile: path.resolve('vite.config.ts'), build: { outDir, emptyOutDir: true }, logLevel: 'error' });
  return serveStatic(outDir, CONTENT_SECURITY_POLICY);
}

export interface AppPageOptions {
  locale?: string;
  height?: number;
  /** Collects the page's uncaught errors and console errors. */
  errors: string[];
  subscribe?: (listener: SyncEventListener) => () => void;
}

/** The window's page: the served renderer with window.cosSync wired to `handlers`, open on its first screen. */
export async function openAppPage(browser: Browser, siteUrl: string, handlers: ApiHandlers, options: AppPageOptions): Promise<{ page: Page; bridge: Bridge }> {
  const page = await browser.newPage({ locale: options.locale ?? 'en-US', viewport: { width: 960, height: options.height ?? 800 } });
  page.on('pageerror', (err) => options.errors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') options.errors.push(msg.text()); });
  const bridge = await bridgeApi(page, handlers, options.subscribe);
  await page.goto(`${siteUrl}/index.html`);
  await page.locator('#screen-title').waitFor();
  return { page, bridge };
}
