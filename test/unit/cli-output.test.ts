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

test('--bwlimit reads bytes per second with K, M or G; --transfers a whole number', async () => {
  const { parseRate, limitsFrom } = await import('../../src/main/cli/sync-commands.js');
  assert.equal(parseRate('10M'), 10 * 1024 * 1024);
  assert.equal(parseRate('512k'), 512 * 1024);
  assert.equal(parseRate('1.5G/s'), 1.5 * 1024 ** 3);
  assert.equal(parseRate('0'), 0);
  assert.equal(parseRate('fast'), undefined);
  assert.deepEqual(limitsFrom({ bwlimit: '2M', transfers: '4' }), { limits: { bandwidthLimit: 2 * 1024 * 1024, fileConcurrency: 4 } });
  assert.match(limitsFrom({ bwlimit: 'fast' }).error ?? '', /not a rate.*10M/);
  assert.match(limitsFrom({ transfers: '0' }).error ?? '', /1 to 64/);
});
