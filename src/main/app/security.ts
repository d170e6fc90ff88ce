// The window's security settings, per Electron's security checklist, as plain values and handlers (no
// Electron objects) so test/unit/app-security.test.ts checks the very configuration the app uses:
// isolated, sandboxed, no Node in the page, web security on, no navigation away, no new windows, no
// <webview>, no permissions, no request to anything but the app's own origin.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { isAppUrl } from './app-url.js';

export const WEB_PREFERENCES = {
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
} as const satisfies WebPreferences;

export function windowOptions(preload: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    width: 960,
    height: 720,
    minWidth: 640,
    minHeight: 480,
    title: 'COS Sync',
    show: false,
    ...(icon ? { icon } : {}),
    webPreferences: { ...WEB_PREFERENCES, preload },
  };
}

interface Preventable {
  preventDefault(): void;
}

/** will-navigate / will-redirect: the page may only move within the app's own origin. */
export function guardNavigation(event: Preventable, url: string): void {
  if (!isAppUrl(url)) event.preventDefault();
}

/** will-attach-webview: the app has no <webview>, so none may be attached. */
export function refuseWebview(event: Preventable): void {
  event.preventDefault();
}

/** Only https links without credentials go to the user's browser; nothing else leaves the app. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && !parsed.username && !parsed.password && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** setWindowOpenHandler: no window ever opens inside the app; a safe link opens in the user's browser. */
export function windowOpenHandler(openExternal: (url: string) => Promise<void>) {
  return ({ url }: { url: string }): { action: 'deny' } => {
    if (isSafeExternalUrl(url)) void openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  };
}

/** setPermissionRequestHandler: every permission (camera, notifications, clipboard, ...) is refused. */
export function refusePermissionRequest(_contents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** setPermissionCheckHandler: and every check says no. */
export const refusePermissionCheck = (): boolean => false;

/** webRequest.onBeforeRequest: only the app's own pages (and the developer tools) are fetched. */
export function filterRequest(details: { url: string }, callback: (response: { cancel: boolean }) => void): void {
  callback({ cancel: !(isAppUrl(details.url) || details.url.startsWith('devtools://')) });
}
