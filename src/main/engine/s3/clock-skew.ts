// One more try after the SDK corrected its clock offset but did not retry: it only retries when the NEW
// offset is over 4 minutes, so a clock fixed mid-session (or a simulated skew) would fail one request.
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';

/** Codes a server uses for "your signing time is off" (COS says "Request has expired" with AccessDenied). */
const SKEW_CODES = new Set(['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture']);
/** How far the offset must have moved for a resend to be signed with a visibly different time. */
const MIN_CORRECTION_MS = 60_000;

function isSkewError(err: unknown): boolean {
  const e = err as { name?: unknown; Code?: unknown; message?: unknown; $metadata?: { clockSkewCorrected?: boolean } };
  if (e?.$metadata?.clockSkewCorrected) return false; // the SDK retried it already
  const code = typeof e?.Code === 'string' ? e.Code : e?.name;
  if (typeof code === 'string' && SKEW_CODES.has(code)) return true;
  return code === 'AccessDenied' && typeof e.message === 'string' && /request has expired/i.test(e.message);
}

/** Only bodies still in memory can be sent again; a consumed stream cannot. */
const replayable = (body: unknown) =>
  body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;

/**
 * Finalize step, before the SDK's retryMiddleware (so outside it): sees the error after the SDK gave up,
 * and resends once through retry and signing, which then use the corrected offset.
 */
export function clockSkewRetryMiddleware(clock: { systemClockOffset?: number }): FinalizeRequestMiddleware<object, MetadataBearer> {
  return (next) => async (args) => {
    const before = clock.systemClockOffset ?? 0;
    try {
      return await next(args);
    } catch (err) {
      const moved = Math.abs((clock.systemClockOffset ?? 0) - before) >= MIN_CORRECTION_MS;
      const body = (args.request as { body?: unknown } | undefined)?.body;
      if (!moved || !isSkewError(err) || !replayable(body)) throw err;
      return next(args);
    }
  };
}

export const CLOCK_SKEW_RETRY_MIDDLEWARE = {
  name: 'cosSyncClockSkewRetry',
  relation: 'before',
  toMiddleware: 'retryMiddleware',
  override: true,
} as const;
