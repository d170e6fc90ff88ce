// Benchmark (not a test; run by hand): scan 100,000 files in 1,000 folders, warm cache, and hash one large
// file. `node --import tsx test/perf/scan-perf.ts` — FILES, FOLDERS, RUNS and CONCURRENCY override.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ignoreRulesFromText } from '../../src/main/engine/sync/ignore-rules.js';
import { hashFile, scanLocal } from '../../src/main/engine/sync/local-scan.js';

const FILES = Number(process.env.FILES ?? 100_000);
const FOLDERS = Number(process.env.FOLDERS ?? 1_000);
const RUNS = Number(process.env.RUNS ?? 5);
const CONCURRENCY = process.env.CONCURRENCY ? Number(process.env.CONCURRENCY) : undefined;

function createTree(root: string): void {
  const perFolder = Math.ceil(FILES / FOLDERS);
  for (let f = 0; f < FOLDERS; f++) {
    // Two levels, as real photo and document folders are: 10 groups of 100 folders.
    const dir = join(root, `group-${f % 10}`, `folder ${f}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < perFolder && f * perFolder + i < FILES; i++) {
      const fd = openSync(join(dir, `IMG_${i}.jpg`), 'w');
      writeSync(fd, String(i));
      closeSync(fd);
    }
  }
}

/** CPU time is the fair number on a shared machine: wall time there includes waiting for a core. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function timeScans(root: string): Promise<void> {
  const ignore = ignoreRulesFromText('');
  for (let run = 1; run <= RUNS; run++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = await scanLocal(root, { ignore, ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}) });
    const ms = performance.now() - started;
    const cpuMs = cpuMsSince(cpu);
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    console.log(
      `scan ${run}: ${result.tree.size} files, ${result.skipped.length} skipped, ${ms.toFixed(0)} ms wall, ` +
        `${cpuMs.toFixed(0)} ms CPU (user+system, all threads), heap ${heapMb.toFixed(0)} MiB`,
    );
  }
}

async function timeHash(dir: string): Promise<void> {
  const file = join(dir, 'big.bin');
  await writeFile(file, Buffer.alloc(256 << 20, 7));
  const started = performance.now();
  await hashFile(file);
  const ms = performance.now() - started;
  console.log(`load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} CPUs`);
  console.log(`hashFile 256 MiB (MD5 + CRC-64): ${ms.toFixed(0)} ms, ${((256 / ms) * 1000).toFixed(0)} MiB/s`);
}

const dir = await mkdtemp(join(tmpdir(), 'cos-sync-scan-perf-'));
try {
  const root = join(dir, 'root');
  let started = performance.now();
  createTree(root);
  console.log(`created ${FILES} files in ${FOLDERS} folders in ${(performance.now() - started).toFixed(0)} ms`);
  started = performance.now();
  await timeScans(root);
  await timeHash(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
