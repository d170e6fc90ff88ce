// The connection diagnosis ("Test connection", `cos-sync doctor`): an ordered checklist where every
// failed line carries its fix.
import type { AppError } from './result.js';
import type { Msg } from './messages.js';

export const CHECK_IDS = [
  'settings',
  'dns',
  'tcp',
  'tls',
  'keys',
  'clock',
  'bucket',
  'addressing',
  'list',
  'write',
  'read',
  'delete',
  'multipart',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  id: CheckId;
  /** What was checked, e.g. "Keys accepted". */
  title: string;
  status: CheckStatus;
  /** What was found, e.g. "TLS 1.3, certificate for *.cos.ap-guangzhou.myqcloud.com". */
  detail?: string;
  /** Why it failed (or warns) and what to do. */
  error?: AppError;
  /** `detail` as a message id with parameters, for the window's languages (the title follows from `id`). */
  i18n?: { detail?: Msg };
  durationMs: number;
}

export interface Diagnosis {
  /** True only when no check failed. */
  ok: boolean;
  checks: CheckResult[];
  /** How "auto" settings were resolved, one line each. */
  resolution: string[];
}
