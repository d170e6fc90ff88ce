// The settings file's format: a versioned JSON document checked by a zod schema, and the migrations that
// bring older versions up to date. Parsing is pure; the store decides what to do with each outcome.
import { z } from 'zod';
import { msg, type Msg } from '../../../shared/messages.js';
import { ConnectionProfileSchema } from '../../../shared/profile.js';
import { FolderPairSchema } from '../../../shared/pair.js';
import { profileKey } from './profile-name.js';

export const SETTINGS_VERSION = 1;

const ProfileListSchema = z.array(ConnectionProfileSchema).superRefine((profiles, ctx) => {
  const seen = new Set<string>();
  profiles.forEach((profile, index) => {
    const key = profileKey(profile.name);
    if (seen.has(key)) {
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `Two profiles are named "${profile.name}".` });
    }
    seen.add(key);
  });
});

export const SettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  profiles: ProfileListSchema.default([]),
  pairs: z.array(FolderPairSchema).default([]),
  preferences: z.record(z.string(), z.unknown()).default({}),
});

export type Settings = z.infer<typeof SettingsSchema>;

export const emptySettings = (): Settings => ({ version: SETTINGS_VERSION, profiles: [], pairs: [], preferences: {} });

type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

/** `MIGRATIONS[n]` turns a version-n document into version n+1. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // Version 0 is a document without a `version` field (hand-written, or from builds before versioning);
  // its fields already match version 1, and the schema's defaults fill in what is missing.
  0: (old) => ({ ...old, version: 1 }),
};

export type ParsedSettings =
  | { kind: 'ok'; settings: Settings; migratedFrom?: number }
  | { kind: 'corrupt'; reason: Msg; detail: string }
  | { kind: 'too-new'; version: number };

/** Reads the text of a settings file: JSON, then version check, migrations, then the schema. */
export function parseSettingsText(text: string): ParsedSettings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return corrupt(msg('settings.notJson'), error instanceof Error ? error.message : String(error));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return corrupt(msg('settings.notObject'), `top-level value is ${describeValue(json)}`);
  }
  return parseDocument(json as Record<string, unknown>);
}

function parseDocument(doc: Record<string, unknown>): ParsedSettings {
  const version = doc.version ?? 0;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    return corrupt(msg('settings.badVersion'), `version is ${describeValue(version)}`);
  }
  if (version > SETTINGS_VERSION) return { kind: 'too-new', version };
  const migrated = migrate(doc, version);
  if ('reason' in migrated) return migrated;
  const result = SettingsSchema.safeParse(migrated.doc);
  if (!result.success) return corrupt(msg('settings.badValues'), describeIssues(result.error));
  return { kind: 'ok', settings: result.data, ...(version < SETTINGS_VERSION ? { migratedFrom: version } : {}) };
}

function migrate(
  doc: Record<string, unknown>,
  from: number,
): { doc: Record<string, unknown> } | Extract<ParsedSettings, { kind: 'corrupt' }> {
  let current = doc;
  for (let version = from; version < SETTINGS_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (!step) return corrupt(msg('settings.tooOld', { version: from }), `no migration from version ${version}`);
    current = step(current);
  }
  return { doc: current };
}

const corrupt = (reason: Msg, detail: string) => ({ kind: 'corrupt' as const, reason, detail });

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the text ${JSON.stringify(value)}` : `a ${typeof value}`;
}

/** "profiles.0.accessKeyId: Enter the access key (SecretId)." for the first few issues. */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const where = issue.path.map(String).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length - limit;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}
