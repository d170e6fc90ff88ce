// Editing a folder pair: the settings that can change while it syncs (delete policy, upload bandwidth, files at
// once, the delete gate's limits), and the rate syntax the CLI's --bwlimit and the window share.
import { z } from 'zod';
import { DELETE_POLICIES } from './pair.js';

/** Files uploaded at once: the CLI's --transfers and the window's field. */
export const MAX_TRANSFERS = 64;

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `10M` → 10 MiB/s in bytes; `0` → no limit. Undefined when the text is not a rate. */
export function parseRate(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?$/i.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!);
}

/** The shortest exact form parseRate reads back: 10485760 → `10M`, 1536 → `1.5K`, 0 → `0`. */
export function formatRate(bytesPerSecond: number): string {
  for (const unit of ['G', 'M', 'K'] as const) {
    const value = bytesPerSecond / UNITS[unit.toLowerCase()]!;
    if (value >= 1 && Number.isInteger(value * 10)) return `${value}${unit}`;
  }
  return String(bytesPerSecond);
}

/** What the window may send to change a pair; the bucket, prefix and profile only to be refused if changed. */
export const PairChangesSchema = z.object({
  id: z.string().min(1).max(128),
  deletePolicy: z.enum(DELETE_POLICIES).optional(),
  bandwidthLimit: z.number().int().min(0).max(1024 ** 4).optional(),
  fileConcurrency: z.number().int().min(1).max(MAX_TRANSFERS).optional(),
  maxDeletes: z.number().int().min(0).max(10_000_000).optional(),
  maxDeleteShare: z.number().min(0).max(1).optional(),
  bucket: z.string().trim().min(1).max(255).optional(),
  prefix: z.string().max(1024).optional(),
  profile: z.string().trim().min(1).max(64).optional(),
});
export type PairChanges = z.infer<typeof PairChangesSchema>;
