// Tier 3 "Simulation" (DESIGN.md): the whole engine, seeded, against an in-memory bucket and a temp folder with
// faults injected. 500 seeds by default; COS_SYNC_SIM_SEEDS=5000 for more, COS_SYNC_SIM_SEED=<n> to rerun one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulate, type SimReport } from '../support/sim-scenario.js';

const DEFAULT_SEEDS = 500;

function seeds(): number[] {
  const one = process.env.COS_SYNC_SIM_SEED;
  if (one !== undefined && one !== '') return [Number.parseInt(one, 10)];
  const count = Number.parseInt(process.env.COS_SYNC_SIM_SEEDS ?? '', 10) || DEFAULT_SEEDS;
  const start = Number.parseInt(process.env.COS_SYNC_SIM_START ?? '', 10) || 1;
  return Array.from({ length: count }, (_, i) => start + i);
}

/** `seed <n>: ...` first, then (for a single rerun) the scenario's trace. */
function describeFailure(report: SimReport, withTrace: boolean): string {
  const head = `seed ${report.seed}: ${report.violations.length} invariant(s) broken:\n  ${report.violations.join('\n  ')}`;
  return withTrace ? `${head}\n  trace:\n    ${report.trace.join('\n    ')}` : head;
}

function summary(totals: Map<string, number>, runs: number, ms: number): string {
  const rows = [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}=${n}`);
  return `${runs} seeds in ${(ms / 1000).toFixed(1)} s; ${rows.join(' ')}`;
}

test('simulation: the engine converges without losing content under faults', async (t) => {
  const list = seeds();
  const totals = new Map<string, number>();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const started = performance.now();
  let failed = 0;
  try {
    for (const seed of list) {
      const report = await simulate(seed);
      for (const reason of unhandled.splice(0)) report.violations.push(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
      for (const [k, n] of report.stats) totals.set(k, (totals.get(k) ?? 0) + n);
      if (report.violations.length === 0) continue;
      failed++;
      // Only failing seeds become subtests: each failure reads `seed <n>: ...` on its own.
      await t.test(`seed ${seed}`, () => assert.fail(describeFailure(report, list.length === 1)));
    }
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  t.diagnostic(summary(totals, list.length, performance.now() - started));
  if (failed > 0) t.diagnostic(`${failed} of ${list.length} seeds failed; rerun one with COS_SYNC_SIM_SEED=<n> to see its trace`);
});
