// The app's own settings, kept in the settings file's `preferences` (read leniently: an unknown or broken
// value is ignored, never fatal). Start at login lives in the system (login items or the XDG autostart
// entry), so it is read from there each time; the shell passes that in, and without it (the window run
// outside the desktop app) the setting is shown as unavailable.
import { z } from 'zod';
import { appError } from '../../shared/errors.js';
import { fail, ok, type Result } from '../../shared/result.js';
import type { AppPreferences, InputOf } from '../../shared/ipc/contract.js';
import type { SettingsStore } from './config/settings-store.js';

export interface PreferenceHooks {
  autostart?: { isEnabled(): Promise<boolean>; setEnabled(enabled: boolean): Promise<void> };
  /** Told after every change (the tray follows the window's language). */
  onChange?(preferences: AppPreferences): void;
}

const StoredSchema = z.object({
  locale: z.enum(['en', 'zh-CN']).optional().catch(undefined),
  closeNoticeShown: z.boolean().optional().catch(undefined),
});
export type StoredPreferences = z.infer<typeof StoredSchema>;

export function storedPreferences(settings: SettingsStore): StoredPreferences {
  const parsed = StoredSchema.safeParse(settings.get().preferences);
  if (!parsed.success) return {};
  return Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined)) as StoredPreferences;
}

export async function storePreferences(settings: SettingsStore, patch: StoredPreferences): Promise<Result<StoredPreferences>> {
  const saved = await settings.update((current) => ({ ...current, preferences: { ...current.preferences, ...patch } }));
  return saved.ok ? ok(storedPreferences(settings)) : saved;
}

export function preferenceHandlers(settings: SettingsStore, hooks: PreferenceHooks = {}) {
  const current = async (): Promise<AppPreferences> => {
    const { locale } = storedPreferences(settings);
    const startAtLogin = hooks.autostart ? await hooks.autostart.isEnabled() : false;
    return { startAtLogin, startAtLoginAvailable: hooks.autostart !== undefined, ...(locale ? { locale } : {}) };
  };
  return {
    preferences: async (): Promise<Result<AppPreferences>> => ok(await current()),
    setPreferences: async (input: InputOf<'setPreferences'>): Promise<Result<AppPreferences>> => {
      if (input.startAtLogin !== undefined) {
        if (!hooks.autostart) {
          return fail(appError('invalid-argument', { message: 'Start at login can only be set in the COS Sync desktop app.' }));
        }
        try {
          await hooks.autostart.setEnabled(input.startAtLogin);
        } catch (error) {
          return fail(appError('settings-write-failed', {
            message: `Start at login could not be ${input.startAtLogin ? 'turned on' : 'turned off'}.`,
            hint: 'Check that your user can write to its login items (on Linux, ~/.config/autostart).',
            detail: error instanceof Error ? error.message : String(error),
          }));
        }
      }
      if (input.locale !== undefined && input.locale !== storedPreferences(settings).locale) {
        const saved = await storePreferences(settings, { locale: input.locale });
        if (!saved.ok) return saved;
      }
      const next = await current();
      hooks.onChange?.(next);
      return ok(next);
    },
  };
}
