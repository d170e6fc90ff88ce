// Exposes exactly the shared contract on window.cosSync, and nothing else of Electron or Node: one function
// per method, and onEvent for the sync events the main process sends on one channel.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, METHODS, channelOf, type CosSyncApi, type SyncEventListener } from '../shared/ipc/contract.js';

const methods = Object.fromEntries(
  METHODS.map((method) => [method, (input?: unknown) => ipcRenderer.invoke(channelOf(method), input)]),
);

function onEvent(listener: SyncEventListener): () => void {
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload as Parameters<SyncEventListener>[0]);
  ipcRenderer.on(EVENT_CHANNEL, forward);
  return () => void ipcRenderer.removeListener(EVENT_CHANNEL, forward);
}

contextBridge.exposeInMainWorld('cosSync', { ...methods, onEvent } as CosSyncApi);
