// Keys given through environment variables, for servers and CI where there is no keychain. Read-only:
// the app cannot change its own environment, and writing the keys anywhere else would defeat the point.
import { appError } from '../../../shared/errors.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import type { SecretStore } from './secret-store.js';

export const ENV_ACCESS_KEY_ID = 'COS_SYNC_ACCESS_KEY_ID';
export const ENV_SECRET_ACCESS_KEY = 'COS_SYNC_SECRET_ACCESS_KEY';
export const ENV_SESSION_TOKEN = 'COS_SYNC_SESSION_TOKEN';

export interface EnvKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

export class EnvSecretStore implements SecretStore {
  constructor(private readonly env: EnvSource) {}

  /** The keys, when both the access key and the secret key are set (an empty value counts as unset). */
  keys(): EnvKeys | undefined {
    const accessKeyId = this.#value(ENV_ACCESS_KEY_ID);
    const secretAccessKey = this.#value(ENV_SECRET_ACCESS_KEY);
    if (!accessKeyId || !secretAccessKey) return undefined;
    const sessionToken = this.#value(ENV_SESSION_TOKEN);
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }

  /** Names a variable that is set while its partner is not, so the mistake can be pointed out. */
  halfSet(): string | undefined {
    const id = Boolean(this.#value(ENV_ACCESS_KEY_ID));
    const secret = Boolean(this.#value(ENV_SECRET_ACCESS_KEY));
    if (id === secret) return undefined;
    return id ? `${ENV_ACCESS_KEY_ID} is set but ${ENV_SECRET_ACCESS_KEY} is not` : `${ENV_SECRET_ACCESS_KEY} is set but ${ENV_ACCESS_KEY_ID} is not`;
  }

  /** The same environment keys serve every profile. */
  async get(_profileName: string): Promise<Result<string | undefined>> {
    return ok(this.keys()?.secretAccessKey);
  }

  async set(_profileName: string, _secret: string): Promise<Result<void>> {
    return fail(readOnly());
  }

  async delete(_profileName: string): Promise<Result<boolean>> {
    return fail(readOnly());
  }

  describe(): string {
    return `environment variables ${ENV_ACCESS_KEY_ID} and ${ENV_SECRET_ACCESS_KEY}`;
  }

  #value(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }
}

const readOnly = () =>
  appError('unsupported', {
    message: 'The keys come from environment variables, which cannot be changed from COS Sync.',
    hint: `Change ${ENV_ACCESS_KEY_ID} and ${ENV_SECRET_ACCESS_KEY} where COS Sync is started, or unset them to use the keychain.`,
  });
