// Object keys from local paths (DESIGN.md "Keys"): NFC, `/`-separated, checked against the provider's
// limits before anything is sent, and case/normalisation collisions found so they can be refused.
import { english } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import type { ProviderId } from '../../../shared/providers.js';
import type { Key } from './model.js';

export interface KeyLimits {
  /** The longest key, prefix included, in UTF-8 bytes. */
  maxKeyBytes: number;
}

/** COS documents 850 bytes; S3 and the other presets take 1024. */
export const COS_KEY_LIMITS: KeyLimits = { maxKeyBytes: 850 };
export const S3_KEY_LIMITS: KeyLimits = { maxKeyBytes: 1024 };

export function keyLimitsFor(provider: ProviderId): KeyLimits {
  return provider === 'cos' ? COS_KEY_LIMITS : S3_KEY_LIMITS;
}

/**
 * The key of a path relative to the pair's root. Never throws. On Windows (`sep` `\`) both separators
 * split, since Node hands out either; a leading separator is dropped because keys never start with `/`.
 */
export function toKey(relPath: string, sep: string = '/'): Key {
  const parts = sep === '\\' ? relPath.split(/[\\/]/) : relPath.split(sep === '' ? '/' : sep);
  while (parts.length > 1 && parts[0] === '') parts.shift();
  return parts.join('/').normalize('NFC');
}

export type KeyProblemCode =
  | 'empty'
  | 'too-long'
  | 'leading-slash'
  | 'dot-segment'
  | 'empty-segment'
  | 'control-character'
  | 'not-nfc'
  | 'lone-surrogate';

export interface KeyProblem {
  code: KeyProblemCode;
  message: string;
  /** `message` as a message id with parameters, for the window's languages. */
  why: Msg;
}

const problem = (code: KeyProblemCode, why: Msg): KeyProblem => ({ code, message: english(why), why });

/** Several problems as one message (the English joins them with a space). */
export function problemsMsg(problems: readonly KeyProblem[]): Msg {
  return problems.map((p) => p.why).reduceRight((rest, first) => msg('keys.problems', { first, rest }));
}

export type KeyCheck = { ok: true } | { ok: false; problems: KeyProblem[] };

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** C0 controls, DEL and C1 controls: invisible in every UI and mangled by some XML listings. */
const isControl = (code: number): boolean => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

function firstControl(text: string): number {
  for (let i = 0; i < text.length; i += 1) if (isControl(text.charCodeAt(i))) return i;
  return -1;
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every problem of `key` (relative to `prefix`), each with a message that says what is wrong where. */
export function validateKey(key: Key, prefix: string, limits: KeyLimits): KeyCheck {
  if (key === '') return { ok: false, problems: [problem('empty', msg('keys.empty'))] };
  const problems = [...segmentProblems(key), ...characterProblems(key), ...lengthProblems(key, prefix, limits)];
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function segmentProblems(key: Key): KeyProblem[] {
  const found: KeyProblem[] = [];
  if (key.startsWith('/')) found.push(problem('leading-slash', msg('keys.leadingSlash', { key })));
  const segments = key.split('/');
  const dots = segments.find((s) => s === '.' || s === '..');
  if (dots !== undefined) found.push(problem('dot-segment', msg('keys.dotSegment', { key, dots })));
  if (segments.slice(key.startsWith('/') ? 1 : 0).some((s) => s === '')) {
    found.push(problem('empty-segment', msg('keys.emptySegment', { key })));
  }
  return found;
}

function characterProblems(key: Key): KeyProblem[] {
  const found: KeyProblem[] = [];
  const at = firstControl(key);
  if (at >= 0) {
    const code = key.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0');
    found.push(problem('control-character', msg('keys.control', { key: printable(key), code, at: at + 1 })));
  }
  if (LONE_SURROGATE.test(key)) {
    found.push(problem('lone-surrogate', msg('keys.loneSurrogate', { key: printable(key) })));
  } else if (key.normalize('NFC') !== key) {
    found.push(problem('not-nfc', msg('keys.notNfc', { key })));
  }
  return found;
}

function lengthProblems(key: Key, prefix: string, limits: KeyLimits): KeyProblem[] {
  const bytes = utf8Bytes(prefix + key);
  if (bytes <= limits.maxKeyBytes) return [];
  const params = { key: shorten(key), bytes, max: limits.maxKeyBytes };
  return [problem('too-long', prefix === '' ? msg('keys.tooLong', params) : msg('keys.tooLongPrefix', { ...params, prefix }))];
}

function printable(key: string): string {
  return Array.from(key, (c) => (isControl(c.charCodeAt(0)) ? '\uFFFD' : c)).join('');
}

function shorten(key: string): string {
  return key.length > 80 ? `${key.slice(0, 40)}…${key.slice(-30)}` : key;
}

export type CollisionKind = 'case' | 'normalisation' | 'case and normalisation';

/** One refused path: it and `others` would land on the same key, or on names a case-insensitive disk merges. */
export interface Collision {
  path: string;
  others: string[];
  kind: CollisionKind;
  message: string;
  /** `message` as a message id with parameters, for the window's languages. */
  why: Msg;
}

/** The fold under which two names are "the same file" somewhere: NFC plus lower case. */
export function foldKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/** Every path that collides with another, one entry per path, in input order. Exact duplicates are one path. */
export function findCollisions(paths: Iterable<string>): Collision[] {
  const groups = new Map<string, string[]>();
  for (const path of new Set(paths)) {
    const fold = foldKey(path);
    const group = groups.get(fold);
    if (group) group.push(path);
    else groups.set(fold, [path]);
  }
  const found: Collision[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const path of group) found.push(collision(path, group.filter((p) => p !== path)));
  }
  return found;
}

function collision(path: string, others: string[]): Collision {
  const kinds = others.map((o) => collisionKind(path, o));
  const kind = kinds.every((k) => k === kinds[0]) ? (kinds[0] ?? 'case') : 'case and normalisation';
  const names = others.map((o) => `“${o}”`).join(', ');
  const why = msg('keys.collision', { path, names, why: msg(WHY[kind]) });
  return { path, others, kind, message: english(why), why };
}

const WHY = {
  normalisation: 'keys.collisionForms',
  case: 'keys.collisionCase',
  'case and normalisation': 'keys.collisionCaseForms',
} as const satisfies Record<CollisionKind, string>;

function collisionKind(a: string, b: string): CollisionKind {
  if (a.normalize('NFC') === b.normalize('NFC')) return 'normalisation';
  return a.toLowerCase() === b.toLowerCase() ? 'case' : 'case and normalisation';
}
