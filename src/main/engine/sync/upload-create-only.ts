// Create-only writes: an upload planned for a free key must not replace an object someone else put there
// after our listing. Where the service honours a conditional PUT it refuses atomically, in the same request
// (S3 `If-None-Match: *`; COS `x-cos-forbid-overwrite: true`, which COS documents for PUT and Complete);
// elsewhere a HEAD goes right before the write. Whether a service honours it is not guessed from its name
// (servers of one name differ by version): a probe asks it once per pair, on a reserved key.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Connection } from '../s3/client-factory.js';
import { sendCached, setRequestOptions } from '../s3/request-options.js';

/** 'if-none-match' / 'cos-forbid-overwrite': the service refuses for us; 'head': we look first. */
export type CreateOnlyMode = 'if-none-match' | 'cos-forbid-overwrite' | 'head';

/**
 * The probe's key, under the pair's prefix: `.cos-sync*` names are never synced by any pair, so it is nobody's
 * file. One fixed name: where the key may not delete, at most one empty probe object stays.
 */
export const PROBE_NAME = '.cos-sync-probe';

/** The create-only condition for a PutObject or CompleteMultipartUpload: an input field, or a header (COS). */
export function createOnlyCondition(mode: CreateOnlyMode | undefined): { IfNoneMatch?: string; headers?: Record<string, string> } {
  if (mode === 'if-none-match') return { IfNoneMatch: '*' };
  if (mode === 'cos-forbid-overwrite') return { headers: { 'x-cos-forbid-overwrite': 'true' } };
  return {};
}

/**
 * The service said the key is taken: 412 PreconditionFailed (S3), or 409 FileAlreadyExists (COS with
 * x-cos-forbid-overwrite; the code is from COS's documentation, not seen on a live bucket).
 */
export function isTaken(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const name = (err as { name?: unknown; Code?: unknown } | null)?.Code ?? (err as { name?: unknown } | null)?.name;
  return status === 412 || name === 'PreconditionFailed' || name === 'FileAlreadyExists';
}

/**
 * Asks the service whether it honours a create-only PUT: puts an empty object on the probe key, then again
 * with the condition; only a refusal of the second proves it. The key is deleted either way. Any other answer
 * (an error, or the second PUT accepted) means 'head', the safe way. Cancellation propagates.
 */
export async function probeCreateOnly(connection: S3Connection, bucket: string, prefix: string, signal: AbortSignal): Promise<CreateOnlyMode> {
  const mode: CreateOnlyMode = connection.resolved.cos ? 'cos-forbid-overwrite' : 'if-none-match';
  const key = `${prefix}${PROBE_NAME}`;
  const { IfNoneMatch, headers } = createOnlyCondition(mode);
  const put = (conditional: boolean) => {
    const command = new PutObjectCommand({ Bucket: bucket, Key: key, Body: new Uint8Array(0), ContentLength: 0, ...(conditional && IfNoneMatch ? { IfNoneMatch } : {}) });
    setRequestOptions(command.input, { abortSignal: signal, ...(conditional && headers ? { headers } : {}) });
    return sendCached(connection.client, command);
  };
  let created = false;
  try {
    await put(false);
    created = true;
    await put(true);
    return 'head'; // accepted twice: the condition is ignored
  } catch (err) {
    signal.throwIfAborted();
    return created && isTaken(err) ? mode : 'head';
  } finally {
    if (created) await deleteProbe(connection, bucket, key, signal);
  }
}

async function deleteProbe(connection: S3Connection, bucket: string, key: string, signal: AbortSignal): Promise<void> {
  try {
    await connection.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  } catch (err) {
    // An empty object under a name no pair syncs is harmless; a lost connection shows on the next request.
    if (signal.aborted) throw err;
  }
}
