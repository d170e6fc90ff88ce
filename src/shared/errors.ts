// The catalogue of error codes: each has a message in the user's words and, where one exists, what to do.
// Engine, CLI and window all speak these codes, so a failure reads the same everywhere.
import type { AppError } from './result.js';
import { fill, MESSAGES, type Msg } from './messages.js';

interface Entry {
  message: string;
  hint?: string;
}

const CATALOGUE = {
  'invalid-endpoint': { message: 'The service endpoint is not valid.' },
  'invalid-bucket-name': { message: 'The bucket name is not valid.' },
  'invalid-profile': { message: 'The connection settings are not valid.' },
  'invalid-argument': { message: 'A value is not valid.' },
  'profile-not-found': {
    message: 'There is no connection profile with that name.',
    hint: 'List the profiles with `cos-sync profile list`, or add one with `cos-sync profile add`.',
  },
  'profile-exists': {
    message: 'A connection profile with that name already exists.',
    hint: 'Choose another name, or remove the old profile first.',
  },
  'settings-corrupt': {
    message: 'The settings file could not be read; it was kept aside and nothing was changed in it.',
  },
  'settings-write-failed': { message: 'The settings could not be saved.' },
  'keychain-unavailable': {
    message: 'The system keychain is not available, so the secret key cannot be stored safely.',
    hint:
      'On Linux start a Secret Service (GNOME Keyring or KWallet) and unlock it, or give the keys through ' +
      'COS_SYNC_ACCESS_KEY_ID and COS_SYNC_SECRET_ACCESS_KEY. Secrets are never written to a plain file.',
  },
  'secret-missing': {
    message: 'No secret key is stored for this profile.',
    hint: 'Enter the secret key (SecretKey) again in the profile settings, or run `cos-sync profile add` again.',
  },
  'ca-unreadable': {
    message: 'The custom CA certificate file could not be read.',
    hint: 'Choose a PEM file (it starts with "-----BEGIN CERTIFICATE-----").',
  },
  'invalid-proxy': {
    message: 'The proxy address is not valid.',
    hint: 'Use the form http://host:port or http://user:password@host:port.',
  },
  'insecure-http': {
    message: 'The connection uses plain HTTP: your files and requests travel unencrypted.',
    hint: 'Use HTTPS (port 443) unless the service is on a private network you trust.',
  },
  'dns-failed': {
    message: 'The endpoint host name could not be found.',
    hint: 'Check the spelling of the endpoint, and your network or DNS settings.',
  },
  'connect-refused': {
    message: 'The endpoint refused the connection.',
    hint: 'Check the protocol (HTTPS or HTTP) and the port, and that the service is running.',
  },
  'connect-timeout': {
    message: 'The endpoint did not answer in time.',
    hint: 'Check your network, firewall or proxy settings.',
  },
  'network': {
    message: 'The connection to the endpoint failed.',
    hint: 'Check your network, and the protocol and port of the endpoint.',
  },
  'tls-untrusted': {
    message: "The endpoint's certificate is not trusted.",
    hint:
      'If this is a private deployment with its own certificate authority, choose its CA certificate under ' +
      'Advanced > Custom CA certificate. Otherwise something between you and the service is intercepting the connection.',
  },
  'tls-hostname-mismatch': {
    message: "The endpoint's certificate is for a different host name.",
    hint: 'Check the endpoint host name; for a private deployment, use the name its certificate was issued for.',
  },
  'tls-expired': {
    message: "The endpoint's certificate has expired or is not yet valid.",
    hint: "Check your computer's date and time; if it is right, the service's certificate must be renewed.",
  },
  'tls-failed': {
    message: 'A secure (HTTPS) connection to the endpoint could not be made.',
    hint: 'Check that the port speaks HTTPS; if the service only offers HTTP, switch the protocol under Advanced.',
  },
  'access-key-unknown': {
    message: 'The access key (SecretId) is not recognised by the service.',
    hint: 'Copy the SecretId again from the API key page of your provider; check it belongs to this provider.',
  },
  'signature-mismatch': {
    message: 'The secret key (SecretKey) does not match the access key.',
    hint: 'Copy the SecretKey again, without spaces; check it is the one that belongs to this SecretId.',
  },
  'clock-skewed': {
    message: "Your computer's clock differs too much from the service's clock.",
    hint: 'Turn on automatic date and time (network time) in your system settings.',
  },
  'no-such-bucket': {
    message: 'The bucket does not exist at this endpoint.',
    hint:
      'Check the bucket name (on COS it is <BucketName-APPID>) and that the endpoint is in the region where the ' +
      'bucket was created.',
  },
  'path-style-forbidden': {
    message: 'The service refuses path-style addressing for this bucket.',
    hint: 'Set Advanced > Addressing to "Auto" or "Virtual-hosted".',
  },
  'access-denied': {
    message: 'The keys do not have permission for this operation.',
    hint: 'Grant these keys access to the bucket (for COS, in the CAM console) or use keys that have it.',
  },
  'key-too-long': { message: 'The object name is too long for this service.' },
  'invalid-bucket-name-server': {
    message: 'The service refused the bucket name.',
    hint: 'On COS the bucket name has the form <BucketName-APPID>, e.g. examplebucket-1250000000.',
  },
  'bucket-exists': {
    message: 'A bucket with this name already exists and belongs to someone else.',
    hint: 'Bucket names are global on most services: choose another name.',
  },
  'bucket-owned': { message: 'You already own a bucket with this name.' },
  'bucket-create-unsupported': {
    message: 'This service does not let this app create buckets.',
    hint: "Create the bucket in the provider's console, then choose it here.",
  },
  'entity-too-small': { message: 'A part of a multipart upload was smaller than the service allows.' },
  'no-such-upload': { message: 'The multipart upload no longer exists on the service.' },
  'no-such-key': { message: 'The object does not exist in the bucket.' },
  'wrong-region': {
    message: 'The bucket is in another region than the one this connection uses.',
    hint: 'Set the region (or the endpoint) to the bucket\'s region.',
  },
  'precondition-failed': {
    message: 'The object changed on the service since it was last seen.',
    hint: 'It is scanned again before anything else is done to it.',
  },
  'remote-changed': {
    message: 'The file was changed in the bucket since it was last synced, so it was not overwritten.',
    hint: 'It is compared again on the next scan.',
  },
  'file-unreadable': {
    message: 'The file could not be read.',
    hint: 'Check that it exists and that you are allowed to open it; it is tried again later.',
  },
  'file-too-large': {
    message: 'The file is larger than the service accepts (10,000 parts of at most 5 GiB).',
  },
  'invalid-object-state': {
    message: 'The object is archived and must be restored before it can be read.',
    hint: "Restore it in the provider's console, or change its storage class.",
  },
  'bad-digest': {
    message: 'The data arrived at the service damaged (checksum mismatch).',
    hint: 'This is retried automatically; if it persists, check for a proxy that alters requests.',
  },
  'throttled': { message: 'The service asked to slow down.', hint: 'This is retried automatically.' },
  'server-error': {
    message: 'The service had an internal error.',
    hint: 'This is retried automatically; if it persists, check the provider\'s status page.',
  },
  'pair-overlap': { message: 'This folder pair overlaps another one.' },
  'pair-not-found': {
    message: 'There is no folder pair with that id.',
    hint: 'List the pairs with `cos-sync pair list`.',
  },
  'not-in-trash': {
    message: "Nothing in the bucket's trash matches.",
    hint: 'List the trash with `cos-sync trash list <pair|folder>` and give a path from it (a folder ends in “/”).',
  },
  'root-missing': {
    message: 'The synced folder is missing or cannot be read.',
    hint: 'Reconnect the drive or restore the folder; nothing was deleted in the bucket.',
  },
  'watch-limit': {
    message: 'The system ran out of file watches, so changes are picked up by timed scans only.',
    hint: 'Raise the limit: `sudo sysctl fs.inotify.max_user_watches=524288` (add it to /etc/sysctl.conf to keep it).',
  },
  'plan-declined': { message: 'You chose Keep on a held plan: nothing in the bucket was changed.' },
  'unsupported': { message: 'This operation is not supported by the service.' },
  'cancelled': { message: 'The operation was cancelled.' },
  'unknown': { message: 'Something unexpected went wrong.' },
} satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof CATALOGUE;

export const ERROR_CODES = Object.keys(CATALOGUE) as ErrorCode[];

/** The catalogue's own message and hint of a code (English). */
export const catalogueEntry = (code: ErrorCode): Entry => CATALOGUE[code];

/**
 * Builds an AppError from the catalogue; `message` and `hint` override the defaults when a case knows more.
 * Given as messages (ids with parameters), they reach the window translatable; plain strings stay English.
 */
export function appError(
  code: ErrorCode,
  extra: { message?: string | Msg; hint?: string | Msg; detail?: string } = {},
): AppError {
  const entry: Entry = CATALOGUE[code];
  const text = (value: string | Msg | undefined) => (typeof value === 'object' ? english(value) : value);
  const hint = text(extra.hint) ?? entry.hint;
  const i18n = {
    ...(typeof extra.message === 'object' ? { message: extra.message } : {}),
    ...(typeof extra.hint === 'object' ? { hint: extra.hint } : {}),
  };
  return {
    code,
    message: text(extra.message) ?? entry.message,
    ...(hint ? { hint } : {}),
    ...(extra.detail ? { detail: extra.detail } : {}),
    ...(i18n.message || i18n.hint ? { i18n } : {}),
  };
}

/** An existing error with its message replaced (the hint and code kept), e.g. to say where it happened. */
export function withMessage(error: AppError, message: Msg): AppError {
  return { ...error, message: english(message), i18n: { ...error.i18n, message } };
}

/** The error's message as a message parameter: its own id when it has one, else its code's. */
export function messageOf(error: AppError): Msg | string {
  return error.i18n?.message ?? (error.message === CATALOGUE[error.code]?.message ? codeMsg(error.code) : error.message);
}

/** A code's catalogue message as a message parameter. */
export const codeMsg = (code: ErrorCode): Msg => ({ id: `code:${code}` });

/** A message's English text (the CLI's, the logs', and the window's when English is chosen). */
export function english(m: Msg): string {
  const template = m.id.startsWith('code:') ? CATALOGUE[m.id.slice(5) as ErrorCode]?.message : MESSAGES[m.id as keyof typeof MESSAGES];
  return fill(template ?? m.id, m.params, english);
}

/** An Error that carries an AppError, for code that throws inside the engine. */
export class AppFailure extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
    this.name = 'AppFailure';
  }
}
