// Builds the services both front ends use (the app's main process and the CLI) from the environment.
import { currentPaths, type AppPaths } from './config/paths.js';
import { SettingsFile } from './config/settings-store.js';
import { KeytarSecretStore } from './secrets/keytar-store.js';
import { EnvSecretStore } from './secrets/env-store.js';
import { ConnectionService, type ConnectionServiceDeps } from './connection/service.js';
import type { Result } from '../../shared/result.js';
import type { Settings } from './config/settings-schema.js';

export interface Services {
  paths: AppPaths;
  settings: SettingsFile;
  keychain: KeytarSecretStore;
  connections: ConnectionService;
  /** The outcome of reading the settings file (a corrupt file is kept aside and reported here). */
  loaded: Result<Settings>;
}

export async function createServices(options: { paths?: AppPaths; env?: NodeJS.ProcessEnv; network?: ConnectionServiceDeps['network'] } = {}): Promise<Services> {
  const paths = options.paths ?? currentPaths();
  const settings = new SettingsFile({ file: paths.settingsFile });
  const loaded = await settings.load();
  const keychain = new KeytarSecretStore();
  const envKeys = new EnvSecretStore(options.env ?? process.env);
  const connections = new ConnectionService({ settings, keychain, envKeys, ...(options.network ? { network: options.network } : {}) });
  return { paths, settings, keychain, connections, loaded };
}
