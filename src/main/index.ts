// The app's composition root: one instance, the services, the IPC handlers, the window, the tray and its
// notifications, start at login, and a quit that stops the engine before the process ends.
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from './engine/services.js';
import { createApiHandlers } from './engine/api-handlers.js';
import { SyncMonitor } from './engine/sync-monitor.js';
import { storedPreferences, storePreferences } from './engine/preferences.js';
import { forwardEvents, registerIpc } from './ipc/register.js';
import { chooseFolder } from './app/folder-picker.js';
import { electronDesktop } from './app/desktop.js';
import { createMainWindow, hardenSession } from './app/window.js';
import { isAppUrl, registerAppScheme, serveRenderer } from './app/protocol.js';
import { autostartFile, launchCommand, LoginItemAutostart, startedAtLogin, XdgAutostart, type Autostart } from './app/autostart.js';
import { installQuitSequence } from './app/quit.js';
import { pickShellLocale } from './app/shell-strings.js';
import { ShellController } from './app/shell-controller.js';
import { closeToTrayNotice } from './app/notifications.js';
import { AppTray } from './app/tray.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const preload = path.join(here, '../preload/index.cjs');
const rendererRoot = path.join(here, '../renderer');
const APP_ID = 'com.cossync.app';
/** How long Quit waits for the engine to finish in-flight work and close its database. */
const QUIT_TIMEOUT_MS = 10_000;

function autostartFor(): Autostart {
  if (process.platform !== 'linux') return new LoginItemAutostart(app, process.platform);
  const command = launchCommand({ execPath: process.execPath, appPath: app.getAppPath(), packaged: app.isPackaged, env: process.env });
  return new XdgAutostart(autostartFile(process.env), command);
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  // Windows shows notifications only for the app id its Start menu shortcut carries (electron-builder's appId).
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  await app.whenReady();
  hardenSession();
  serveRenderer(rendererRoot);
  const assetsDir = path.join(app.getAppPath(), 'assets');
  // `npm start` builds better-sqlite3 for Electron's ABI beside node_modules (scripts/electron-native.mjs);
  // an installed app has node_modules rebuilt for Electron and needs no override.
  const sqliteBinding = process.env.COS_SYNC_SQLITE_BINDING;
  const services = await createServices(sqliteBinding ? { sqliteBinding } : {});
  if (!services.loaded.ok) {
    const { message, hint } = services.loaded.error;
    dialog.showErrorBox('COS Sync: settings', [message, hint].filter(Boolean).join('\n\n'));
  }
  const localeOf = (chosen?: string) => pickShellLocale(chosen, app.getPreferredSystemLanguages());
  const monitor = new SyncMonitor(services.sync());
  let tray: AppTray | undefined;

  const quit = installQuitSequence(app, {
    stop: async () => {
      await services.close();
      monitor.dispose();
    },
    timeoutMs: QUIT_TIMEOUT_MS,
    log: (message) => console.error(message),
  });

  const onWindowClosed = () => {
    if (!tray || quit.phase() !== 'running') return;
    const notice = closeToTrayNotice(storedPreferences(services.settings).closeNoticeShown === true, process.platform, shell.text);
    if (!notice) return;
    tray.notify(notice, () => openWindow());
    void storePreferences(services.settings, { closeNoticeShown: true });
  };

  function openWindow(pairId?: string): void {
    const existing = BrowserWindow.getAllWindows()[0];
    const showPair = () => pairId && monitor.announce({ type: 'show-pair', pairId });
    if (existing) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      showPair();
      return;
    }
    const icon = process.platform === 'linux' ? path.join(assetsDir, 'icons', '256x256.png') : undefined;
    const win = createMainWindow(preload, icon);
    win.on('closed', onWindowClosed);
    if (pairId) win.webContents.once('did-finish-load', showPair);
  }

  const shell = new ShellController({
    pairs: () => monitor.pairs(),
    showTray: (view) => tray?.show(view),
    notify: (notice, onClick) => tray?.notify(notice, onClick),
    openWindow,
    setAllPaused: async (paused) => {
      const changed = await services.sync().setPaused('all', paused);
      if (!changed.ok) console.error(`Could not ${paused ? 'pause' : 'resume'} the folders: ${changed.error.message}`);
      monitor.announce({ type: 'pairs-changed' });
    },
    quit: () => app.quit(),
  }, localeOf(storedPreferences(services.settings).locale));

  const autostart = autostartFor();
  const hooks = { autostart, onChange: (preferences: { locale?: string }) => shell.setLocale(localeOf(preferences.locale)) };
  registerIpc({ ...createApiHandlers(services, app.getVersion(), monitor, electronDesktop, hooks), chooseFolder }, isAppUrl);
  forwardEvents((listener) => monitor.onEvent(listener), isAppUrl);
  monitor.onEvent((event) => shell.onEvent(event));
  try {
    tray = new AppTray(assetsDir, () => openWindow());
  } catch (error) {
    // Without a tray (a desktop with no status area), closing the window quits as it would in any app.
    console.error(`No tray icon: ${error instanceof Error ? error.message : String(error)}`);
  }
  shell.refresh();
  app.on('second-instance', () => openWindow());
  app.on('activate', () => openWindow());
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
  app.on('will-quit', () => tray?.destroy());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  if (!tray || !startedAtLogin(process.argv, process.platform, app)) openWindow();
  void services.sync().startAll();
}

void main();
