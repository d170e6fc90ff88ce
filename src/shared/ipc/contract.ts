// The typed contract between the window and the main process. The preload exposes exactly these
// methods on window.cosSync; the main process validates every argument with these schemas.
import { z } from 'zod';
import { ConnectionProfileSchema, type ConnectionProfile } from '../profile.js';
import type { Diagnosis } from '../diagnosis.js';
import type { Result } from '../result.js';
import { DELETE_POLICIES, type FolderPair } from '../pair.js';
import { PairChangesSchema } from '../pair-edit.js';
import type { OutcomeView, PairView, SyncEventView } from './sync-view.js';
import { MAX_LINK_SECONDS, type RestoreOutcomeView, type TrashEntryView } from './files-view.js';

export type * from './sync-view.js';
export * from './files-view.js';

export interface AppInfo {
  version: string;
  platform: string;
  settingsFile: string;
  keychain: string;
}

export interface ProfileSummary {
  profile: ConnectionProfile;
  /** Whether a secret key is stored for it (the secret itself never leaves the main process). */
  hasSecret: boolean;
  resolution: string[];
}

export interface BucketList {
  /** Buckets usable with this endpoint. */
  buckets: { name: string; region?: string; created?: string }[];
  /** Buckets in other regions that this endpoint cannot reach (COS lists every region's buckets). */
  elsewhere: { name: string; region: string }[];
}

/** The app's own settings, not a connection's. */
export interface AppPreferences {
  /** Whether the app starts (in the tray, without its window) when the user logs in. */
  startAtLogin: boolean;
  /** False where start at login cannot be set (the window runs outside the desktop app). */
  startAtLoginAvailable: boolean;
  /** The window's language, which the tray and the notifications follow. */
  locale?: 'en' | 'zh-CN';
}

const profileName = z.string().trim().min(1).max(64);
const secret = z.string().min(1).max(256);
const pairId = z.string().min(1).max(128);
/** An object key relative to the pair's prefix (the engine checks it further). */
const fileKey = z.string().min(1).max(1024);

/** Connection settings as typed in the window: the secret is optional when one is already stored. */
export const DraftSchema = z.object({
  profile: ConnectionProfileSchema,
  secretAccessKey: secret.optional(),
});

export const contract = {
  appInfo: { input: z.undefined() },
  listProfiles: { input: z.undefined() },
  saveProfile: {
    input: z.object({
      profile: ConnectionProfileSchema,
      secretAccessKey: secret.optional(),
      /** The name the profile had before, when editing (renames move the secret too). */
      previousName: profileName.optional(),
    }),
  },
  removeProfile: { input: z.object({ name: profileName }) },
  testConnection: { input: DraftSchema.extend({ bucket: z.string().trim().min(1).max(255).optional() }) },
  listBuckets: { input: DraftSchema },
  createBucket: { input: DraftSchema.extend({ bucket: z.string().trim().min(1).max(255) }) },
  listPairs: { input: z.undefined() },
  addPair: {
    input: z.object({
      localPath: z.string().min(1).max(4096),
      profile: profileName,
      bucket: z.string().trim().min(1).max(255),
      /** Key prefix in the bucket; the folder's name when left out. */
      prefix: z.string().max(1024).optional(),
      deletePolicy: z.enum(DELETE_POLICIES).default('trash'),
    }),
  },
  /** Stops syncing the folder; no file is deleted, locally or in the bucket. */
  removePair: { input: z.object({ id: pairId }) },
  setPaused: { input: z.object({ id: pairId, paused: z.boolean() }) },
  /** Apply: runs the plan the safety gates held back. */
  approvePair: { input: z.object({ id: pairId }) },
  /** Keep: declines the held plan (what that means per gate: src/main/engine/sync/decline.ts); nothing is deleted. */
  declinePair: { input: z.object({ id: pairId }) },
  /** Changes a pair's delete policy, bandwidth limit, files at once or delete limits; a new bucket or prefix is refused. */
  updatePair: { input: PairChangesSchema },
  /** The folder's `.cossyncignore` rules ('' when it has none). */
  readIgnoreRules: { input: z.object({ id: pairId }) },
  /** Checks and saves the folder's `.cossyncignore` (the previous one is kept as `.cossyncignore~`). */
  saveIgnoreRules: { input: z.object({ id: pairId, text: z.string().max(1024 * 1024) }) },
  /** The latest per-item outcomes (newest last), kept by the main process for windows opened later. */
  recentActivity: { input: z.undefined() },
  /** What the engine moved to the pair's trash in the bucket, newest first. */
  listTrash: { input: z.object({ id: pairId }) },
  /** Puts trashed versions back (trash keys, original keys, or folders ending in `/`), in the bucket and the folder. */
  restoreTrash: { input: z.object({ id: pairId, items: z.array(z.string().min(1).max(1100)).min(1).max(10000) }) },
  /** Deletes for good what was trashed more than `olderThanDays` days ago; the window asks first (`confirm`). */
  emptyTrash: { input: z.object({ id: pairId, olderThanDays: z.number().int().min(0).max(36500), confirm: z.literal(true) }) },
  /** Shows the file in the system's file manager (its folder when the file is gone). */
  revealFile: { input: z.object({ id: pairId, key: fileKey }) },
  /** Copies the object's key in the bucket (prefix included) to the clipboard. */
  copyKey: { input: z.object({ id: pairId, key: fileKey }) },
  /** Copies a presigned download link to the clipboard; the link itself never reaches the window. */
  copyLink: { input: z.object({ id: pairId, key: fileKey, expiresInSeconds: z.number().int().min(60).max(MAX_LINK_SECONDS) }) },
  /** The system's folder picker (Electron only; registered by the app, not by the engine's handlers). */
  chooseFolder: { input: z.undefined() },
  /** The app's own settings (start at login, the language the tray and notifications follow). */
  preferences: { input: z.undefined() },
  setPreferences: { input: z.strictObject({ startAtLogin: z.boolean().optional(), locale: z.enum(['en', 'zh-CN']).optional() }) },
} as const;

export type Method = keyof typeof contract;
export type InputOf<M extends Method> = z.infer<(typeof contract)[M]['input']>;

interface Outputs {
  appInfo: AppInfo;
  listProfiles: ProfileSummary[];
  saveProfile: ProfileSummary;
  removeProfile: { removed: true };
  testConnection: Diagnosis;
  listBuckets: BucketList;
  createBucket: { bucket: string; region: string };
  listPairs: PairView[];
  addPair: PairView;
  removePair: { removed: true };
  setPaused: PairView[];
  approvePair: { approved: true };
  declinePair: { declined: true; paused: boolean };
  updatePair: FolderPair;
  readIgnoreRules: { text: string };
  saveIgnoreRules: { text: string };
  recentActivity: OutcomeView[];
  listTrash: TrashEntryView[];
  restoreTrash: RestoreOutcomeView[];
  emptyTrash: { deleted: number };
  revealFile: { path: string; isFile: boolean };
  copyKey: { copied: string };
  copyLink: { expiresAtMs: number };
  /** `path` is absent when the user cancelled. */
  chooseFolder: { path?: string };
  preferences: AppPreferences;
  setPreferences: AppPreferences;
}
export type OutputOf<M extends Method> = Outputs[M];

export type SyncEventListener = (event: SyncEventView) => void;

/**
 * The API on window.cosSync, derived from the contract so it is never written twice: one function per
 * method, and `onEvent` for what the main process pushes (returns the function that unsubscribes).
 */
export type CosSyncApi = {
  [M in Method]: undefined extends z.input<(typeof contract)[M]['input']>
    ? (input?: z.input<(typeof contract)[M]['input']>) => Promise<Result<OutputOf<M>>>
    : (input: z.input<(typeof contract)[M]['input']>) => Promise<Result<OutputOf<M>>>;
} & { onEvent(listener: SyncEventListener): () => void };

export const METHODS = Object.keys(contract) as Method[];
export const channelOf = (method: Method) => `cos-sync:${method}`;
/** The one channel the main process sends sync events on. */
export const EVENT_CHANNEL = 'cos-sync:event';
/** Everything the preload exposes on window.cosSync. */
export const BRIDGE_KEYS: readonly string[] = [...METHODS, 'onEvent'];
