// Workloads 1-3: first upload of a folder by every tool (large files: MB/s; small files: files/s), then,
// for the tools that sync, a no-change resync of the same folder (seconds and requests). Rounds rotate the
// order of the tools; every upload is checked (object count and bytes) and then deleted, with RGW's garbage
// collection run after large files so the memstore OSD gives their RAM back before the next run.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BenchServer, RgwCounters } from '../lib/server.js';
import type { Results, WorkloadId } from '../lib/results.js';
import { createBucket, removeBucket, tally } from '../lib/s3.js';
import type { Tree } from '../lib/data.js';
import type { BenchEnv, Kind, Tool } from '../tools/types.js';

export interface UploadWorkloadOptions {
  env: BenchEnv;
  server: BenchServer;
  client: S3Client;
  results: Results;
  tree: Tree;
  kind: Kind;
  tools: readonly Tool[];
  /** Tools whose no-change resync is measured after their upload (small files: workload 3). */
  resyncTools: ReadonlySet<string>;
  rounds: number;
  say: (line: string) => void;
}

const MARKER = '.cos-sync-folder';

export const rotate = <T>(list: readonly T[], by: number): T[] => list.map((_, i) => list[(i + by) % list.length]!);

const delta = (a: RgwCounters, b: RgwCounters) => ({ requests: b.requests - a.requests, putBytes: b.putBytes - a.putBytes });

export async function runUploadWorkload(o: UploadWorkloadOptions): Promise<void> {
  const workload: WorkloadId = o.kind;
  for (let round = 0; round < o.rounds; round++) {
    for (const tool of rotate(o.tools, round)) {
      const bucket = `bench-${o.kind}-${tool.id}-r${round}`;
      const label = `${o.kind}-${tool.id}-r${round}`;
      await createBucket(o.client, bucket);
      const session = await tool.open(o.env, { dir: o.tree.root, bucket, prefix: '', kind: o.kind, files: o.tree.files });
      try {
        const before = await o.server.counters();
        const m = await session.sync(label);
        const after = await o.server.counters();
        const got = await tally(o.client, bucket);
        const verified = got.count === o.tree.files.length && got.bytes === o.tree.bytes;
        const mb = o.tree.bytes / 1e6;
        o.results.add({
          workload, tool: tool.id, round, verified,
          metrics: {
            seconds: m.wallS, cpuS: m.cpuS, peakRssMB: m.peakRssMB, ...delta(before, after),
            mbPerS: mb / m.wallS, filesPerS: o.tree.files.length / m.wallS, cpuSPerGiB: m.cpuS / (o.tree.bytes / 2 ** 30), ...m.detail,
          },
          ...(verified ? {} : { note: `expected ${o.tree.files.length} objects / ${o.tree.bytes} B, found ${got.count} / ${got.bytes} B` }),
        });
        o.say(`  ${label}: ${m.wallS.toFixed(2)} s, ${(mb / m.wallS).toFixed(1)} MB/s, ${(o.tree.files.length / m.wallS).toFixed(0)} files/s, CPU ${m.cpuS.toFixed(2)} s, RSS ${m.peakRssMB.toFixed(0)} MB, ${after.requests - before.requests} requests${verified ? '' : ' — VERIFY FAILED'}`);
        if (tool.resyncs && o.resyncTools.has(tool.id)) {
          const b2 = await o.server.counters();
          const r = await session.sync(`${label}-resync`);
          const a2 = await o.server.counters();
          const still = await tally(o.client, bucket);
          o.results.add({
            workload: 'resync-10k', tool: tool.id, round, verified: still.count === got.count && still.bytes === got.bytes,
            metrics: { seconds: r.wallS, cpuS: r.cpuS, peakRssMB: r.peakRssMB, ...delta(b2, a2) },
          });
          o.say(`  ${label} no-change resync: ${r.wallS.toFixed(2)} s, CPU ${r.cpuS.toFixed(2)} s, RSS ${r.peakRssMB.toFixed(0)} MB, ${a2.requests - b2.requests} requests, ${a2.putBytes - b2.putBytes} B put`);
        }
      } finally {
        const cleanup = performance.now();
        await session.close();
        await rm(join(o.tree.root, MARKER), { force: true }); // cos-sync marks folders it syncs; the peers must not upload it
        await removeBucket(o.client, bucket);
        const removed = performance.now();
        // RGW keeps an object's first 4 MiB in its head, deleted at once; only the tails of larger objects wait for
        // garbage collection. Small files leave none to collect.
        if (o.kind === 'large') await o.server.collectGarbage();
        o.say(`  ${label} cleanup: bucket emptied in ${((removed - cleanup) / 1000).toFixed(1)} s, garbage collected in ${((performance.now() - removed) / 1000).toFixed(1)} s`);
      }
    }
  }
}
