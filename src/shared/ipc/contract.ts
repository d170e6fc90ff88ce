// The typed contract between the window and the main process. The preload exposes exactly these
// methods on window.cosSync; the main process validates every argument with these schemas.
import { z } from 'zod';
import { ConnectionProfileSchema, type ConnectionProfile } from '../profile.js';
import type { Diagnosis } from '../diagnosis.js';
import type { Result } from '../result.js';

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

const profileName = z.string().trim().min(1).max(64);
const secret = z.string().min(1).max(256);

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
}
export type OutputOf<M extends Method> = Outputs[M];

/** The API on window.cosSync, derived from the contract so it is never written twice. */
export type CosSyncApi = {
  [M in Method]: undefined extends InputOf<M>
    ? (input?: InputOf<M>) => Promise<Result<OutputOf<M>>>
    : (input: InputOf<M>) => Promise<Result<OutputOf<M>>>;
};

export const METHODS = Object.keys(contract) as Method[];
export const channelOf = (method: Method) => `cos-sync:${method}`;
