// The settings file (profiles now, folder pairs and preferences later): loaded and checked once, changed
// only through one queue of atomic writes, and never silently replaced when it cannot be read.
import { appError } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import {
  ConnectionProfileSchema,
  type ConnectionProfile,
  type ConnectionProfileInput,
} from '../../../shared/profile.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import { copyIfAbsent, moveAside, readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { sameProfileName } from './profile-name.js';
import {
  SETTINGS_VERSION,
  SettingsSchema,
  describeIssues,
  emptySettings,
  parseSettingsText,
  type ParsedSettings,
  type Settings,
} from './settings-schema.js';

export { SETTINGS_VERSION, SettingsSchema, emptySettings, type Settings } from './settings-schema.js';

/** A change to the settings: the next settings, or a failure that leaves the file as it is. */
export type SettingsChange = (current: Settings) => Settings | Result<Settings>;

export interface SettingsStore {
  /** Reads the file. On `settings-corrupt` the store goes on with empty settings (the bad file is kept aside). */
  load(): Promise<Result<Settings>>;
  /** The settings as last loaded or saved (deeply frozen: change them through `update`). */
  get(): Settings;
  /** Applies `change` to the freshest settings and saves them; changes run one at a time, in call order. */
  update(change: SettingsChange): Promise<Result<Settings>>;
  listProfiles(): readonly ConnectionProfile[];
  getProfile(name: string): Result<ConnectionProfile>;
  /** Adds a profile; with `replace` it also overwrites one of the same name (in any case). */
  putProfile(profile: ConnectionProfileInput, options?: { replace?: boolean }): Promise<Result<ConnectionProfile>>;
  /** Removes a profile and returns it. Its secret is the caller's to delete from the SecretStore. */
  removeProfile(name: string): Promise<Result<ConnectionProfile>>;
}

export interface SettingsFileOptions {
  /** Path of the settings file (`resolvePaths(...).settingsFile`). */
  file: string;
  /** Clock for the name of a kept-aside file; injectable for tests. */
  now?: () => Date;
}

export class SettingsFile implements SettingsStore {
  readonly #file: string;
  readonly #now: () => Date;
  #settings: Settings = freeze(emptySettings());
  /** The file's text as we last read or wrote it; another text means another process changed it. */
  #seenText: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SettingsFileOptions) {
    this.#file = options.file;
    this.#now = options.now ?? (() => new Date());
  }

  load(): Promise<Result<Settings>> {
    return this.#enqueue(() => this.#refresh(true));
  }

  get(): Settings {
    return this.#settings;
  }

  update(change: SettingsChange): Promise<Result<Settings>> {
    return this.#enqueue(async () => {
      // Re-read first so a profile the CLI added while the app ran is not lost by the app's next save.
      const fresh = await this.#refresh(false);
      if (!fresh.ok) return fresh;
      const next = applyChange(change, fresh.value);
      if (!next.ok) return next;
      const text = `${JSON.stringify(next.value, null, 2)}\n`;
      try {
        await writeFileAtomic(this.#file, text);
      } catch (error) {
        return fail(writeFailed(this.#file, error));
      }
      this.#settings = next.value;
      this.#seenText = text;
      return ok(next.value);
    });
  }

  listProfiles(): readonly ConnectionProfile[] {
    return this.#settings.profiles;
  }

  getProfile(name: string): Result<ConnectionProfile> {
    const found = this.#settings.profiles.find((p) => sameProfileName(p.name, name));
    return found ? ok(found) : fail(profileNotFound(name));
  }

  async putProfile(input: ConnectionProfileInput, options: { replace?: boolean } = {}): Promise<Result<ConnectionProfile>> {
    // Parsing drops every key the schema does not name, so a secret passed in by mistake never reaches the file.
    const parsed = ConnectionProfileSchema.safeParse(input);
    if (!parsed.success) return fail(invalidProfile(describeIssues(parsed.error)));
    const profile = parsed.data;
    const saved = await this.update((current) => withProfile(current, profile, options.replace ?? false));
    if (!saved.ok) return saved;
    const stored = saved.value.profiles.find((p) => sameProfileName(p.name, profile.name));
    return stored ? ok(stored) : fail(profileNotFound(profile.name));
  }

  async removeProfile(name: string): Promise<Result<ConnectionProfile>> {
    let removed: ConnectionProfile | undefined;
    const saved = await this.update((current) => {
      removed = current.profiles.find((p) => sameProfileName(p.name, name));
      if (!removed) return fail(profileNotFound(name));
      return { ...current, profiles: current.profiles.filter((p) => p !== removed) };
    });
    if (!saved.ok) return saved;
    return removed ? ok(removed) : fail(profileNotFound(name));
  }

  /** Runs tasks one after another; a failed task does not stop the ones queued behind it. */
  #enqueue<T>(task: () => Promise<Result<T>>): Promise<Result<T>> {
    const run = this.#queue.then(() => guard(task));
    this.#queue = run;
    return run;
  }

  /** Brings the in-memory settings up to date with the file. `initial` resets them when the file is unusable. */
  async #refresh(initial: boolean): Promise<Result<Settings>> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(this.#file);
    } catch (error) {
      return fail(unreadable(this.#file, error));
    }
    // A file deleted while we run is recreated from memory by the next save, rather than emptied.
    if (text === undefined) {
      if (initial) this.#adopt(emptySettings(), undefined);
      return ok(this.#settings);
    }
    if (text === this.#seenText) return ok(this.#settings);
    if (initial) this.#adopt(emptySettings(), undefined);
    return this.#accept(text, parseSettingsText(text));
  }

  async #accept(text: string, parsed: ParsedSettings): Promise<Result<Settings>> {
    if (parsed.kind === 'too-new') return fail(tooNew(this.#file, parsed.version));
    if (parsed.kind === 'corrupt') return fail(await this.#keepAside(parsed));
    if (parsed.migratedFrom !== undefined) {
      // The original stays readable by the older version that wrote it, should the user go back to it.
      const backup = this.#file.replace(/(\.json)?$/, `.v${parsed.migratedFrom}.json`);
      try {
        await copyIfAbsent(this.#file, backup);
      } catch (error) {
        return fail(writeFailed(backup, error));
      }
    }
    this.#adopt(parsed.settings, text);
    return ok(this.#settings);
  }

  async #keepAside(parsed: Extract<ParsedSettings, { kind: 'corrupt' }>): Promise<AppError> {
    try {
      const aside = await moveAside(this.#file, 'corrupt', this.#now());
      return corruptKeptAside(aside, parsed);
    } catch (error) {
      // Not moved, so not safe to write over: every later save re-reads the file and refuses again.
      return appError('settings-corrupt', {
        message: msg('settings.notMovedAside', { reason: parsed.reason }),
        hint: msg('settings.fixOrRemove', { file: this.#file }),
        detail: `${parsed.detail}; moving it aside failed: ${messageOf(error)}`,
      });
    }
  }

  #adopt(settings: Settings, text: string | undefined): void {
    this.#settings = freeze(settings);
    this.#seenText = text;
  }
}

/** Adds or replaces `profile`; the replacement keeps the old one's place in the list. */
function withProfile(current: Settings, profile: ConnectionProfile, replace: boolean): Result<Settings> {
  const index = current.profiles.findIndex((p) => sameProfileName(p.name, profile.name));
  if (index === -1) return ok({ ...current, profiles: [...current.profiles, profile] });
  if (!replace) return fail(profileExists(profile.name));
  return ok({ ...current, profiles: current.profiles.map((p, i) => (i === index ? profile : p)) });
}

function applyChange(change: SettingsChange, current: Settings): Result<Settings> {
  const next = change(current);
  const proposed = isResult(next) ? next : ok(next);
  if (!proposed.ok) return proposed;
  const checked = SettingsSchema.safeParse(proposed.value);
  if (!checked.success) {
    return fail(appError('invalid-argument', { message: msg('settings.invalid'), detail: describeIssues(checked.error) }));
  }
  return ok(freeze(checked.data));
}

const isResult = (value: Settings | Result<Settings>): value is Result<Settings> => 'ok' in value;

async function guard<T>(task: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await task();
  } catch (error) {
    return fail(appError('unknown', { detail: messageOf(error) }));
  }
}

/** Frozen so that a caller changing what `get()` returned fails loudly instead of bypassing the file. */
function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  }
  return value;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const profileNotFound = (name: string) =>
  appError('profile-not-found', { message: msg('error.profileNamed', { name }) });

const profileExists = (name: string) =>
  appError('profile-exists', { message: msg('error.profileNameTaken', { name }) });

const invalidProfile = (detail: string) =>
  appError('invalid-profile', { message: msg('error.profileInvalid', { detail }), detail });

const corruptKeptAside = (aside: string, parsed: { reason: Msg; detail: string }) =>
  appError('settings-corrupt', {
    message: msg('settings.keptAside', { reason: parsed.reason, aside }),
    hint: msg('settings.keptAsideHint'),
    detail: `${parsed.detail} (kept aside: ${aside})`,
  });

const tooNew = (file: string, version: number) =>
  appError('unsupported', {
    message: msg('settings.tooNew', { version, supported: SETTINGS_VERSION }),
    hint: msg('settings.tooNewHint'),
    detail: file,
  });

const unreadable = (file: string, error: unknown) =>
  appError('unknown', {
    message: msg('settings.unreadable'),
    hint: msg('settings.unreadableHint', { file }),
    detail: messageOf(error),
  });

const writeFailed = (file: string, error: unknown) =>
  appError('settings-write-failed', {
    hint: msg('settings.writeFailedHint', { file }),
    detail: messageOf(error),
  });
