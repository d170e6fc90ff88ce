// The app's composition root: one instance, the services, the IPC handlers, the window, and the folder
// pairs' runners (started once the window's handlers and event forwarding are in place).
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from './engine/services.js';
import { createApiHandlers } from './engine/api-handlers.js';
import { SyncMonitor } from './engine/sync-monitor.js';
import { forwardEvents, registerIpc } from './ipc/register.js';
import { chooseFolder } from './app/folder-picker.js';
import { electronDesktop } from './app/desktop.js';
import { createMainWindow, hardenSession } from './app/window.js';
import { isAppUrl, registerAppScheme, serveRenderer } from './app/protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const preload = path.join(here, '../preload/index.cjs');
const rendererRoot = path.join(here, '../renderer');

function showWindow(): void {
  const existing = BrowserWindow.getAllWindows()[0];
  if (!existing) {
    createMainWindow(preload);
    return;
  }
  if (existing.isMinimized()) existing.restore();
  existing.focus();
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  app.on('second-instance', showWindow);
  await app.whenReady();
  hardenSession();
  serveRenderer(rendererRoot);
  // `npm start` builds better-sqlite3 for Electron's ABI beside node_modules (scripts/electron-native.mjs);
  // an installed app has node_modules rebuilt for Electron and needs no override.
  const sqliteBinding = process.env.COS_SYNC_SQLITE_BINDING;
  const services = await createServices(sqliteBinding ? { sqliteBinding } : {});
  if (!services.loaded.ok) {
    const { message, hint } = services.loaded.error;
    dialog.showErrorBox('COS Sync: settings', [message, hint].filter(Boolean).join('\n\n'));
  }
  const monitor = new SyncMonitor(services.sync());
  registerIpc({ ...createApiHandlers(services, app.getVersion(), monitor, electronDesktop), chooseFolder }, isAppUrl);
  forwardEvents((listener) => monitor.onEvent(listener), isAppUrl);
  showWindow();
  void services.sync().startAll();
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

void main();
