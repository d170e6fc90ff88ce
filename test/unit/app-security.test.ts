// Electron's security checklist, item by item, against the configuration and handlers the app really uses:
// its window, session, app:// protocol, IPC registration and preload are loaded with recorded stand-ins for
// Electron's objects (app-electron-stub.ts) and driven as Electron would drive them. The same items are
// checked in a real window by test/e2e/electron-app.test.ts where the Electron binary is installed.
// https://www.electronjs.org/docs/latest/tutorial/security
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { BRIDGE_KEYS, EVENT_CHANNEL, METHODS, channelOf, type Method } from '../../src/shared/ipc/contract.js';
import { CONTENT_SECURITY_POLICY } from '../../src/shared/security.js';
import { ok } from '../../src/shared/result.js';
import type { ApiHandlers } from '../../src/main/engine/app-api.js';
import { isAppUrl, resolveAppFile } from '../../src/main/app/app-url.js';
import { importWithElectron, RecordedContents, runPreload } from './app-electron-stub.js';
import type * as WindowModule from '../../src/main/app/window.js';
import type * as ProtocolModule from '../../src/main/app/protocol.js';
import type * as RegisterModule from '../../src/main/ipc/register.js';

const root = path.resolve(import.meta.dirname, '../..');

function electronStub() {
  const record = {
    windows: [] as RecordedWindow[],
    opened: [] as string[],
    permissionRequest: undefined as undefined | ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: object) => void),
    permissionCheck: undefined as undefined | ((wc: unknown, permission: string) => boolean),
    beforeRequest: undefined as undefined | ((details: { url: string }, callback: (response: { cancel: boolean }) => void) => void),
    ipc: new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
    allContents: [] as RecordedContents[],
    schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
    protocols: new Map<string, (request: Request) => Promise<Response>>(),
  };
  const app = new EventEmitter();
  class RecordedWindow extends EventEmitter {
    readonly webContents = new RecordedContents();
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      record.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      return this.webContents.loadURL(url);
    }
  }
  const electron = {
    app,
    BrowserWindow: RecordedWindow,
    shell: { openExternal: async (url: string) => void record.opened.push(url) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: typeof record.permissionRequest) => (record.permissionRequest = handler),
        setPermissionCheckHandler: (handler: typeof record.permissionCheck) => (record.permissionCheck = handler),
        webRequest: { onBeforeRequest: (handler: typeof record.beforeRequest) => (record.beforeRequest = handler) },
      },
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, input: unknown) => Promise<unknown>) => record.ipc.set(channel, handler),
      removeHandler: (channel: string) => record.ipc.delete(channel),
    },
    webContents: { getAllWebContents: () => record.allContents },
    protocol: {
      registerSchemesAsPrivileged: (schemes: typeof record.schemes) => record.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => record.protocols.set(scheme, handler),
    },
    net: { fetch: async (url: string) => new Response(await readFile(fileURLToPath(url))) },
  };
  return { electron, record };
}

const preventable = () => {
  const event = { prevented: false, preventDefault: () => void (event.prevented = true) };
  return event;
};

const FOREIGN_URLS = [
  'https://example.com/',
  'http://127.0.0.1:8080/index.html',
  'file:///etc/passwd',
  'app://other/index.html',
  'app://cos-sync.evil.example/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'devtools-x://cos-sync/',
];

describe('Electron security checklist: the window', () => {
  const { electron, record } = electronStub();
  let win: (typeof record.windows)[number];
  let other: RecordedContents;
  before(async () => {
    const window = await importWithElectron<typeof WindowModule>('src/main/app/window.ts', electron);
    window.hardenSession();
    window.createMainWindow('/app/dist/preload/index.cjs');
    win = record.windows[0]!;
    // Any other web contents (none is made today) gets the same guards.
    other = new RecordedContents('app://cos-sync/index.html');
    electron.app.emit('web-contents-created', {}, other);
  });

  test('2-4, 6, 8-11: no Node in the page, context isolation, sandbox, web security, no insecure content, no experimental or Blink features, no <webview>', () => {
    assert.equal(record.windows.length, 1);
    assert.deepEqual(win.options.webPreferences, {
      preload: '/app/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    });
    assert.equal('enableBlinkFeatures' in win.options.webPreferences, false);
  });

  test('1, 18: the page is the app’s own, from the app:// scheme, never file:// or the network', () => {
    assert.deepEqual(win.webContents.loaded, ['app://cos-sync/index.html']);
  });

  test('12: no <webview> can be attached', () => {
    for (const contents of [win.webContents, other]) {
      const event = preventable();
      contents.emit('will-attach-webview', event, {}, {});
      assert.equal(event.prevented, true);
    }
  });

  test('13: navigation and redirects stay inside the app', () => {
    for (const contents of [win.webContents, other]) {
      for (const name of ['will-navigate', 'will-redirect']) {
        assert.equal(contents.listenerCount(name), 1, name);
        for (const url of FOREIGN_URLS) {
          const event = preventable();
          contents.emit(name, event, url);
          assert.equal(event.prevented, true, `${name} to ${url}`);
        }
        const inside = preventable();
        contents.emit(name, inside, 'app://cos-sync/index.html#folders');
        assert.equal(inside.prevented, false, `${name} within the app`);
      }
    }
  });

  test('14, 15: no new window ever opens; only https links without credentials go to the browser', async () => {
    const links = ['https://cloud.tencent.com/document/product/436', ...FOREIGN_URLS, 'https://user:pw@example.com/', 'smb://server/share', 'not a url'];
    for (const contents of [win.webContents, other]) {
      record.opened.length = 0;
      for (const url of links) assert.deepEqual(contents.windowOpenHandler!({ url }), { action: 'deny' }, url);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(record.opened, ['https://cloud.tencent.com/document/product/436', 'https://example.com/']);
    }
  });

  test('5: every permission request and check is refused', () => {
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'midi']) {
      let granted: boolean | undefined;
      record.permissionRequest!(win.webContents, permission, (answer) => (granted = answer), {});
      assert.equal(granted, false, permission);
      assert.equal(record.permissionCheck!(win.webContents, permission), false, permission);
    }
  });

  test('1: requests to anything but the app’s own origin are cancelled', () => {
    const cancelled = (url: string) => {
      let response: { cancel: boolean } | undefined;
      record.beforeRequest!({ url }, (r) => (response = r));
      return response?.cancel;
    };
    for (const url of [...FOREIGN_URLS, 'https://cos.ap-guangzhou.myqcloud.com/', 'wss://example.com/socket']) assert.equal(cancelled(url), true, url);
    assert.equal(cancelled('app://cos-sync/index.html'), false);
    assert.equal(cancelled('app://cos-sync/assets/main.js'), false);
    assert.equal(cancelled('devtools://devtools/bundled/inspector.html'), false);
  });
});

describe('Electron security checklist: content', () => {
  test('7: the Content-Security-Policy allows only the app’s own scripts and styles and no network', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('style-src'), ["'self'"]);
    assert.deepEqual(directives.get('connect-src'), ["'none'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.deepEqual(directives.get('base-uri'), ["'none'"]);
    assert.deepEqual(directives.get('form-action'), ["'none'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    for (const values of directives.values()) {
      for (const value of values) assert.match(value, /^('self'|'none'|data:)$/, `no unsafe-inline, unsafe-eval, wildcard or remote source: ${value}`);
    }
  });

  test('7: the built page carries no inline script or style the policy would have to allow', async () => {
    const html = await readFile(path.join(root, 'src/renderer/index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'every script has a src');
    assert.doesNotMatch(html, /\son\w+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /<style/i);
  });

  test('18: the app:// scheme is standard and secure, with no CSP bypass; it serves only the renderer folder, with the policy', async () => {
    const { electron, record } = electronStub();
    const protocol = await importWithElectron<typeof ProtocolModule>('src/main/app/protocol.ts', electron);
    protocol.registerAppScheme();
    assert.deepEqual(record.schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const dir = await mkdtemp(path.join(tmpdir(), 'cos-sync-protocol-'));
    try {
      const rendererRoot = path.join(dir, 'renderer');
      await mkdir(rendererRoot);
      await writeFile(path.join(rendererRoot, 'index.html'), '<!doctype html><title>COS Sync</title>');
      await writeFile(path.join(dir, 'secret.txt'), 'not for the page');
      protocol.serveRenderer(rendererRoot);
      const serve = record.protocols.get('app')!;
      const page = await serve(new Request('app://cos-sync/index.html'));
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.equal(await page.text(), '<!doctype html><title>COS Sync</title>');
      for (const url of ['app://cos-sync/..%2fsecret.txt', 'app://cos-sync/%2e%2e%2fsecret.txt', 'app://cos-sync/%2e%2e/secret.txt', 'app://other/index.html', 'app://cos-sync/', 'app://cos-sync/missing.js']) {
        assert.equal((await serve(new Request(url))).status, 404, url);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('resolveAppFile refuses what is outside the folder or not app://cos-sync', () => {
    assert.equal(resolveAppFile('/r', 'app://cos-sync/a/b.js'), path.join('/r', 'a', 'b.js'));
    assert.equal(resolveAppFile('/r', 'app://cos-sync/%2e%2e/x'), path.join('/r', 'x'), 'the URL parser already folds dot segments');
    for (const url of ['app://cos-sync/..%2fx', 'app://cos-sync/a/..%2f..%2fx', 'app://cos-sync/%2e%2e%2fx', 'app://cos-sync/%E0%A4%A', 'https://cos-sync/a', 'app://x/a', 'garbage']) {
      assert.equal(resolveAppFile('/r', url), undefined, url);
    }
    assert.equal(isAppUrl('app://cos-sync.evil/'), false);
  });
});

describe('Electron security checklist: IPC', () => {
  function recordingHandlers() {
    const calls: [Method, unknown][] = [];
    const handlers = Object.fromEntries(METHODS.map((method) => [method, async (input: unknown) => {
      calls.push([method, input]);
      return ok({ method });
    }])) as unknown as ApiHandlers;
    return { handlers, calls };
  }

  test('17: every contract method is registered behind the sender check; a foreign or missing sender is refused', async () => {
    const { electron, record } = electronStub();
    const register = await importWithElectron<typeof RegisterModule>('src/main/ipc/register.ts', electron);
    const { handlers, calls } = recordingHandlers();
    const unregister = register.registerIpc(handlers, isAppUrl);
    assert.deepEqual([...record.ipc.keys()].sort(), METHODS.map(channelOf).sort());
    for (const method of METHODS) {
      for (const event of [{ senderFrame: { url: 'https://example.com/' } }, { senderFrame: { url: 'file:///tmp/x.html' } }, { senderFrame: null }, {}]) {
        const answer = (await record.ipc.get(channelOf(method))!(event, undefined)) as { ok: boolean; error?: { code: string } };
        assert.deepEqual([answer.ok, answer.error?.code], [false, 'access-denied'], `${method} from ${JSON.stringify(event)}`);
      }
    }
    assert.deepEqual(calls, [], 'no handler ran for a foreign sender');
    unregister();
    assert.equal(record.ipc.size, 0);
  });

  test('17: arguments are validated (zod) before a handler runs, and reach it parsed', async () => {
    const { electron, record } = electronStub();
    const register = await importWithElectron<typeof RegisterModule>('src/main/ipc/register.ts', electron);
    const { handlers, calls } = recordingHandlers();
    register.registerIpc(handlers, isAppUrl);
    const fromApp = { senderFrame: { url: 'app://cos-sync/index.html' } };
    const invoke = (method: Method, input: unknown) => record.ipc.get(channelOf(method))!(fromApp, input) as Promise<{ ok: boolean; error?: { code: string; message: string } }>;
    for (const [method, input] of [['removeProfile', { name: '' }], ['removePair', { id: 42 }], ['setPaused', { id: 'p', paused: 'yes' }], ['appInfo', { extra: 1 }], ['setPreferences', { startAtLogin: true, shell: 'rm -rf /' }]] as const) {
      const answer = await invoke(method, input);
      assert.deepEqual([answer.ok, answer.error?.code], [false, 'invalid-argument'], method);
      assert.match(answer.error!.message, new RegExp(`Invalid request to ${method}`));
    }
    assert.deepEqual(calls, []);
    assert.deepEqual(await invoke('removeProfile', { name: '  work  ' }), { ok: true, value: { method: 'removeProfile' } });
    assert.deepEqual(calls, [['removeProfile', { name: 'work' }]]);
  });

  test('17: sync events go to the app’s own pages only', async () => {
    const { electron, record } = electronStub();
    const register = await importWithElectron<typeof RegisterModule>('src/main/ipc/register.ts', electron);
    const appPage = new RecordedContents('app://cos-sync/index.html');
    const foreign = new RecordedContents('https://example.com/');
    record.allContents.push(appPage, foreign);
    let emit: ((event: { type: 'pairs-changed' }) => void) | undefined;
    register.forwardEvents((listener) => {
      emit = listener;
      return () => undefined;
    }, isAppUrl);
    emit!({ type: 'pairs-changed' });
    assert.deepEqual(appPage.sent, [[EVENT_CHANNEL, { type: 'pairs-changed' }]]);
    assert.deepEqual(foreign.sent, []);
  });

  test('20: the preload exposes only the contract’s functions, never Electron’s or Node’s objects', async () => {
    const exposed: [string, Record<string, unknown>][] = [];
    const invoked: [string, unknown][] = [];
    const renderer = new EventEmitter();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push([key, api]) },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => {
          invoked.push([channel, input]);
          return ok(null);
        },
        on: (channel: string, listener: (...args: unknown[]) => void) => renderer.on(channel, listener),
        removeListener: (channel: string, listener: (...args: unknown[]) => void) => renderer.removeListener(channel, listener),
      },
    };
    await runPreload(electron);
    assert.equal(exposed.length, 1);
    const [key, api] = exposed[0]!;
    assert.equal(key, 'cosSync');
    assert.deepEqual(Object.keys(api).sort(), [...BRIDGE_KEYS].sort());
    for (const value of Object.values(api)) assert.equal(typeof value, 'function', 'only functions cross the bridge');
    for (const method of METHODS) {
      const answer = await (api[method] as (input?: unknown) => Promise<unknown>)({ probe: method });
      assert.notEqual(answer, electron.ipcRenderer, 'no Electron object is handed out');
    }
    assert.deepEqual(invoked, METHODS.map((method) => [channelOf(method), { probe: method }]));
    const received: unknown[] = [];
    const unsubscribe = (api.onEvent as (listener: (event: unknown) => void) => () => void)((event) => received.push(event));
    renderer.emit(EVENT_CHANNEL, { sender: 'the IpcRendererEvent, with its sender' }, { type: 'pairs-changed' });
    assert.deepEqual(received, [{ type: 'pairs-changed' }], 'the listener gets the payload, not the IPC event');
    unsubscribe();
    assert.equal(renderer.listenerCount(EVENT_CHANNEL), 0);
  });
});

describe('Electron security checklist: the app as a whole', () => {
  test('every window is made by createMainWindow, and no other code opens links or loads pages', async () => {
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(file);
        else if (file.endsWith('.ts')) {
          const text = await readFile(file, 'utf8');
          const rel = path.relative(root, file);
          if (rel !== path.join('src/main/app/window.ts') && /new BrowserWindow\(|\.loadURL\(|\.loadFile\(|openExternal\(|webPreferences/.test(text)) offenders.push(rel);
        }
      }
    };
    await walk(path.join(root, 'src'));
    assert.deepEqual(offenders.filter((f) => f !== path.join('src/main/app/security.ts')), []);
  });

  test('16: a current Electron (a supported major, 39 or later, when this was written)', async () => {
    const pkg = JSON.parse(await readFile(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
    assert.ok(Number(pkg.version.split('.')[0]) >= 39, pkg.version);
  });
});
