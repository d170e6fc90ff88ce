// The connection diagnosis behind "Test connection" and `cos-sync doctor`: an ordered list of checks,
// each with its result and, when it fails, the fix. Later checks are skipped when one they need failed.
import { PROVIDERS } from '../../../shared/providers.js';
import { appError, english } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import type { ResolvedConnection } from '../../../shared/profile.js';
import { CHECK_IDS, type CheckId, type CheckResult, type Diagnosis } from '../../../shared/diagnosis.js';
import { describeResolution } from '../../../shared/resolve.js';
import type { AppError } from '../../../shared/result.js';
import { checkDns, checkTcp, checkTls, type Lookup, type Outcome, type Target } from './network-checks.js';
import { s3Checks, type ProbeContext } from './s3-checks.js';
import type { Credentials, S3Connection } from '../s3/client-factory.js';

export interface DiagnoseOptions {
  resolved: ResolvedConnection;
  credentials: Credentials;
  bucket?: string;
  /** Where the write/read/delete probe object goes (the folder pair's prefix). */
  prefix?: string;
  caPem?: string;
  lookup?: Lookup;
  now?: () => number;
  timeoutMs?: number;
  connect: (resolved: ResolvedConnection, credentials: Credentials) => Promise<S3Connection>;
}

const TITLES = Object.fromEntries(CHECK_IDS.map((id) => [id, english(msg(`check.${id}`))])) as Record<CheckId, string>;

/** A skip that is not a failure (plain HTTP has no TLS to check) does not hold back the checks after it. */
export type Skip = { skip: Msg; blocking?: boolean };
export type Step = { id: CheckId; needs: CheckId[]; run: () => Promise<Outcome | Skip> };

type Ran = CheckResult & { blocks: boolean };

function blockedBy(step: Step, results: Map<CheckId, Ran>): Ran | undefined {
  return step.needs.map((need) => results.get(need)).find((r) => r?.blocks);
}

async function runStep(step: Step, results: Map<CheckId, Ran>): Promise<Ran> {
  const base = { id: step.id, title: TITLES[step.id] };
  const blocker = blockedBy(step, results);
  if (blocker) {
    const detail = blocker.status === 'skip' && blocker.i18n?.detail ? blocker.i18n.detail : msg('detail.notChecked', { title: msg(`check.${blocker.id}`) });
    return { ...base, status: 'skip', ...details(detail), durationMs: 0, blocks: true };
  }
  const started = Date.now();
  const outcome = await step.run();
  const durationMs = Date.now() - started;
  if ('skip' in outcome) return { ...base, status: 'skip', ...details(outcome.skip), durationMs, blocks: outcome.blocking !== false };
  if (!outcome.ok) return { ...base, status: 'fail', error: outcome.error, durationMs, blocks: true };
  const warn = outcome.warn ? { error: outcome.warn } : {};
  return { ...base, status: outcome.warn ? 'warn' : 'pass', ...details(outcome.detail), ...warn, durationMs, blocks: false };
}

/** The English detail (the CLI's) and its message for the window. */
const details = (detail: Msg) => ({ detail: english(detail), i18n: { detail } });

function networkTarget(options: DiagnoseOptions): Target | undefined {
  const { resolved } = options;
  const host = resolved.host ?? `s3.${resolved.region}.amazonaws.com`;
  const port = resolved.port ?? (resolved.protocol === 'https' ? 443 : 80);
  // Virtual-hosted requests go to <bucket>.<host>: check that name, since its certificate must cover it.
  const named = options.bucket && !resolved.forcePathStyle ? `${options.bucket}.${host}` : host;
  return { host: named, port, caPem: options.caPem, lookup: options.lookup, timeoutMs: options.timeoutMs ?? 10_000 };
}

function networkSteps(options: DiagnoseOptions): Step[] {
  const target = networkTarget(options);
  const viaProxy: Skip | undefined = options.resolved.proxy ? { skip: msg('detail.viaProxy'), blocking: false } : undefined;
  const https = options.resolved.protocol === 'https';
  const plainHttp: Outcome = { ok: true, detail: msg('detail.plainHttp'), warn: appError('insecure-http') };
  return [
    { id: 'dns', needs: [], run: async () => viaProxy ?? checkDns(target!) },
    { id: 'tcp', needs: ['dns'], run: async () => viaProxy ?? checkTcp(target!) },
    { id: 'tls', needs: ['tcp'], run: async () => viaProxy ?? (https ? checkTls(target!) : plainHttp) },
  ];
}

export async function diagnose(options: DiagnoseOptions): Promise<Diagnosis> {
  const results = new Map<CheckId, Ran>();
  const context: ProbeContext = { options, preset: PROVIDERS[options.resolved.provider] };
  const steps = [...networkSteps(options), ...s3Checks(context)];
  try {
    for (const step of steps) results.set(step.id, await runStep(step, results));
  } finally {
    context.connection?.destroy();
  }
  const checks: CheckResult[] = [...results.values()].map(({ blocks: _blocks, ...check }) => check);
  return { ok: checks.every((c) => c.status !== 'fail'), checks, resolution: describeResolution(options.resolved) };
}

/** A diagnosis that stopped at the settings, for input that cannot even be resolved. */
export function settingsFailure(error: AppError): Diagnosis {
  return { ok: false, checks: [{ id: 'settings', title: TITLES.settings, status: 'fail', error, durationMs: 0 }], resolution: [] };
}
