// Results that cross process boundaries as values: Electron keeps only the message of a thrown error,
// so every IPC and engine API that can fail returns one of these instead.
import type { ErrorCode } from './errors.js';
import type { Msg } from './messages.js';

export interface AppError {
  code: ErrorCode;
  /** What went wrong, in the user's words. */
  message: string;
  /** What to do about it, when something can be done. */
  hint?: string;
  /** Technical detail for logs and "show details" (never a secret). */
  detail?: string;
  /** `message` and `hint` as message ids with parameters, when they are not the code's own: the window translates them. */
  i18n?: { message?: Msg; hint?: Msg };
  /** The form field the error is about, when a form sent the value (the window shows the error next to it). */
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(error: AppError): Result<T> => ({ ok: false, error });
