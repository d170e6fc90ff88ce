// The bucket's trash of a folder pair as the user reads it: each trashed object with the key it came from,
// when and why it was moved there, and its size; and the selection a restore works on (files, folders).
import { TRASH_DIR, type Key, type RemoteEntry } from './model.js';
import { byCodeUnits } from './plan.js';
import type { TrashNote } from './state-store.js';
import type { Msg } from '../../../shared/messages.js';

export interface TrashEntry {
  /** Where it is, relative to the pair's prefix: `.cos-sync-trash/2026-12-04/photos/a.jpg`. */
  trashKey: Key;
  /** The key it was moved from (relative to the prefix), where a restore puts it back. */
  originalKey: Key;
  /** When it was moved: this computer's note, else the object's Last-Modified (a trash copy is made then). */
  trashedAtMs: number;
  size: number;
  etag: string;
  /** Why, when this computer moved it (the plan's reason); absent for objects another computer trashed. */
  reason?: string;
  /** `reason` as a message id with parameters, for the window's languages. */
  why?: Msg;
}

const TRASH_PREFIX = `${TRASH_DIR}/`;
/** `name (2).ext`: the name a second trashing of one key on one day gets (plan.ts trashKey). */
const NUMBERED = /^(.*) \((\d+)\)(\.[^./]*)?$/;

/**
 * The original key of a trash key without a note: the part after the day folder, with a ` (n)` the planner
 * added taken off when the plain name is in the same day folder too (else the ` (n)` is the file's own name).
 */
export function originalKeyOf(trashKey: Key, siblings: ReadonlySet<Key>): Key | undefined {
  if (!trashKey.startsWith(TRASH_PREFIX)) return undefined;
  const rest = trashKey.slice(TRASH_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  const day = rest.slice(0, slash + 1);
  const key = rest.slice(slash + 1);
  const match = NUMBERED.exec(key);
  if (match && Number(match[2]) >= 2) {
    const plain = `${match[1]}${match[3] ?? ''}`;
    if (siblings.has(`${TRASH_PREFIX}${day}${plain}`)) return plain;
  }
  return key;
}

/** The trash entries of a listing (keys relative to the prefix), newest first, with this computer's notes. */
export function trashEntries(remote: ReadonlyMap<Key, RemoteEntry>, notes: ReadonlyMap<Key, TrashNote>): TrashEntry[] {
  const trashKeys = new Set([...remote.keys()].filter((k) => k.startsWith(TRASH_PREFIX)));
  const entries: TrashEntry[] = [];
  for (const key of trashKeys) {
    const object = remote.get(key)!;
    const note = notes.get(key);
    const originalKey = note?.originalKey ?? originalKeyOf(key, trashKeys);
    if (originalKey === undefined) continue; // `.cos-sync-trash/x` with no day folder: not ours
    entries.push({
      trashKey: key, originalKey, size: object.size, etag: object.etag,
      trashedAtMs: note?.trashedAtMs ?? object.lastModifiedMs,
      ...(note ? { reason: note.reason } : {}), ...(note?.why ? { why: note.why } : {}),
    });
  }
  return entries.sort((a, b) => b.trashedAtMs - a.trashedAtMs || byCodeUnits(a.originalKey, b.originalKey) || byCodeUnits(a.trashKey, b.trashKey));
}

export type TrashSelection =
  | { ok: true; entries: TrashEntry[] }
  | { ok: false; unmatched: string[] };

/**
 * What the user asked to restore: a trash key (that exact version), an original key (its newest version), or
 * a folder ending in `/` (the newest version of every file that was under it; `/` alone is everything).
 * Each original key is restored once. Unmatched names are returned so the caller can say which.
 */
export function selectTrash(entries: readonly TrashEntry[], wanted: readonly string[]): TrashSelection {
  const chosen = new Map<Key, TrashEntry>();
  const unmatched: string[] = [];
  const newestFirst = [...entries].sort((a, b) => b.trashedAtMs - a.trashedAtMs || byCodeUnits(b.trashKey, a.trashKey));
  for (const raw of wanted) {
    const item = raw.replace(/^\/+(?=.)/, '').normalize('NFC');
    const exact = entries.find((e) => e.trashKey === item);
    const found = exact ? [exact] : newestFirst.filter((e) => (item.endsWith('/') ? item === '/' || e.originalKey.startsWith(item) : e.originalKey === item));
    if (found.length === 0) unmatched.push(raw);
    for (const entry of found) if (!chosen.has(entry.originalKey) || exact) chosen.set(entry.originalKey, entry);
  }
  return unmatched.length ? { ok: false, unmatched } : { ok: true, entries: [...chosen.values()] };
}
