// Registers one ipcMain handler per contract method. Every message's sender is checked against the
// app's own page before its arguments reach the (zod-validating) API (./guard.ts). Sync events go out on one channel.
import { ipcMain, webContents } from 'electron';
import { EVENT_CHANNEL, METHODS, channelOf, type SyncEventListener } from '../../shared/ipc/contract.js';
import type { ApiHandlers } from '../engine/app-api.js';
import { guardedInvoke, type SenderCheck } from './guard.js';

export type { SenderCheck } from './guard.js';

export function registerIpc(handlers: ApiHandlers, isTrustedSender: SenderCheck): () => void {
  for (const method of METHODS) ipcMain.handle(channelOf(method), guardedInvoke(handlers, method, isTrustedSender));
  return () => METHODS.forEach((method) => ipcMain.removeHandler(channelOf(method)));
}

/** Sends every sync event to the app's own pages; returns the function that stops forwarding. */
export function forwardEvents(subscribe: (listener: SyncEventListener) => () => void, isTrustedPage: SenderCheck): () => void {
  return subscribe((event) => {
    for (const contents of webContents.getAllWebContents()) {
      if (!contents.isDestroyed() && isTrustedPage(contents.getURL())) contents.send(EVENT_CHANNEL, event);
    }
  });
}
