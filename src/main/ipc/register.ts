// Registers one ipcMain handler per contract method. Every message's sender is checked against the
// app's own page before its arguments reach the (zod-validating) API. Sync events go out on one channel.
import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNEL, METHODS, channelOf, type SyncEventListener } from '../../shared/ipc/contract.js';
import { appError } from '../../shared/errors.js';
import { fail } from '../../shared/result.js';
import { invokeApi, type ApiHandlers } from '../engine/app-api.js';

export type SenderCheck = (url: string) => boolean;

export function registerIpc(handlers: ApiHandlers, isTrustedSender: SenderCheck): () => void {
  for (const method of METHODS) {
    ipcMain.handle(channelOf(method), (event: IpcMainInvokeEvent, input: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url)) {
        return fail(appError('access-denied', { message: 'This request did not come from the COS Sync window.' }));
      }
      return invokeApi(handlers, method, input);
    });
  }
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
