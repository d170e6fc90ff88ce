// How `cos-sync sync` prints events: a transfer's progress on the terminal's status line, items as lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventPrinter } from '../../src/main/cli/sync-commands.js';
import type { Printer } from '../../src/main/cli/output.js';

function recorder(withStatus: boolean) {
  const lines = { out: [] as string[], err: [] as string[], status: [] as string[] };
  const printer: Printer = {
    json: false,
    out: (t) => lines.out.push(t),
    err: (t) => lines.err.push(t),
    ...(withStatus ? { status: (t: string) => lines.status.push(t) } : {}),
  };
  return { printer, lines };
}

test('on a terminal, upload progress goes to the status line with percent and megabytes', () => {
  const { printer, lines } = recorder(true);
  eventPrinter(printer)({ type: 'progress', pairId: 'p', key: 'big.bin', sentBytes: 8_000_000, totalBytes: 32_000_000 });
  assert.deepEqual(lines.status, ['25% big.bin (8.0 of 32.0 MB)']);
  assert.deepEqual(lines.out, []);
});

test('without a terminal, progress prints nothing and finished items print a line', () => {
  const { printer, lines } = recorder(false);
  const print = eventPrinter(printer);
  print({ type: 'progress', pairId: 'p', key: 'big.bin', sentBytes: 1, totalBytes: 2 });
  print({ type: 'outcome', outcome: { pairId: 'p', key: 'big.bin', kind: 'uploaded', reason: 'new', atMs: 0 } });
  assert.deepEqual(lines.status, []);
  assert.deepEqual(lines.out, ['uploaded  big.bin']);
});
