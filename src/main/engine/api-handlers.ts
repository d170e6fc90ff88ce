// Implements the window's contract over the engine's services (no Electron here, so the end-to-end tests
// wire the same handlers to the page).
import os from 'node:os';
import { ok } from '../../shared/result.js';
import type { ApiHandlers } from './app-api.js';
import type { Services } from './services.js';

export function createApiHandlers(services: Services, version: string): ApiHandlers {
  const { connections } = services;
  return {
    appInfo: async () =>
      ok({ version, platform: os.platform(), settingsFile: services.paths.settingsFile, keychain: services.keychain.describe() }),
    listProfiles: () => connections.listProfiles(),
    saveProfile: (input) => connections.saveProfile(input),
    removeProfile: (input) => connections.removeProfile(input.name),
    testConnection: (input) => connections.diagnose(input, { bucket: input.bucket ?? input.profile.bucket }),
    listBuckets: (input) => connections.listBuckets(input),
    createBucket: (input) => connections.createBucket(input, input.bucket),
  };
}
