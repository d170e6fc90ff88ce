// ConnectionProfile: what the user set for one connection (no secrets), and ResolvedConnection: what
// "Auto" turned into, which is all the S3 client factory reads.
import { z } from 'zod';
import { english } from './errors.js';
import { msg } from './messages.js';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from './providers.js';

export const PROFILE_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

/** The field checks' messages (the schema carries their English; the settings window shows them translated). */
export const PROFILE_FIELD_MESSAGES = [msg('profile.nameChars'), msg('profile.accessKeyEmpty')] as const;

export const ConnectionProfileSchema = z.object({
  name: z
    .string()
    .trim()
    .regex(PROFILE_NAME_PATTERN, english(PROFILE_FIELD_MESSAGES[0])),
  provider: z.enum(PROVIDER_IDS),
  /** Normalised endpoint URL (`https://host[:port]`); empty only where the provider allows it (AWS). */
  endpoint: z.string(),
  /** `auto` or an explicit region string. */
  region: z.string().trim().min(1).default('auto'),
  addressing: z.enum(['auto', 'virtual', 'path']).default('auto'),
  signature: z.enum(['v4', 'v2']).default('v4'),
  /** The access key (SecretId) identifies the keys; the secret key lives in the keychain only. */
  accessKeyId: z.string().trim().min(1, english(PROFILE_FIELD_MESSAGES[1])),
  /** Path of a PEM file with extra CA certificates to trust (private deployments). */
  caFile: z.string().optional(),
  /** HTTP(S) proxy URL. */
  proxy: z.string().optional(),
  /** The bucket chosen in the settings, used as the default for commands that need one. */
  bucket: z.string().optional(),
});

export type ConnectionProfile = z.infer<typeof ConnectionProfileSchema>;
export type ConnectionProfileInput = z.input<typeof ConnectionProfileSchema>;

/** Everything the client factory needs, with every "auto" decided. */
export interface ResolvedConnection {
  provider: ProviderId;
  /** Endpoint URL given to the SDK, or undefined to let the SDK choose (AWS only). */
  endpoint: string | undefined;
  protocol: 'https' | 'http';
  host: string | undefined;
  port: number | undefined;
  region: string;
  regionSource: 'endpoint' | 'explicit' | 'default';
  forcePathStyle: boolean;
  addressingSource: 'auto' | 'explicit';
  signature: 'v4' | 'v2';
  /** WHEN_SUPPORTED only for AWS; WHEN_REQUIRED for every other provider (cos-s3-facts.md). */
  checksums: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** Send Content-MD5 instead of CRC32 on operations the SDK marks "checksum required". */
  md5Fallback: boolean;
  /** COS semantics: CRC64 response headers, <name>-<appid> bucket names, path-style refused. */
  cos: boolean;
  caFile: string | undefined;
  proxy: string | undefined;
}

export const presetOf = (profile: Pick<ConnectionProfile, 'provider'>) => PROVIDERS[profile.provider];
