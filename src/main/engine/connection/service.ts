// Connection profiles as the user sees them: saved settings plus the secret in the keychain, opened into S3
// clients, diagnosed, and used to list and create buckets. The window's IPC and the CLI both call this.
import { readFile } from 'node:fs/promises';
import { appError, AppFailure } from '../../../shared/errors.js';
import { msg } from '../../../shared/messages.js';
import type { ConnectionProfile, ConnectionProfileInput, ResolvedConnection } from '../../../shared/profile.js';
import { ConnectionProfileSchema } from '../../../shared/profile.js';
import { describeResolution, resolveConnection } from '../../../shared/resolve.js';
import type { BucketList, ProfileSummary } from '../../../shared/ipc/contract.js';
import type { Diagnosis } from '../../../shared/diagnosis.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { SettingsStore } from '../config/settings-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { EnvSecretStore } from '../secrets/env-store.js';
import { resolveCredentials } from '../secrets/credentials.js';
import { createS3Client, type Credentials, type S3Connection, type ClientDeps } from '../s3/client-factory.js';
import { diagnose, settingsFailure } from './diagnose.js';
import { createBucket, listBuckets } from './buckets.js';

/** A saved profile by name, or settings typed in the window that are not saved yet. */
export type ProfileRef = { name: string } | { profile: ConnectionProfileInput; secretAccessKey?: string };

export interface ConnectionServiceDeps {
  settings: SettingsStore;
  keychain: SecretStore;
  envKeys: EnvSecretStore;
  /** Network overrides (tests map every host to loopback; the clock can be skewed). */
  network?: Pick<ClientDeps, 'lookup' | 'now'>;
}

interface Opened {
  profile: ConnectionProfile;
  resolved: ResolvedConnection;
  credentials: Credentials;
  caPem?: string;
}

export class ConnectionService {
  constructor(private readonly deps: ConnectionServiceDeps) {}

  async listProfiles(): Promise<Result<ProfileSummary[]>> {
    const summaries: ProfileSummary[] = [];
    for (const profile of this.deps.settings.listProfiles()) summaries.push(await this.summary(profile));
    return ok(summaries);
  }

  async getProfile(name: string): Promise<Result<ProfileSummary>> {
    const found = this.deps.settings.getProfile(name);
    return found.ok ? ok(await this.summary(found.value)) : found;
  }

  async saveProfile(input: { profile: ConnectionProfileInput; secretAccessKey?: string; previousName?: string; replace?: boolean }): Promise<Result<ProfileSummary>> {
    const parsed = parseProfile(input.profile);
    if (!parsed.ok) return parsed;
    const resolved = resolveConnection(parsed.value);
    if (!resolved.ok) return resolved;
    const renaming = input.previousName !== undefined && input.previousName !== parsed.value.name;
    const replace = input.replace ?? (input.previousName !== undefined && !renaming);
    const saved = await this.deps.settings.putProfile(parsed.value, { replace });
    if (!saved.ok) return saved;
    const secret = input.secretAccessKey ?? (renaming ? await this.storedSecret(input.previousName!) : undefined);
    if (secret !== undefined) {
      const stored = await this.deps.keychain.set(saved.value.name, secret);
      if (!stored.ok) return stored;
    }
    if (renaming) await this.removeProfile(input.previousName!);
    return ok(await this.summary(saved.value));
  }

  async removeProfile(name: string): Promise<Result<{ removed: true }>> {
    const removed = await this.deps.settings.removeProfile(name);
    if (!removed.ok) return removed;
    const secret = await this.deps.keychain.delete(removed.value.name);
    // The profile is gone; a keychain that cannot be reached leaves an orphan secret, which is reported.
    if (!secret.ok) return fail({ ...secret.error, message: `The profile was removed, but its secret key could not be deleted from the keychain: ${secret.error.message}` });
    return ok({ removed: true });
  }

  async diagnose(ref: ProfileRef, target: { bucket?: string; prefix?: string } = {}): Promise<Result<Diagnosis>> {
    const opened = await this.open(ref);
    if (!opened.ok) {
      const settingsProblem = ['invalid-endpoint', 'invalid-profile', 'invalid-bucket-name', 'secret-missing', 'keychain-unavailable', 'ca-unreadable', 'invalid-proxy'];
      return settingsProblem.includes(opened.error.code) ? ok(settingsFailure(opened.error)) : opened;
    }
    const { resolved, credentials, caPem, profile } = opened.value;
    return ok(
      await diagnose({
        resolved,
        credentials,
        bucket: target.bucket ?? profile.bucket,
        prefix: target.prefix,
        caPem,
        lookup: this.deps.network?.lookup,
        now: this.deps.network?.now,
        connect: (r, c) => this.client(r, c),
      }),
    );
  }

  async listBuckets(ref: ProfileRef): Promise<Result<BucketList>> {
    return this.withConnection(ref, (connection) => listBuckets(connection));
  }

  async createBucket(ref: ProfileRef, bucket: string): Promise<Result<{ bucket: string; region: string }>> {
    return this.withConnection(ref, (connection) => createBucket(connection, bucket));
  }

  /** Opens an S3 connection for a profile; the caller must destroy() it. */
  async connect(ref: ProfileRef): Promise<Result<S3Connection>> {
    const opened = await this.open(ref);
    if (!opened.ok) return opened;
    return ok(await this.client(opened.value.resolved, opened.value.credentials));
  }

  private async withConnection<T>(ref: ProfileRef, use: (connection: S3Connection) => Promise<T>): Promise<Result<T>> {
    const connection = await this.connect(ref);
    if (!connection.ok) return connection;
    try {
      return ok(await use(connection.value));
    } catch (err) {
      if (err instanceof AppFailure) return fail(err.appError);
      throw err;
    } finally {
      connection.value.destroy();
    }
  }

  private client(resolved: ResolvedConnection, credentials: Credentials): Promise<S3Connection> {
    return createS3Client(resolved, credentials, { ...this.deps.network });
  }

  private async open(ref: ProfileRef): Promise<Result<Opened>> {
    const profile = 'name' in ref ? this.deps.settings.getProfile(ref.name) : parseProfile(ref.profile);
    if (!profile.ok) return profile;
    const resolved = resolveConnection(profile.value);
    if (!resolved.ok) return resolved;
    const typed = 'name' in ref ? undefined : ref.secretAccessKey;
    const credentials = await this.credentials(profile.value, typed);
    if (!credentials.ok) return credentials;
    const caPem = await readCa(profile.value.caFile);
    if (!caPem.ok) return caPem;
    return ok({ profile: profile.value, resolved: resolved.value, credentials: credentials.value, ...(caPem.value ? { caPem: caPem.value } : {}) });
  }

  /** A secret typed in the window first (testing before saving), then the environment's keys, then the keychain. */
  private async credentials(profile: ConnectionProfile, typed?: string): Promise<Result<Credentials>> {
    if (typed) return ok({ accessKeyId: profile.accessKeyId, secretAccessKey: typed });
    return resolveCredentials(profile, { env: this.deps.envKeys, keychain: this.deps.keychain });
  }

  private async storedSecret(name: string): Promise<string | undefined> {
    const stored = await this.deps.keychain.get(name);
    return stored.ok ? stored.value : undefined;
  }

  private async summary(profile: ConnectionProfile): Promise<ProfileSummary> {
    const stored = await this.deps.keychain.get(profile.name);
    const resolved = resolveConnection(profile);
    return {
      profile,
      hasSecret: (stored.ok && stored.value !== undefined) || this.deps.envKeys.keys() !== undefined,
      resolution: resolved.ok ? describeResolution(resolved.value) : [resolved.error.message],
    };
  }
}

function parseProfile(input: ConnectionProfileInput): Result<ConnectionProfile> {
  const parsed = ConnectionProfileSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'profile'}: ${i.message}`).join('; ');
  return fail(appError('invalid-profile', { message: msg('error.profileInvalid', { detail: issues }) }));
}

async function readCa(file: string | undefined): Promise<Result<string | undefined>> {
  if (!file) return ok(undefined);
  try {
    const pem = await readFile(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) return fail(appError('ca-unreadable', { detail: `${file} holds no PEM certificate` }));
    return ok(pem);
  } catch (err) {
    return fail(appError('ca-unreadable', { detail: `${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }));
  }
}
