// Puts trashed objects back: a server-side copy to the key they came from, the file written into the folder,
// and the synced tree told, so the next pass sees both sides identical and neither deletes nor re-uploads it.
/**
 * When the original key is taken (an object is at it in the bucket, or a file at its path in the folder),
 * nothing there is replaced: the version is restored beside it as `name (restored 2026-12-04).ext`, a name
 * free on both sides, and the user compares the two. Replacing instead would either overwrite the folder's
 * file (the folder is the source of truth in upload direction) or be undone by the next pass, which would
 * move the restored object to the trash again and upload the folder's version.
 *
 * The file is downloaded to a reserved temporary name (`.cos-sync-restore-*`, never synced), checked against
 * the object's MD5 / CRC-64 when it carries them, given the object's `mtime`, then linked into place only if
 * the path is still free. The synced tree records it with the restored object's ETag; then the trash copy is
 * deleted (only if it is still the version that was restored). A crash at any point leaves the trash copy,
 * or the restored object, or both: never nothing.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, constants, link, lstat, mkdir, stat, unlink, utimes } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { appError, AppFailure, english } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import type { AppError } from '../../../shared/result.js';
import type { S3Connection } from '../s3/client-factory.js';
import { toAppError } from '../s3/error-map.js';
import { hashFile } from './hash-file.js';
import type { Key, RemoteEntry } from './model.js';
import type { Remote } from './remote.js';
import { folderPrefix } from './remote-list.js';
import type { SyncState } from './state-store.js';
import type { TrashEntry } from './trash-list.js';

export interface RestoreContext {
  pairId: string;
  root: string;
  bucket: string;
  prefix: string;
  connection: S3Connection;
  remote: Pick<Remote, 'head' | 'copy' | 'delete'>;
  state: Pick<SyncState, 'putSynced' | 'dropTrashNote'>;
  signal: AbortSignal;
  now: () => number;
}

export interface RestoreOutcome {
  trashKey: Key;
  originalKey: Key;
  /** Where the version is now in the bucket (relative to the prefix): the original key, or a name beside it. */
  restoredKey?: Key;
  /** Whether the file was written into the folder too (and recorded as in sync). */
  inFolder: boolean;
  /** Why it went beside the original, or why the folder did not get it; in the user's words. */
  note?: string;
  /** `note` as a message id with parameters, for the window's languages. */
  why?: Msg;
  error?: AppError;
}

const day = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** `a/b.txt` → `a/b (restored 2026-12-04).txt`, then `… 2026-12-04 2)` and so on. */
export function restoredName(key: Key, dateMs: number, n = 1): Key {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${key.slice(0, slash + 1)}${stem} (restored ${day(dateMs)}${n > 1 ? ` ${n}` : ''})${ext}`;
}

const localPath = (ctx: RestoreContext, key: Key) => path.join(ctx.root, ...key.split('/'));
const exists = (file: string) => lstat(file).then(() => true, () => false);

async function occupied(ctx: RestoreContext, key: Key, rootExists: boolean): Promise<Msg | undefined> {
  if (await ctx.remote.head(key, ctx.signal)) return msg('restore.takenBucket');
  if (rootExists && (await exists(localPath(ctx, key)))) return msg('restore.takenFolder');
  return undefined;
}

async function chooseTarget(ctx: RestoreContext, entry: TrashEntry, rootExists: boolean): Promise<{ key: Key; taken?: Msg }> {
  const why = await occupied(ctx, entry.originalKey, rootExists);
  if (!why) return { key: entry.originalKey };
  for (let n = 1; n < 1000; n++) {
    const key = restoredName(entry.originalKey, ctx.now(), n);
    if (!(await occupied(ctx, key, rootExists))) return { key, taken: why };
  }
  throw new AppFailure(appError('unknown', { message: `No free name was found beside “${entry.originalKey}”.` }));
}

/** GETs the object (only while it is still `etag`) into `file`, which must not exist. */
async function download(ctx: RestoreContext, key: Key, etag: string, file: string): Promise<void> {
  try {
    const out = await ctx.connection.client.send(
      new GetObjectCommand({ Bucket: ctx.bucket, Key: `${folderPrefix(ctx.prefix)}${key}`, IfMatch: `"${etag}"` }),
      { abortSignal: ctx.signal },
    );
    await pipeline(out.Body as Readable, createWriteStream(file, { flags: 'wx', mode: 0o644 }), { signal: ctx.signal });
  } catch (err) {
    throw err instanceof AppFailure ? err : new AppFailure(toAppError(err, { bucket: ctx.bucket, operation: 'GetObject' }));
  }
}

/** The downloaded bytes are the object's: its size, and the MD5 / CRC-64 it carries. */
function checkDownload(object: RemoteEntry, got: { size: number; md5: string; crc64?: string }): string | undefined {
  if (got.size !== object.size) return `${got.size} bytes arrived, the object has ${object.size}`;
  if (object.md5 && object.md5 !== got.md5) return 'the MD5 of what arrived differs from the object\'s';
  if (object.crc64 && got.crc64 && object.crc64 !== got.crc64) return 'the CRC-64 of what arrived differs from the object\'s';
  return undefined;
}

/** Moves the temporary file to `dest` only if nothing is there (link fails on an existing name; rename would replace it). */
async function placeIfFree(temp: string, dest: string): Promise<boolean> {
  const taken = (err: unknown): false => {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  };
  try {
    await link(temp, dest);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // File systems without hard links: an exclusive copy refuses an existing name just the same.
    return copyFile(temp, dest, constants.COPYFILE_EXCL).then(() => true, taken);
  }
}

/** Writes the restored object into the folder and records it as in sync; a note says why not when it could not. */
async function writeToFolder(ctx: RestoreContext, key: Key, object: RemoteEntry): Promise<Msg | undefined> {
  const dest = localPath(ctx, key);
  await mkdir(path.dirname(dest), { recursive: true });
  const temp = path.join(path.dirname(dest), `.cos-sync-restore-${randomBytes(6).toString('hex')}.part`);
  try {
    await download(ctx, key, object.etag, temp);
    const hashes = await hashFile(temp, { signal: ctx.signal });
    const bad = checkDownload(object, hashes);
    if (bad) return msg('restore.damaged', { detail: bad });
    const mtimeMs = object.mtimeMs ?? object.lastModifiedMs;
    await utimes(temp, new Date(), new Date(mtimeMs));
    const placed = await placeIfFree(temp, dest);
    if (!placed) return msg('restore.appeared');
    const now = await stat(dest);
    ctx.state.putSynced(ctx.pairId, {
      key, size: now.size, mtimeMs: now.mtimeMs, ino: now.ino, md5: hashes.md5, ...(hashes.crc64 ? { crc64: hashes.crc64 } : {}),
      etag: object.etag, syncedAtMs: ctx.now(),
    });
    return undefined;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const error = err instanceof AppFailure ? err.appError.message : (err as Error).message;
    return msg('restore.notWritten', { detail: error });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Restores one trashed version; never throws for the item's own failure (the outcome carries the error). */
export async function restoreOne(ctx: RestoreContext, entry: TrashEntry, toError: (err: unknown) => AppError): Promise<RestoreOutcome> {
  const base = { trashKey: entry.trashKey, originalKey: entry.originalKey };
  try {
    const rootExists = Boolean((await stat(ctx.root).catch(() => undefined))?.isDirectory());
    const target = await chooseTarget(ctx, entry, rootExists);
    // The executor's rule for copies: CopyObject overwrites, so the target is checked free right before.
    if (await ctx.remote.head(target.key, ctx.signal)) throw new AppFailure(appError('remote-changed', { message: `An object appeared at “${target.key}” meanwhile; nothing was restored.`, hint: 'Try the restore again.' }));
    await ctx.remote.copy(entry.trashKey, target.key, entry.etag, ctx.signal);
    const restored = await ctx.remote.head(target.key, ctx.signal);
    if (!restored) throw new AppFailure(appError('no-such-key', { message: `The restored object “${target.key}” is not in the bucket after the copy.` }));
    const folderNote = rootExists
      ? await writeToFolder(ctx, target.key, restored)
      : msg('restore.noFolder');
    await dropFromTrash(ctx, entry);
    const beside = target.taken && { key: target.key, why: target.taken };
    const why = beside ? (folderNote ? msg('restore.besideThen', { ...beside, then: folderNote }) : msg('restore.beside', beside)) : folderNote;
    return { ...base, restoredKey: target.key, inFolder: folderNote === undefined, ...(why ? { note: english(why), why } : {}) };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { ...base, inFolder: false, error: toError(err) };
  }
}

/** The version is safe at its restored key: its trash copy goes, unless someone replaced it meanwhile. */
async function dropFromTrash(ctx: RestoreContext, entry: TrashEntry): Promise<void> {
  const still = await ctx.remote.head(entry.trashKey, ctx.signal);
  if (still && still.etag === entry.etag) await ctx.remote.delete(entry.trashKey, ctx.signal);
  ctx.state.dropTrashNote(ctx.pairId, entry.trashKey);
}
