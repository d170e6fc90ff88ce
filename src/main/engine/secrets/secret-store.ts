// Where a profile's secret key lives. Implementations: the OS keychain (keytar) and, read-only, the
// environment (servers and CI). There is deliberately no file-backed store: secrets never touch disk in plain text.
import type { Result } from '../../../shared/result.js';

export interface SecretStore {
  /** The secret for the profile, or undefined when none is stored. */
  get(profileName: string): Promise<Result<string | undefined>>;
  set(profileName: string, secret: string): Promise<Result<void>>;
  /** True when a secret was there to delete. */
  delete(profileName: string): Promise<Result<boolean>>;
  /** Where the secrets are kept, in the user's words (for logs and the settings window). */
  describe(): string;
}
