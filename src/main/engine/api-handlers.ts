// Implements the window's contract over the engine's services (no Electron here, so the end-to-end tests
// wire the same handlers to the page). The folder picker is Electron's, so the app adds it (EngineHandlers).
import os from 'node:os';
import { appError } from '../../shared/errors.js';
import { fail, ok, type Result } from '../../shared/result.js';
import type { FolderPair } from '../../shared/pair.js';
import type { PairView } from '../../shared/ipc/sync-view.js';
import type { ApiHandlers } from './app-api.js';
import type { Services } from './services.js';
import { SyncMonitor } from './sync-monitor.js';
import type { Desktop } from './desktop.js';
import { fileHandlers } from './file-handlers.js';
import { preferenceHandlers, type PreferenceHooks } from './preferences.js';

/** Every handler but the ones only the Electron shell can implement. */
export type EngineHandlers = Omit<ApiHandlers, 'chooseFolder'>;

/**
 * `desktop` (the file manager and the clipboard) is the app's; without it the per-file desktop actions say they
 * need the app. `shell` (start at login, the tray's language) likewise; without it start at login is unavailable.
 */
export function createApiHandlers(services: Services, version: string, monitor?: SyncMonitor, desktop?: Desktop, shell?: PreferenceHooks): EngineHandlers {
  const { connections } = services;
  let watching = monitor;
  const watch = () => (watching ??= new SyncMonitor(services.sync()));
  return {
    appInfo: async () =>
      ok({ version, platform: os.platform(), settingsFile: services.paths.settingsFile, keychain: services.keychain.describe() }),
    listProfiles: () => connections.listProfiles(),
    saveProfile: (input) => connections.saveProfile(input),
    removeProfile: (input) => connections.removeProfile(input.name),
    testConnection: (input) => connections.diagnose(input, { bucket: input.bucket ?? input.profile.bucket }),
    listBuckets: (input) => connections.listBuckets(input),
    createBucket: (input) => connections.createBucket(input, input.bucket),
    ...pairHandlers(services, watch),
    ...fileHandlers(services, desktop, () => watch().announce({ type: 'pairs-changed' })),
    ...preferenceHandlers(services.settings, shell),
  };
}

type PairHandlers = Pick<EngineHandlers, 'listPairs' | 'addPair' | 'removePair' | 'setPaused' | 'approvePair' | 'recentActivity' | 'declinePair' | 'updatePair' | 'readIgnoreRules' | 'saveIgnoreRules'>;

function pairHandlers(services: Services, monitor: () => SyncMonitor): PairHandlers {
  const changed = () => monitor().announce({ type: 'pairs-changed' });
  const viewOf = (pair: FolderPair): PairView | undefined => monitor().pairs().find((view) => view.pair.id === pair.id);
  return {
    listPairs: async () => ok(monitor().pairs()),
    addPair: async (input) => {
      const added = await services.sync().addPair(input);
      if (!added.ok) return added;
      // A new pair starts right away: a first full pass, then watching. A failure to start shows on the pair.
      const started = await services.sync().watchPair(added.value);
      changed();
      const view = viewOf(added.value);
      if (!view) return fail(appError('pair-not-found'));
      return ok(started.ok ? view : { ...view, state: 'error', error: started.error });
    },
    removePair: async ({ id }) => {
      const removed = await services.sync().removePair(id);
      if (removed.ok) {
        monitor().forget(id);
        changed();
      }
      return removed;
    },
    setPaused: async ({ id, paused }) => views(await services.sync().setPaused(id, paused), monitor, changed),
    approvePair: async ({ id }) => {
      const approved = services.sync().approve(id);
      return approved.ok ? ok({ approved: true as const }) : approved;
    },
    recentActivity: async () => ok(monitor().activity()),
    declinePair: async ({ id }) => {
      const declined = await services.sync().decline(id);
      if (!declined.ok) return declined;
      changed();
      return ok({ declined: true as const, paused: declined.value.pause });
    },
    updatePair: async (changes) => {
      const updated = await services.sync().updatePair(changes);
      if (updated.ok) changed();
      return updated;
    },
    readIgnoreRules: async ({ id }) => {
      const read = await services.sync().readIgnoreRules(id);
      return read.ok ? ok({ text: read.value }) : read;
    },
    saveIgnoreRules: async ({ id, text }) => {
      const saved = await services.sync().saveIgnoreRules(id, text);
      return saved.ok ? ok({ text: saved.value }) : saved;
    },
  };
}

function views(result: Result<FolderPair[]>, monitor: () => SyncMonitor, changed: () => void): Result<PairView[]> {
  if (!result.ok) return result;
  changed();
  const ids = new Set(result.value.map((p) => p.id));
  return ok(monitor().pairs().filter((view) => ids.has(view.pair.id)));
}
