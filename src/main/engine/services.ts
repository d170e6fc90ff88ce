// Builds the services both front ends use (the app's main process and the CLI) from the environment.
import { currentPaths, type AppPaths } from './config/paths.js';
import { SettingsFile } from './config/settings-store.js';
import { KeytarSecretStore } from './secrets/keytar-store.js';
import { EnvSecretStore } from './secrets/env-store.js';
import { ConnectionService, type ConnectionServiceDeps } from './connection/service.js';
import type { Result } from '../../shared/result.js';
import type { Settings } from './config/settings-schema.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SqliteSyncState } from './sync/state-store.js';
import { SyncService, type SyncServiceDeps } from './sync/sync-service.js';
import { ActivityLog } from './sync/activity-log.js';
import { DeclinedUploads } from './sync/decline.js';

export interface Services {
  paths: AppPaths;
  settings: SettingsFile;
  keychain: KeytarSecretStore;
  connections: ConnectionService;
  /** The outcome of reading the settings file (a corrupt file is kept aside and reported here). */
  loaded: Result<Settings>;
  /** The folder pairs' engine; opened on first use (commands about profiles never touch the state database). */
  sync(): SyncService;
  close(): Promise<void>;
}

export interface ServiceOptions {
  paths?: AppPaths;
  env?: NodeJS.ProcessEnv;
  network?: ConnectionServiceDeps['network'];
  /** Engine options (tests shorten the stability wait, replace the watcher). */
  sync?: Pick<SyncServiceDeps, 'stabilityMs' | 'watch' | 'now'>;
  /** better-sqlite3's addon built for Electron, when running inside the app. */
  sqliteBinding?: string;
}

export async function createServices(options: ServiceOptions = {}): Promise<Services> {
  const paths = options.paths ?? currentPaths();
  const settings = new SettingsFile({ file: paths.settingsFile });
  const loaded = await settings.load();
  const keychain = new KeytarSecretStore();
  const envKeys = new EnvSecretStore(options.env ?? process.env);
  const connections = new ConnectionService({ settings, keychain, envKeys, ...(options.network ? { network: options.network } : {}) });
  let sync: { service: SyncService; state: SqliteSyncState } | undefined;
  const openSync = () => {
    if (!sync) {
      mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
      const state = new SqliteSyncState({ file: path.join(paths.stateDir, 'state.db'), ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}) });
      const activity = new ActivityLog(state.database);
      const declined = new DeclinedUploads(state.database);
      sync = { state, service: new SyncService({ settings, connections, state, activity, declined, ...options.sync }) };
    }
    return sync.service;
  };
  const close = async () => {
    await sync?.service.stop();
    sync?.state.close();
    sync = undefined;
  };
  return { paths, settings, keychain, connections, loaded, sync: openSync, close };
}
