// Folder pairs: a local folder kept in sync with `bucket/prefix` through a connection profile, and the
// checks that refuse overlapping pairs before they can fight over the same files or objects.
import { z } from 'zod';
import { appError } from './errors.js';
import { msg } from './messages.js';
import { fail, ok, type Result } from './result.js';

export const DELETE_POLICIES = ['trash', 'delete', 'keep'] as const;
export type DeletePolicy = (typeof DELETE_POLICIES)[number];

export const FolderPairSchema = z.object({
  id: z.string().min(1),
  /** Absolute path of the local folder. */
  localPath: z.string().min(1),
  /** Connection profile name. */
  profile: z.string().min(1),
  bucket: z.string().min(1),
  /** Key prefix inside the bucket: '' (the whole bucket) or `a/b/` (always ending in `/`). */
  prefix: z.string().default(''),
  deletePolicy: z.enum(DELETE_POLICIES).default('trash'),
  paused: z.boolean().default(false),
  /** Safety gates: hold a plan that deletes more than this many objects, or this share of them. */
  maxDeletes: z.number().int().min(0).default(50),
  maxDeleteShare: z.number().min(0).max(1).default(0.5),
  /** Full rescans on a timer (the watcher is only a hint). */
  rescanMinutes: z.number().min(1).default(10),
  /** Upload bandwidth limit in bytes per second; 0 means none. */
  bandwidthLimit: z.number().int().min(0).default(0),
  fileConcurrency: z.number().int().min(1).max(64).default(8),
  partConcurrency: z.number().int().min(1).max(32).default(8),
});

export type FolderPair = z.infer<typeof FolderPairSchema>;
export type FolderPairInput = z.input<typeof FolderPairSchema>;

/** `a//b/` → `a/b/`; '' stays ''. Leading slashes and `.`/`..` segments are refused. */
export function normalisePrefix(input: string): Result<string> {
  const trimmed = input.trim().replace(/\/+/g, '/').replace(/^\//, '');
  if (!trimmed) return ok('');
  const segments = trimmed.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '.' || s === '..')) {
    return fail(appError('invalid-argument', { message: msg('error.prefixDots', { prefix: input }), hint: msg('hint.prefixPlain') }));
  }
  return ok(`${segments.join('/')}/`);
}

const within = (inner: string, outer: string, sep: string) => inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep);

/** Two pairs on the same folder tree, or on overlapping prefixes of one bucket, would fight: refuse. */
export function findOverlap(candidate: FolderPair, existing: readonly FolderPair[], options: { sep: string; caseInsensitive: boolean; endpointOf: (profile: string) => string }): Result<void> {
  const fold = (p: string) => (options.caseInsensitive ? p.toLowerCase() : p);
  for (const other of existing) {
    if (other.id === candidate.id) continue;
    const a = fold(candidate.localPath);
    const b = fold(other.localPath);
    if (within(a, b, options.sep) || within(b, a, options.sep)) {
      return fail(appError('pair-overlap', { message: msg('error.folderOverlap', { path: candidate.localPath, other: other.localPath }), hint: msg('hint.folderOverlap') }));
    }
    const sameBucket = other.bucket === candidate.bucket && options.endpointOf(other.profile) === options.endpointOf(candidate.profile);
    if (sameBucket && (candidate.prefix.startsWith(other.prefix) || other.prefix.startsWith(candidate.prefix))) {
      return fail(appError('pair-overlap', { message: msg('error.prefixOverlap', { target: `${candidate.bucket}/${candidate.prefix}`, other: `${other.bucket}/${other.prefix}`, path: other.localPath }), hint: msg('hint.prefixOverlap') }));
    }
  }
  return ok(undefined);
}
