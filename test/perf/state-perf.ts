// Benchmark: 100,000 SyncedTree rows written in one transaction and loaded back (not a test; run by hand).
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteSyncState } from '../../src/main/engine/sync/state-store.js';
import type { SyncedEntry } from '../../src/main/engine/sync/model.js';

const COUNT = Number(process.env.COUNT ?? 100_000);

function entries(): SyncedEntry[] {
  const out: SyncedEntry[] = [];
  for (let i = 0; i < COUNT; i++) {
    out.push({
      key: `folder-${Math.floor(i / 100)}/file-${i}.jpg`,
      size: 1000 + i,
      mtimeMs: 1_700_000_000_000 + i + 0.25,
      ino: 10_000 + i,
      md5: 'rL0Y20zC+Fzt72VPzMSk2A==',
      crc64: '12345678901234567890',
      etag: '"d41d8cd98f00b204e9800998ecf8427e"',
      syncedAtMs: 1_700_000_000_000,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cos-sync-state-perf-'));
  try {
    const rows = entries();
    let state = new SqliteSyncState({ file: join(dir, 'state.db') });
    let t = performance.now();
    state.putSyncedMany('pair', rows);
    const insertMs = performance.now() - t;
    state.close();
    state = new SqliteSyncState({ file: join(dir, 'state.db') });
    t = performance.now();
    const tree = state.loadSynced('pair');
    const loadMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < 1000; i++) state.putSynced('pair', { ...rows[i]!, size: 1 });
    const singleMs = performance.now() - t;
    state.close();
    if (tree.size !== COUNT) throw new Error(`loaded ${tree.size} rows, expected ${COUNT}`);
    console.log(`insert ${COUNT} rows (one transaction): ${insertMs.toFixed(0)} ms`);
    console.log(`load ${COUNT} rows (fresh connection): ${loadMs.toFixed(0)} ms`);
    console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs`);
    console.log(`1000 single putSynced (autocommit, WAL, synchronous=NORMAL): ${singleMs.toFixed(0)} ms`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
