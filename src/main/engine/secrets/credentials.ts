// The keys a connection signs with: from the environment when both variables are set (servers, CI),
// otherwise the profile's access key with the secret from the keychain.
import { appError } from '../../../shared/errors.js';
import { msg } from '../../../shared/messages.js';
import type { ConnectionProfile } from '../../../shared/profile.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { EnvSecretStore } from './env-store.js';
import type { SecretStore } from './secret-store.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Where the keys came from, for logs and the settings window ("using keys from the environment"). */
  source: 'environment' | 'keychain';
}

export interface CredentialStores {
  env: Pick<EnvSecretStore, 'keys' | 'halfSet'>;
  keychain: SecretStore;
}

export async function resolveCredentials(
  profile: Pick<ConnectionProfile, 'name' | 'accessKeyId'>,
  stores: CredentialStores,
): Promise<Result<Credentials>> {
  const envKeys = stores.env.keys();
  if (envKeys) return ok({ ...envKeys, source: 'environment' });
  const secret = await stores.keychain.get(profile.name);
  // Only one of the two variables set is most likely a mistake; say so if the keychain cannot help either.
  const halfSet = stores.env.halfSet();
  if (!secret.ok) return fail(noteHalfSet(secret.error, halfSet));
  if (secret.value === undefined) {
    const missing = appError('secret-missing', { message: msg('error.secretMissingFor', { name: profile.name }) });
    return fail(noteHalfSet(missing, halfSet));
  }
  return ok({ accessKeyId: profile.accessKeyId, secretAccessKey: secret.value, source: 'keychain' });
}

function noteHalfSet(error: AppError, halfSet: string | undefined): AppError {
  if (!halfSet) return error;
  const note = `${halfSet}; set both to use keys from the environment.`;
  return { ...error, hint: error.hint ? `${note} ${error.hint}` : note };
}
