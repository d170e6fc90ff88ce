// Exposes exactly the shared contract on window.cosSync, and nothing else of Electron or Node.
import { contextBridge, ipcRenderer } from 'electron';
import { METHODS, channelOf, type CosSyncApi } from '../shared/ipc/contract.js';

const api = Object.fromEntries(
  METHODS.map((method) => [method, (input?: unknown) => ipcRenderer.invoke(channelOf(method), input)]),
) as CosSyncApi;

contextBridge.exposeInMainWorld('cosSync', api);
