// Carries out one planned operation. Right before each step it re-checks what the plan assumed (the file
// still has the size and mtime planned with; the object still has the ETag expected), and it records
// the synced tree one item at a time, only after the step succeeded (DESIGN.md "Executor").
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { appError, AppFailure, english } from '../../../shared/errors.js';
import { msg, type MessageId } from '../../../shared/messages.js';
import type { AppError } from '../../../shared/result.js';
import type { ItemOutcome, OutcomeKind } from './events.js';
import type { Key, LocalEntry, Operation, SyncedEntry } from './model.js';
import type { Remote } from './remote.js';
import type { SyncState } from './state-store.js';

export interface ExecContext {
  pairId: string;
  root: string;
  remote: Remote;
  state: Pick<SyncState, 'putSynced' | 'deleteSynced' | 'noteTrashed'>;
  /** The in-memory synced tree, kept identical to the state store. */
  synced: Map<Key, SyncedEntry>;
  signal: AbortSignal;
  now: () => number;
  onProgress?: (key: Key, sentBytes: number, totalBytes: number) => void;
}

/** Thrown when a precondition no longer holds: the item is deferred to the next scan, not failed. */
export class Stale extends Error {
  constructor(readonly why: Extract<MessageId, `stale.${string}`>) {
    super(english(msg(why)));
  }
}

type Done = { kind: OutcomeKind; bytes?: number };

function record(ctx: ExecContext, entry: SyncedEntry): void {
  ctx.state.putSynced(ctx.pairId, entry);
  ctx.synced.set(entry.key, entry);
}

function drop(ctx: ExecContext, key: Key): void {
  ctx.state.deleteSynced(ctx.pairId, key);
  ctx.synced.delete(key);
}

async function localUnchanged(ctx: ExecContext, local: LocalEntry): Promise<void> {
  const now = await stat(path.join(ctx.root, local.relPath)).catch(() => undefined);
  if (!now) throw new Stale('stale.gone');
  if (now.size !== local.size || Math.trunc(now.mtimeMs) !== Math.trunc(local.mtimeMs)) throw new Stale('stale.changed');
}

async function remoteHas(ctx: ExecContext, key: Key, etag: string | undefined): Promise<void> {
  const found = await ctx.remote.head(key, ctx.signal);
  if ((found?.etag ?? undefined) !== etag) {
    throw new Stale(etag ? 'stale.objectChanged' : 'stale.objectAppeared');
  }
}

/** The upload's own precondition failed: the key is taken (create only) or the object changed (If-Match). */
const isPreconditionFailure = (err: unknown) =>
  err instanceof AppFailure && (err.appError.code === 'precondition-failed' || err.appError.code === 'remote-changed');

async function upload(ctx: ExecContext, op: Extract<Operation, { kind: 'upload' }>): Promise<Done> {
  // No stat and no HEAD here: the upload re-checks the file itself (after reading it) and, without expectEtag,
  // writes create-only (a conditional PUT where the service honours one, else a HEAD right before the write).
  let sent = 0;
  let result;
  try {
    result = await ctx.remote.upload({
      key: op.key,
      localPath: path.join(ctx.root, op.local.relPath),
      expected: { size: op.local.size, mtimeMs: op.local.mtimeMs },
      ifMatchEtag: op.expectEtag,
      signal: ctx.signal,
      onProgress: (delta) => ctx.onProgress?.(op.key, (sent += delta), op.local.size),
    });
  } catch (err) {
    if (!ctx.signal.aborted && isPreconditionFailure(err)) {
      throw new Stale(op.expectEtag ? 'stale.objectChanged' : 'stale.objectAppeared');
    }
    throw err;
  }
  if (result.status !== 'uploaded') throw new Stale(result.status === 'changed' ? 'stale.changed' : 'stale.gone');
  const { size, mtimeMs, ino } = op.local;
  record(ctx, { key: op.key, size, mtimeMs, ino, md5: result.md5, crc64: result.crc64, etag: result.etag, syncedAtMs: ctx.now() });
  return { kind: 'uploaded', bytes: size };
}

async function copy(ctx: ExecContext, op: Extract<Operation, { kind: 'copyRemote' }>): Promise<Done> {
  await localUnchanged(ctx, op.local);
  // CopyObject overwrites: an object someone put at the target since the listing must not be lost.
  await remoteHas(ctx, op.key, undefined);
  const { etag } = await ctx.remote.copy(op.fromKey, op.key, op.expectSourceEtag, ctx.signal);
  const before = ctx.synced.get(op.fromKey);
  const { size, mtimeMs, ino } = op.local;
  record(ctx, { key: op.key, size, mtimeMs, ino, md5: op.local.md5 ?? before?.md5, crc64: op.local.crc64 ?? before?.crc64, etag, syncedAtMs: ctx.now() });
  return { kind: 'copied', bytes: 0 };
}

async function trash(ctx: ExecContext, op: Extract<Operation, { kind: 'trashRemote' }>): Promise<Done> {
  // A listing kept between passes misses a trash copy whose move then failed: never overwrite a trashed version.
  await remoteHas(ctx, op.trashKey, undefined);
  await ctx.remote.copy(op.key, op.trashKey, op.expectEtag, ctx.signal);
  ctx.state.noteTrashed(ctx.pairId, { trashKey: op.trashKey, originalKey: op.key, reason: op.reason, ...(op.why ? { why: op.why } : {}), trashedAtMs: ctx.now() });
  // The copy in the trash is safe; delete the original only if nobody changed it in between.
  await remoteHas(ctx, op.key, op.expectEtag);
  await ctx.remote.delete(op.key, ctx.signal);
  drop(ctx, op.key);
  return { kind: 'trashed' };
}

async function remove(ctx: ExecContext, op: Extract<Operation, { kind: 'deleteRemote' }>): Promise<Done> {
  await remoteHas(ctx, op.key, op.expectEtag);
  await ctx.remote.delete(op.key, ctx.signal);
  drop(ctx, op.key);
  return { kind: 'deleted' };
}

async function adopt(ctx: ExecContext, op: Extract<Operation, { kind: 'adopt' }>): Promise<Done> {
  await localUnchanged(ctx, op.local);
  const { size, mtimeMs, ino } = op.local;
  const md5 = op.local.md5 ?? op.remote.md5;
  const crc64 = op.local.crc64 ?? op.remote.crc64;
  record(ctx, { key: op.key, size, mtimeMs, ino, md5, crc64, etag: op.remote.etag, syncedAtMs: ctx.now() });
  return { kind: 'adopted' };
}

const unsupported = (op: Operation): never => {
  throw new AppFailure(appError('unsupported', { message: `"${op.kind}" is not done in upload direction.` }));
};

export async function execute(ctx: ExecContext, op: Operation): Promise<Done> {
  switch (op.kind) {
    case 'upload': return upload(ctx, op);
    case 'copyRemote': return copy(ctx, op);
    case 'trashRemote': return trash(ctx, op);
    case 'deleteRemote': return remove(ctx, op);
    case 'adopt': return adopt(ctx, op);
    case 'forget': drop(ctx, op.key); return { kind: 'forgotten' };
    default: return unsupported(op);
  }
}

/** Runs one operation and describes what happened, never throwing for the item's own failure. */
export async function executeToOutcome(ctx: ExecContext, op: Operation, toError: (err: unknown) => AppError): Promise<ItemOutcome> {
  const base = { pairId: ctx.pairId, key: op.key, reason: op.reason, ...(op.why ? { why: op.why } : {}) };
  try {
    const done = await execute(ctx, op);
    return { ...base, ...done, atMs: ctx.now() };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    if (err instanceof Stale) {
      const why = msg('why.deferred', { why: op.why ?? op.reason, stale: msg(err.why) });
      return { ...base, kind: 'deferred', reason: english(why), why, atMs: ctx.now() };
    }
    return { ...base, kind: 'failed', error: toError(err), atMs: ctx.now() };
  }
}
