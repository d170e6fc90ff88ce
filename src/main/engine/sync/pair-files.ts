// What the user does with one pair's files outside a sync pass: list and restore the bucket's trash, make a
// presigned link to an object, find a file in the folder. The sync service supplies the pair and a connection.
import path from 'node:path';
import { lstat } from 'node:fs/promises';
import { appError, AppFailure } from '../../../shared/errors.js';
import type { FolderPair } from '../../../shared/pair.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';
import type { S3Connection } from '../s3/client-factory.js';
import { presignGet, type PresignedLink } from '../s3/presign.js';
import { problemsMsg, validateKey, S3_KEY_LIMITS } from './keys.js';
import { TRASH_DIR } from './model.js';
import { folderPrefix, listRemoteTree } from './remote-list.js';
import { S3Remote } from './s3-remote.js';
import type { SyncState } from './state-store.js';
import { selectTrash, trashEntries, type TrashEntry } from './trash-list.js';
import { restoreOne, type RestoreOutcome } from './trash-restore.js';

export interface PairFilesDeps {
  state: SyncState;
  now: () => number;
  toError: (err: unknown) => AppError;
}

/** Lists `<prefix>.cos-sync-trash/` only (not the whole prefix), keyed relative to the pair's prefix. */
export async function listTrash(deps: PairFilesDeps, pair: FolderPair, connection: S3Connection, signal?: AbortSignal): Promise<TrashEntry[]> {
  const listing = await listRemoteTree(connection, pair.bucket, `${folderPrefix(pair.prefix)}${TRASH_DIR}/`, signal ? { signal } : {});
  const trash = new Map([...listing.entries].map(([key, entry]) => [`${TRASH_DIR}/${key}`, { ...entry, key: `${TRASH_DIR}/${key}` }]));
  return trashEntries(trash, deps.state.trashNotes(pair.id));
}

/** Restores the chosen files and folders (see selectTrash), one at a time; each outcome says what happened. */
export async function restoreTrash(deps: PairFilesDeps, pair: FolderPair, connection: S3Connection, wanted: readonly string[], signal = new AbortController().signal): Promise<Result<RestoreOutcome[]>> {
  const selection = selectTrash(await listTrash(deps, pair, connection, signal), wanted);
  if (!selection.ok) {
    const names = selection.unmatched.map((n) => `“${n}”`).join(', ');
    return fail(appError('not-in-trash', { message: `Nothing in the bucket's trash of ${pair.localPath} matches ${names}.` }));
  }
  const remote = new S3Remote({ connection, bucket: pair.bucket, prefix: pair.prefix, pairId: pair.id, state: deps.state });
  const ctx = { pairId: pair.id, root: pair.localPath, bucket: pair.bucket, prefix: pair.prefix, connection, remote, state: deps.state, signal, now: deps.now };
  const outcomes: RestoreOutcome[] = [];
  for (const entry of selection.entries) outcomes.push(await restoreOne(ctx, entry, deps.toError));
  return ok(outcomes);
}

/** Trash entries moved there more than `days` days ago (0: all of them). */
export async function oldTrash(deps: PairFilesDeps, pair: FolderPair, connection: S3Connection, days: number): Promise<TrashEntry[]> {
  const cutoff = deps.now() - days * 86_400_000;
  return (await listTrash(deps, pair, connection)).filter((e) => e.trashedAtMs <= cutoff);
}

/**
 * Deletes for good what was trashed more than `days` days ago: the caller asked the user first. An object
 * replaced in the trash since it was listed is left alone.
 */
export async function emptyTrash(deps: PairFilesDeps, pair: FolderPair, connection: S3Connection, days: number): Promise<TrashEntry[]> {
  const remote = new S3Remote({ connection, bucket: pair.bucket, prefix: pair.prefix, pairId: pair.id, state: deps.state });
  const signal = new AbortController().signal;
  const deleted: TrashEntry[] = [];
  for (const entry of await oldTrash(deps, pair, connection, days)) {
    const still = await remote.head(entry.trashKey, signal);
    if (still && still.etag === entry.etag) {
      await remote.delete(entry.trashKey, signal);
      deleted.push(entry);
    }
    deps.state.dropTrashNote(pair.id, entry.trashKey);
  }
  return deleted;
}

/** A key as the window or the command line gives it: relative to the pair's prefix, a plain object key. */
export function checkKey(key: string): Result<string> {
  const check = validateKey(key.normalize('NFC'), '', S3_KEY_LIMITS);
  return check.ok ? ok(key.normalize('NFC')) : fail(appError('invalid-argument', { message: problemsMsg(check.problems) }));
}

export async function presignLink(pair: FolderPair, connection: S3Connection, key: string, expiresInSeconds: number): Promise<Result<PresignedLink & { key: string }>> {
  const checked = checkKey(key);
  if (!checked.ok) return checked;
  try {
    return ok({ key: checked.value, ...(await presignGet(connection, pair.bucket, `${folderPrefix(pair.prefix)}${checked.value}`, expiresInSeconds)) });
  } catch (err) {
    if (err instanceof AppFailure) return fail(err.appError);
    throw err;
  }
}

/**
 * The file's path in the folder, or its nearest folder that still exists (a trashed file's folder), and
 * whether that is the file itself. Never a path outside the pair's folder.
 */
export async function localPlace(pair: FolderPair, key: string): Promise<Result<{ path: string; isFile: boolean }>> {
  const checked = checkKey(key);
  if (!checked.ok) return checked;
  const file = path.join(pair.localPath, ...checked.value.split('/'));
  for (let at = file; at.startsWith(pair.localPath); at = path.dirname(at)) {
    if (await lstat(at).then(() => true, () => false)) return ok({ path: at, isFile: at === file });
    if (at === pair.localPath) break;
  }
  return fail(appError('root-missing', { message: `The folder ${pair.localPath} does not exist.` }));
}
