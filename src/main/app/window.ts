// The settings / status window, locked down per Electron's security checklist: isolated, sandboxed,
// no Node in the page, no navigation away, no new windows, no permissions, no remote content.
import { BrowserWindow, shell, session } from 'electron';
import { APP_ORIGIN, isAppUrl } from './protocol.js';

export const PAGE_URL = `${APP_ORIGIN}/index.html`;

/** Refuses every permission request (camera, notifications, ...) and every request to a remote origin. */
export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAppUrl(details.url) || details.url.startsWith('devtools://');
    callback({ cancel: !allowed });
  });
}

export function createMainWindow(preload: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 960,
    height: 720,
    minWidth: 640,
    minHeight: 480,
    title: 'COS Sync',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Documentation links open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(PAGE_URL);
  return win;
}
