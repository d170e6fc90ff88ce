// The settings / status window, locked down per Electron's security checklist with the settings and
// handlers of ./security.ts: isolated, sandboxed, no Node in the page, no navigation away, no new windows,
// no <webview>, no permissions, no remote content.
import { app, BrowserWindow, shell, session } from 'electron';
import { PAGE_URL } from './app-url.js';
import { filterRequest, guardNavigation, refusePermissionCheck, refusePermissionRequest, refuseWebview, windowOpenHandler, windowOptions } from './security.js';

export { PAGE_URL } from './app-url.js';

/** Refuses every permission request (camera, notifications, ...) and every request to a remote origin. */
export function hardenSession(): void {
  guardEveryWebContents();
  session.defaultSession.setPermissionRequestHandler(refusePermissionRequest);
  session.defaultSession.setPermissionCheckHandler(refusePermissionCheck);
  session.defaultSession.webRequest.onBeforeRequest(filterRequest);
}

/**
 * Every web contents the app ever makes (the window's page, and any other should one appear) stays inside the
 * app: no navigation or redirect away, no <webview>, no new window. Must run before the first window.
 */
export function guardEveryWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', guardNavigation);
    contents.on('will-redirect', guardNavigation);
    contents.on('will-attach-webview', refuseWebview);
    contents.setWindowOpenHandler(windowOpenHandler((url) => shell.openExternal(url)));
  });
}

export function createMainWindow(preload: string, icon?: string): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preload, icon));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(PAGE_URL);
  return win;
}
