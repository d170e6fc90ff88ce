// What the window sees of a pair's files outside the sync passes: the bucket's trash and what a restore did,
// and the expiry choices of a presigned link. Plain data that crosses IPC; links themselves never do.
import type { Msg } from '../messages.js';
import type { AppError } from '../result.js';

/** One trashed object: where it came from, when and why it was trashed, its size. Keys are relative to the pair's prefix. */
export interface TrashEntryView {
  trashKey: string;
  originalKey: string;
  trashedAtMs: number;
  size: number;
  /** Absent for objects another computer trashed. */
  reason?: string;
  /** `reason` as a message id with parameters. */
  why?: Msg;
}

export interface RestoreOutcomeView {
  trashKey: string;
  originalKey: string;
  /** Where the version is now (the original key, or a name beside it); absent when the restore failed. */
  restoredKey?: string;
  /** Whether the folder got the file too. */
  inFolder: boolean;
  note?: string;
  /** `note` as a message id with parameters. */
  why?: Msg;
  error?: AppError;
}

/** Link lifetimes offered in the window: SigV4 caps links at 7 days; SigV2 links take an absolute time, capped at 30. */
export const LINK_EXPIRY_CHOICES = { v4: [3600, 86400, 604800], v2: [3600, 86400, 604800, 2592000] } as const;
export const MAX_LINK_SECONDS = 2592000;
