// Small files that must never be left half-written: write a temp file beside the target, fsync, rename.
// A crash at any point leaves either the old file or the new one, never a mix (and never a stray temp).
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, copyFile, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Private to the user: secrets never go in these files, but profiles and folder paths are still personal. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/** Reads a UTF-8 file; `undefined` when it does not exist. Other failures (permissions, a folder) throw. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    // ENOTDIR: a parent is a file, so this file cannot exist either (the write will say why).
    if (ABSENT.has(errnoCode(error) ?? '')) return undefined;
    throw error;
  }
}

/**
 * Replaces `file` with `data` atomically. Only folders this call creates get mode 0700: an existing folder
 * (a COS_SYNC_HOME the user chose, say) keeps its mode, since changing it could lock out other users.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename itself durable. Windows cannot open a folder for fsync, so this is best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the rename is a bonus; the data itself was already fsynced.
  }
}

/** `settings.json` + `corrupt-<stamp>` -> `settings.corrupt-<stamp>.json`, with `:` kept out for Windows. */
export function asideName(file: string, label: string, when: Date): string {
  const ext = path.extname(file);
  const stem = path.basename(file, ext);
  const stamp = when.toISOString().replace(/[:.]/g, '-');
  return path.join(path.dirname(file), `${stem}.${label}-${stamp}${ext}`);
}

/** Moves `file` aside under a name no other file has; returns the new path. */
export async function moveAside(file: string, label: string, when: Date): Promise<string> {
  const target = await freeName(asideName(file, label, when));
  await rename(file, target);
  return target;
}

/** Copies `file` to `target` unless `target` already exists (an earlier backup is the more original one). */
export async function copyIfAbsent(file: string, target: string): Promise<void> {
  try {
    await copyFile(file, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
}

async function freeName(candidate: string): Promise<string> {
  const ext = path.extname(candidate);
  const stem = candidate.slice(0, candidate.length - ext.length);
  for (let n = 0; ; n++) {
    const name = n === 0 ? candidate : `${stem}-${n}${ext}`;
    if (!(await exists(name))) return name;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export const errnoCode = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
