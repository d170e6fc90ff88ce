// Start at login, opt-in. macOS and Windows register a login item through Electron
// (app.setLoginItemSettings); on Linux that call does nothing, so the app writes (or removes) an XDG
// autostart entry, ~/.config/autostart/cos-sync.desktop. Started at login, the app opens hidden in the tray.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The argument a login start passes, so the app starts in the tray without opening its window. */
export const HIDDEN_ARG = '--hidden';

export interface Autostart {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}

/** What the app is launched with: the AppImage file when run from one (its binary sits in a temporary
 * mount), the executable when installed, the Electron binary and the app's folder when run from source. */
export function launchCommand(options: { execPath: string; appPath: string; packaged: boolean; env: NodeJS.ProcessEnv }): string[] {
  if (options.env.APPIMAGE) return [options.env.APPIMAGE];
  return options.packaged ? [options.execPath] : [options.execPath, options.appPath];
}

// Characters that make an Exec argument need quotes (Desktop Entry Specification, "The Exec key").
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** One Exec argument: quoted when needed, with `"`, `` ` ``, `$` and `\` escaped inside the quotes, `%` doubled;
 * then the string-value escaping of the whole file format (a backslash written twice). */
export function execArgument(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error(`The path ${JSON.stringify(arg)} has a line break, which an autostart entry cannot hold. Move COS Sync to a folder without one.`);
  const doubled = arg.replace(/%/g, '%%');
  const quoted = RESERVED.test(arg) ? `"${doubled.replace(/(["`$\\])/g, '\\$1')}"` : doubled;
  return quoted.replace(/\\/g, '\\\\');
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=COS Sync',
    'Comment=Keep folders in sync with a COS or S3-compatible bucket',
    `Exec=${[...command, HIDDEN_ARG].map(execArgument).join(' ')}`,
    'Icon=cos-sync-app',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** $XDG_CONFIG_HOME/autostart/cos-sync.desktop, with ~/.config when XDG_CONFIG_HOME is unset or not absolute. */
export function autostartFile(env: NodeJS.ProcessEnv, home = os.homedir()): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(config, 'autostart', 'cos-sync.desktop');
}

export class XdgAutostart implements Autostart {
  constructor(private readonly file: string, private readonly command: readonly string[]) {}

  async isEnabled(): Promise<boolean> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    // A desktop that hides an entry (its own "don't start" switch) writes Hidden=true into it.
    return text !== undefined && !/^Hidden\s*=\s*true\s*$/m.test(text);
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (!enabled) return rm(this.file, { force: true });
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, desktopEntry(this.command), { mode: 0o644 });
  }
}

/** The part of Electron's `app` that login items use. */
export interface LoginItems {
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/** macOS and Windows: the system's login items. On Windows the hidden flag goes in the registered command. */
export class LoginItemAutostart implements Autostart {
  readonly #args: string[];

  constructor(private readonly app: LoginItems, platform: NodeJS.Platform) {
    this.#args = platform === 'win32' ? [HIDDEN_ARG] : [];
  }

  async isEnabled(): Promise<boolean> {
    return this.app.getLoginItemSettings(this.#args.length ? { args: this.#args } : undefined).openAtLogin;
  }

  async setEnabled(enabled: boolean): Promise<void> {
    this.app.setLoginItemSettings({ openAtLogin: enabled, ...(this.#args.length ? { args: this.#args } : {}) });
  }
}

/** Whether this start came from the login items: the hidden flag (Linux, Windows) or macOS's own report. */
export function startedAtLogin(argv: readonly string[], platform: NodeJS.Platform, app: LoginItems): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
