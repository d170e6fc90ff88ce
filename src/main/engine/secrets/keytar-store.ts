// Secret keys in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux)
// through keytar. keytar is loaded on first use so the app still starts, and says why, when it is missing.
import { appError } from '../../../shared/errors.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { profileKey } from '../config/profile-name.js';
import type { SecretStore } from './secret-store.js';

/** The part of keytar this store uses; tests pass a fake with the same shape. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export type KeytarLoader = () => Promise<KeytarModule>;

export const KEYCHAIN_SERVICE = 'cos-sync';

/** Loads the real native module; a failure (not installed, built for another ABI) becomes `keychain-unavailable`. */
export const loadKeytar: KeytarLoader = async () => {
  const mod: { default?: KeytarModule } & Partial<KeytarModule> = await import('keytar');
  return mod.default ?? (mod as KeytarModule);
};

export interface KeytarStoreOptions {
  /** Keychain service name; tests use their own so they never touch the user's entries. */
  service?: string;
  load?: KeytarLoader;
  platform?: NodeJS.Platform;
}

/** What keytar's usual failures mean, in plainer words, for the error's detail. */
const KNOWN_CAUSES: ReadonlyArray<readonly [RegExp, string]> = [
  [/autolaunch D-Bus without X11/i, 'there is no D-Bus session (no desktop session, or DBUS_SESSION_BUS_ADDRESS unset)'],
  [/org\.freedesktop\.secrets was not provided/i, 'no Secret Service (GNOME Keyring or KWallet) is installed or running'],
  [/Could not connect|Failed to connect to socket/i, 'the D-Bus session bus could not be reached'],
  [/NODE_MODULE_VERSION|Cannot find module|Cannot find package|ERR_DLOPEN_FAILED/i, 'the keychain module is missing or was built for another Node or Electron version'],
  [/cancel/i, 'the keychain prompt was cancelled'],
];

export class KeytarSecretStore implements SecretStore {
  readonly service: string;
  readonly #load: KeytarLoader;
  readonly #platform: NodeJS.Platform;
  #keytar: Promise<Result<KeytarModule>> | undefined;

  constructor(options: KeytarStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.#load = options.load ?? loadKeytar;
    this.#platform = options.platform ?? process.platform;
  }

  get(profileName: string): Promise<Result<string | undefined>> {
    return this.#call('read the secret key', profileName, async (keytar, account) => {
      const secret = await keytar.getPassword(this.service, account);
      return secret ?? undefined;
    });
  }

  async set(profileName: string, secret: string): Promise<Result<void>> {
    // keytar refuses an empty password with a plain Error, which would otherwise read as "keychain unavailable".
    if (secret === '') return fail(appError('invalid-argument', { message: 'The secret key is empty.' }));
    return this.#call('save the secret key', profileName, (keytar, account) =>
      keytar.setPassword(this.service, account, secret),
    );
  }

  delete(profileName: string): Promise<Result<boolean>> {
    return this.#call('delete the secret key', profileName, (keytar, account) =>
      keytar.deletePassword(this.service, account),
    );
  }

  describe(): string {
    const names: Partial<Record<NodeJS.Platform, string>> = {
      darwin: 'the macOS Keychain',
      win32: 'Windows Credential Manager',
    };
    return `${names[this.#platform] ?? 'the Secret Service keyring (GNOME Keyring or KWallet)'}, under "${this.service}"`;
  }

  /** The account is the profile's comparison key, so "Work" and "work" find the same secret. */
  async #call<T>(
    action: string,
    profileName: string,
    operation: (keytar: KeytarModule, account: string) => Promise<T>,
  ): Promise<Result<T>> {
    const account = profileKey(profileName);
    if (account === '') return fail(appError('invalid-argument', { message: 'The profile name is empty.' }));
    const keytar = await this.#module();
    if (!keytar.ok) return keytar;
    try {
      return ok(await operation(keytar.value, account));
    } catch (error) {
      // Never fall back to another store here: the caller shows the error, and secrets stay out of files.
      return fail(keychainUnavailable(`could not ${action}`, error));
    }
  }

  #module(): Promise<Result<KeytarModule>> {
    this.#keytar ??= this.#load().then(
      (keytar) => ok(keytar),
      (error: unknown) => fail<KeytarModule>(keychainUnavailable('could not load the keychain module', error)),
    );
    return this.#keytar;
  }
}

/** `keychain-unavailable` with the catalogue's hint; the underlying reason goes in `detail`. */
export function keychainUnavailable(action: string, error: unknown): AppError {
  const reason = error instanceof Error ? error.message : String(error);
  const cause = KNOWN_CAUSES.find(([pattern]) => pattern.test(reason))?.[1];
  return appError('keychain-unavailable', { detail: `${action}: ${reason}${cause ? ` (${cause})` : ''}` });
}
