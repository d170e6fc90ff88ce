// The settings / status window, locked down per Electron's security checklist with the settings and
// handlers of ./security.ts: isolated, sandboxed, no Node in the page, no navigation away, no new windows,
// no <webview>, no permissions, no remote content.
import { BrowserWindow, shell, session } from 'electron';
import { PAGE_URL } from './app-url.js';
import { filterRequest, guardNavigation, refusePermissionCheck, refusePermissionRequest, refuseWebview, windowOpenHandler, windowOptions } from './security.js';

export { PAGE_URL } from './app-url.js';

/** Refuses every permission request (camera, notifications, ...) and every request to a remote origin. */
export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler(refusePermissionRequest);
  session.defaultSession.setPermissionCheckHandler(refusePermissionCheck);
  session.defaultSession.webRequest.onBeforeRequest(filterRequest);
}

export function createMainWindow(preload: string, icon?: string): BrowserWindow {
  const win = new BrowserWindow(windowOptions(preload, icon));
  win.webContents.on('will-navigate', guardNavigation);
  win.webContents.on('will-redirect', guardNavigation);
  win.webContents.on('will-attach-webview', refuseWebview);
  win.webContents.setWindowOpenHandler(windowOpenHandler((url) => shell.openExternal(url)));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(PAGE_URL);
  return win;
}
