// Which paths of a folder pair are never synced: built-in defaults (OS junk, editor temp files, partial
// downloads) overlaid by the user's gitignore-style `.cossyncignore` at the pair root, and our own files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { appError, AppFailure } from '../../../shared/errors.js';
import { msg } from '../../../shared/messages.js';

/** The user's rules, at the pair root. */
export const IGNORE_FILE = '.cossyncignore';

/**
 * Ignored unless the user's file re-includes them (`!*.tmp`): later rules win, as in gitignore.
 * `.cossyncignore` itself is here because rules are per device (syncthing's `.stignore` is not synced
 * either); a user who wants it in the bucket writes `!.cossyncignore`.
 */
export const DEFAULT_IGNORES: readonly string[] = [
  // OS junk
  '.DS_Store', 'Thumbs.db', 'ehthumbs.db', 'desktop.ini', '._*', '.Spotlight-V100', '.Trashes', '.fseventsd',
  '.TemporaryItems', '$RECYCLE.BIN', 'System Volume Information', '.Trash-*',
  // editor and office temp and lock files (`\#` because a leading # starts a comment)
  '*~', '*.swp', '*.swx', '.#*', '\\#*#', '~$*', '*.tmp', '.~lock.*#',
  // partial downloads
  '*.crdownload', '*.part', '*.partial', '*.download',
  IGNORE_FILE,
];

/** Never synced, whatever the user writes: our marker and temp files (`.cos-sync-*.part`, the folder marker). */
export const RESERVED_IGNORE = '.cos-sync*';
/** RESERVED_IGNORE as one test of every segment: cheaper than a second rule set on every path of a walk. */
const RESERVED = /(^|\/)\.cos-sync/i;

/** macOS's custom-folder-icon file is named `Icon\r`; gitignore syntax cannot say a trailing CR. */
const MAC_ICON = /(^|\/)Icon\r$/;

export interface IgnoreRules {
  /** `relPosixPath`: relative to the pair root, `/`-separated, NFC (the object key is a good choice). */
  ignores(relPosixPath: string, isDir: boolean): boolean;
  /** Which rule ignores the path (`built-in: *.tmp`, `.cossyncignore:3: build/`), or undefined if none. */
  reason(relPosixPath: string, isDir?: boolean): string | undefined;
  /** Reads `.cossyncignore` again; true if the rules changed. Rejects (keeping the old rules) if unreadable. */
  reload(): Promise<boolean>;
  /** The user's file as last read ('' when there is none). */
  readonly userRules: string;
}

export interface IgnoreRulesOptions {
  /** Extra rules from the pair's settings, applied after the defaults and before the file. */
  extra?: readonly string[];
}

/** Loads the rules of the pair rooted at `root`. A missing file means defaults only; an unreadable one is an error. */
export async function loadIgnoreRules(root: string, options: IgnoreRulesOptions = {}): Promise<IgnoreRules> {
  const rules = new PairIgnoreRules(root, options.extra ?? []);
  await rules.reload();
  return rules;
}

/** Builds rules from text, without touching the disk (tests, and previews in the settings window). */
export function ignoreRulesFromText(userRules: string, extra: readonly string[] = []): IgnoreRules {
  const rules = new PairIgnoreRules('', extra);
  rules.apply(userRules);
  return rules;
}

class PairIgnoreRules implements IgnoreRules {
  #userRules = '';
  #matcher: Ignore;

  constructor(
    private readonly root: string,
    private readonly extra: readonly string[],
  ) {
    this.#matcher = buildMatcher('', extra);
  }

  get userRules(): string {
    return this.#userRules;
  }

  ignores(relPosixPath: string, isDir: boolean): boolean {
    return this.#check(relPosixPath, isDir) !== undefined;
  }

  reason(relPosixPath: string, isDir = false): string | undefined {
    return this.#check(relPosixPath, isDir);
  }

  async reload(): Promise<boolean> {
    const text = await readUserRules(join(this.root, IGNORE_FILE));
    if (text === this.#userRules) return false;
    this.apply(text);
    return true;
  }

  apply(text: string): void {
    this.#matcher = buildMatcher(text, this.extra);
    this.#userRules = text;
  }

  #check(relPosixPath: string, isDir: boolean): string | undefined {
    if (relPosixPath === '' || relPosixPath === '.') return undefined; // the root itself is never ignored
    if (RESERVED.test(relPosixPath)) return `reserved: ${RESERVED_IGNORE}`;
    if (MAC_ICON.test(relPosixPath)) return 'built-in: Icon\\r';
    // The `ignore` package reads a trailing slash as "this is a directory", which `build/` patterns need.
    const path = isDir ? `${relPosixPath}/` : relPosixPath;
    const rule = this.#matcher.checkIgnore(path).rule;
    return rule ? `${rule.mark}: ${rule.pattern}` : undefined;
  }
}

function buildMatcher(userRules: string, extra: readonly string[]): Ignore {
  // Case-insensitive (the package's default): `*.jpg` should catch `IMG.JPG` on macOS and Windows.
  const matcher = ignore();
  matcher.add(DEFAULT_IGNORES.map((pattern) => ({ pattern, mark: 'built-in' })));
  matcher.add(extra.map((pattern) => ({ pattern, mark: 'pair settings' })));
  userRules.split(/\r?\n/).forEach((line, index) => {
    matcher.add({ pattern: line, mark: `${IGNORE_FILE}:${index + 1}` });
  });
  return matcher;
}

async function readUserRules(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, ''); // Notepad's byte-order mark
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    // Going on without the user's rules could upload what they meant to keep private: refuse instead.
    throw new AppFailure(
      appError('unknown', {
        message: msg('error.ignoreUnreadable', { file: IGNORE_FILE }),
        hint: msg('hint.ignoreUnreadable', { file: IGNORE_FILE }),
        detail: `${file}: ${(error as Error).message}`,
      }),
    );
  }
}
