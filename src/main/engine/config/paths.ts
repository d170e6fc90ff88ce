// Where COS Sync keeps its settings, state and logs. A pure function of (env, platform, home) so every
// OS's layout can be tested on any OS; `currentPaths()` is the one place that reads the real process.
import { homedir } from 'node:os';
import path from 'node:path';

export interface AppPaths {
  /** The directory holding everything (settings file, state, and logs except on macOS). */
  home: string;
  settingsFile: string;
  /** Databases and other state the engine persists (SyncedTree, multipart uploads). */
  stateDir: string;
  logsDir: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The folder name on macOS and Windows; it matches Electron's `app.getPath('userData')` for "COS Sync". */
export const PRODUCT_DIR = 'COS Sync';
/** Lower-case on Linux, after the XDG habit (`~/.config/cos-sync`). */
export const LINUX_DIR = 'cos-sync';

/** Treats empty values as unset, as shells do with `VAR= cmd`. */
const envValue = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};

const pathFor = (platform: NodeJS.Platform): path.PlatformPath => (platform === 'win32' ? path.win32 : path.posix);

function conventionalHome(env: Env, platform: NodeJS.Platform, home: string): string {
  const p = pathFor(platform);
  if (platform === 'darwin') return p.join(home, 'Library', 'Application Support', PRODUCT_DIR);
  if (platform === 'win32') {
    const appData = envValue(env, 'APPDATA');
    // A relative APPDATA is nonsense; fall back to the default Roaming folder rather than the cwd.
    const base = appData && p.isAbsolute(appData) ? appData : p.join(home, 'AppData', 'Roaming');
    return p.join(base, PRODUCT_DIR);
  }
  const xdg = envValue(env, 'XDG_CONFIG_HOME');
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.config');
  return p.join(base, LINUX_DIR);
}

/**
 * The directories for this user. `COS_SYNC_HOME` overrides the OS convention (for tests, portable installs
 * and servers); a relative value is taken from `cwd`, which defaults to `home` to keep this pure.
 */
export function resolvePaths(env: Env, platform: NodeJS.Platform, home: string, cwd: string = home): AppPaths {
  const p = pathFor(platform);
  const override = envValue(env, 'COS_SYNC_HOME');
  const root = override ? p.resolve(cwd, override) : conventionalHome(env, platform, home);
  // macOS keeps logs in ~/Library/Logs, where Console.app finds them (Electron's `app.getPath('logs')`).
  const logsDir =
    platform === 'darwin' && !override ? p.join(home, 'Library', 'Logs', PRODUCT_DIR) : p.join(root, 'logs');
  return { home: root, settingsFile: p.join(root, 'settings.json'), stateDir: p.join(root, 'state'), logsDir };
}

/** The paths for the running process; for composition roots only. */
export const currentPaths = (): AppPaths => resolvePaths(process.env, process.platform, homedir(), process.cwd());
