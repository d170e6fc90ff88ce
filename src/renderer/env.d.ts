// The renderer's view of the preload bridge: the type comes from the shared contract.
import type { CosSyncApi } from '../shared/ipc/contract.js';

declare global {
  interface Window {
    cosSync: CosSyncApi;
  }
}
export {};
