// Editing a folder's `.cossyncignore` from the window: read it, check the new text, and save it atomically with
// the old version kept beside it as `.cossyncignore~` (ignored by the built-in `*~` rule, so never synced).
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../../../shared/errors.js';
import { msg } from '../../../shared/messages.js';
import { fail, ok, type Result } from '../../../shared/result.js';
import { writeFileAtomic } from '../config/atomic-file.js';
import { IGNORE_FILE, ignoreRulesFromText } from './ignore-rules.js';

export const MAX_IGNORE_BYTES = 64 * 1024;

/** Names of every kind: a rule set that ignores all of them leaves nothing to sync. */
const PROBES: readonly [string, boolean][] = [['a', false], ['notes.txt', false], ['IMG_0001.JPG', false], ['docs/report.pdf', false], ['docs', true]];

const ignoresEverything = (text: string): boolean => PROBES.every(([probe, isDir]) => ignoreRulesFromText(text).ignores(probe, isDir));

/** The text as it would be saved, or why it cannot be (with `field` set for the window's form). */
export function checkIgnoreText(text: string): Result<string> {
  const problem = (message: Parameters<typeof appError>[1]) => fail({ ...appError('invalid-argument', message), field: 'ignoreRules' });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_IGNORE_BYTES) return problem({ message: msg('error.ignoreTooLong', { bytes, max: MAX_IGNORE_BYTES }) });
  const lines = text.split(/\r?\n/);
  const nul = lines.findIndex((line) => line.includes('\0'));
  if (nul >= 0) return problem({ message: msg('error.ignoreNul', { line: nul + 1 }) });
  if (ignoresEverything(text)) {
    // Name the line that does it: the first that, with the lines before it, ignores everything.
    const at = lines.findIndex((_, i) => ignoresEverything(lines.slice(0, i + 1).join('\n')));
    return problem({ message: msg('error.ignoreEverything', { line: at + 1, pattern: lines[at]?.trim() ?? '' }), hint: msg('hint.ignoreEverything') });
  }
  const normalised = text.replace(/\r\n/g, '\n');
  return ok(normalised === '' || normalised.endsWith('\n') ? normalised : `${normalised}\n`);
}

export async function readIgnoreFile(root: string): Promise<Result<string>> {
  try {
    return ok((await readFile(path.join(root, IGNORE_FILE), 'utf8')).replace(/^\uFEFF/, ''));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ok('');
    return fail(appError('file-unreadable', { message: msg('error.ignoreUnreadable', { file: IGNORE_FILE }), hint: msg('hint.ignoreUnreadable', { file: IGNORE_FILE }), detail: (error as Error).message }));
  }
}

/** Checks and saves the rules; the previous file, if any, is kept as `.cossyncignore~`. */
export async function saveIgnoreFile(root: string, text: string): Promise<Result<string>> {
  const checked = checkIgnoreText(text);
  if (!checked.ok) return checked;
  const file = path.join(root, IGNORE_FILE);
  try {
    await copyFile(file, `${file}~`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await writeFileAtomic(file, checked.value);
    return checked;
  } catch (error) {
    return fail({ ...appError('unknown', { message: msg('error.ignoreWrite', { file }), hint: msg('hint.ignoreWrite'), detail: (error as Error).message }), field: 'ignoreRules' });
  }
}
