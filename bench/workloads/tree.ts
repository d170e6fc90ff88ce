// The 100,000-file tree (workloads 3, 4 and 6): put into the bucket (by the raw driver, then adopted by cos-sync's
// first pass, or uploaded by cos-sync itself with --tree-seed cos-sync), no-change
// resyncs of it (seconds, requests), then `cos-sync sync --watch` on it: idle RSS once the first pass is done,
// and for each of N changes, the time from the changed file's close to a HEAD that shows the new ETag.
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { seededStream, type Tree } from '../lib/data.js';
import { LiveCli } from '../lib/live.js';
import { cpuSecondsOf, measure, memoryOf } from '../lib/proc.js';
import { percentile, type Results } from '../lib/results.js';
import { createBucket, etagOf, tally } from '../lib/s3.js';
import type { BenchServer } from '../lib/server.js';
import { cliEnv, cliArgs, freshHome, targetOf } from '../tools/cos-sync.js';
import { raw } from '../tools/raw.js';
import type { BenchEnv } from '../tools/types.js';

export interface TreeWorkloadOptions {
  env: BenchEnv;
  server: BenchServer;
  client: S3Client;
  results: Results;
  tree: Tree;
  rounds: number;
  changes: number;
  /** How long to watch the idle process before taking its RSS. */
  idleSeconds: number;
  /** Who uploads the tree first: the raw driver (then cos-sync adopts it; fast) or cos-sync itself. */
  seed: 'raw' | 'cos-sync';
  say: (line: string) => void;
}

export async function runTreeWorkload(o: TreeWorkloadOptions): Promise<void> {
  const bucket = 'bench-tree';
  await createBucket(o.client, bucket);
  const home = await freshHome(o.env);
  const env = cliEnv(o.env, home);
  const target = targetOf({ bucket, prefix: '' });
  const n = o.tree.files.length;
  try {
    if (o.seed === 'raw') {
      // Uploading 100,000 files through cos-sync takes many minutes; the raw driver puts the same bytes with the
      // metadata cos-sync (and rclone) write, and cos-sync's first pass adopts every object (HEAD for the MD5,
      // local hash, same content): nothing is uploaded again.
      const seeded = await raw.seed(o.env, { dir: o.tree.root, bucket, prefix: '', kind: 'small', files: o.tree.files });
      const s = await seeded.sync('tree-seed-raw');
      o.say(`  ${n} files put by the raw driver in ${s.wallS.toFixed(1)} s`);
    }
    const before = await o.server.counters();
    const up = await measure(process.execPath, cliArgs(o.env, 'sync', o.tree.root, target), { env, logFile: join(o.env.workDir, 'tree-first-sync.log') });
    const after = await o.server.counters();
    const got = await tally(o.client, bucket);
    const verified = got.count === n && got.bytes === o.tree.bytes;
    const workload = o.seed === 'raw' ? 'adopt-100k' : 'upload-100k';
    o.results.add({ workload, tool: 'cos-sync', round: 0, verified, metrics: { seconds: up.wallS, cpuS: up.cpuS, peakRssMB: up.peakRssMB, requests: after.requests - before.requests, putBytes: after.putBytes - before.putBytes, filesPerS: n / up.wallS } });
    o.say(`  first cos-sync pass over ${n} files (${o.seed === 'raw' ? 'already in the bucket: adopted' : 'uploaded'}): ${up.wallS.toFixed(1)} s (${(n / up.wallS).toFixed(0)} files/s), CPU ${up.cpuS.toFixed(1)} s, RSS ${up.peakRssMB.toFixed(0)} MB, ${after.requests - before.requests} requests, ${after.putBytes - before.putBytes} B put${verified ? '' : ` — VERIFY FAILED (${got.count} objects)`}`);

    for (let round = 0; round < o.rounds; round++) {
      const b = await o.server.counters();
      const r = await measure(process.execPath, cliArgs(o.env, 'sync', o.tree.root, target), { env, logFile: join(o.env.workDir, `tree-resync-r${round}.log`) });
      const a = await o.server.counters();
      o.results.add({ workload: 'resync-100k', tool: 'cos-sync', round, metrics: { seconds: r.wallS, cpuS: r.cpuS, peakRssMB: r.peakRssMB, requests: a.requests - b.requests, putBytes: a.putBytes - b.putBytes } });
      o.say(`  no-change resync of ${n} files: ${r.wallS.toFixed(2)} s, CPU ${r.cpuS.toFixed(2)} s, RSS ${r.peakRssMB.toFixed(0)} MB, ${a.requests - b.requests} requests`);
    }

    await watchChanges(o, env, target, bucket);
  } finally {
    await rm(home, { recursive: true, force: true });
    // The tree's objects stay: deleting 100,000 objects takes minutes, and the memstore has room for them
    // beside the resume workload; the whole cluster goes when the run ends.
  }
}

async function watchChanges(o: TreeWorkloadOptions, env: NodeJS.ProcessEnv, target: string, bucket: string): Promise<void> {
  const started = performance.now();
  const cli = new LiveCli(cliArgs(o.env, 'sync', o.tree.root, target, '--watch', '--json'), env, join(o.env.workDir, 'tree-watch.log'));
  try {
    await cli.waitFor((e) => e.type === 'run' && e.phase === 'finished', 600_000, 'the first pass of the watcher');
    const firstPassS = (performance.now() - started) / 1000;
    // Idle: after the first pass, the watcher settles; RSS sampled over the idle period, requests counted.
    const b = await o.server.counters();
    const rss: number[] = [];
    for (let t = 0; t < o.idleSeconds; t++) {
      await sleep(1000);
      const m = await memoryOf(cli.pid);
      if (m) rss.push(m.rssMB);
    }
    const a = await o.server.counters();
    const idleRss = rss.at(-1) ?? NaN;
    o.say(`  watching ${o.tree.files.length} files: first pass ${firstPassS.toFixed(1)} s; idle RSS ${idleRss.toFixed(0)} MB (max ${Math.max(...rss).toFixed(0)}), ${a.requests - b.requests} requests in ${o.idleSeconds} s idle`);

    const latencies: number[] = [];
    const engineLatencies: number[] = [];
    const cpu0 = (await cpuSecondsOf(cli.pid)) ?? NaN;
    const c0 = await o.server.counters();
    let polls = 0;
    const step = Math.max(1, Math.floor(o.tree.files.length / o.changes));
    for (let i = 0; i < o.changes; i++) {
      const rel = o.tree.files[(i * step) % o.tree.files.length]!;
      const body = seededStream(`change-${i}-${Date.now()}`)(4096);
      const md5 = createHash('md5').update(body).digest('hex');
      let uploadedAt: number | undefined;
      const seen = cli.waitFor((e) => e.type === 'outcome' && (e.outcome as { key?: string }).key === rel && (e.outcome as { kind?: string }).kind === 'uploaded', 60_000, `the upload of ${rel}`)
        .then(() => (uploadedAt = performance.now()), () => undefined);
      const handle = await open(join(o.tree.root, rel), 'w');
      await handle.write(body);
      await handle.close();
      const closedAt = performance.now();
      const deadline = closedAt + 60_000;
      for (;;) {
        polls++;
        if ((await etagOf(o.client, bucket, rel)) === md5) break;
        if (performance.now() > deadline) throw new Error(`${rel} was not visible 60 s after it changed`);
        await sleep(10);
      }
      const visibleAt = performance.now();
      latencies.push((visibleAt - closedAt) / 1000);
      await Promise.race([seen, sleep(2000)]);
      if (uploadedAt !== undefined) engineLatencies.push((uploadedAt - closedAt) / 1000);
      await sleep(200);
    }
    const c1 = await o.server.counters();
    const cpu1 = (await cpuSecondsOf(cli.pid)) ?? NaN;
    const mem = await memoryOf(cli.pid);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    o.results.add({
      workload: 'watch', tool: 'cos-sync', round: 0,
      metrics: {
        firstPassS, idleRssMB: idleRss, idleRequests: a.requests - b.requests, idleSeconds: o.idleSeconds,
        changes: latencies.length, p50S: p50, p95S: p95, minS: Math.min(...latencies), maxS: Math.max(...latencies),
        engineP50S: percentile(engineLatencies, 50), peakRssMB: mem?.hwmMB ?? NaN, rssAfterMB: mem?.rssMB ?? NaN,
        cpuSPerChange: (cpu1 - cpu0) / latencies.length,
        // The HEAD polling is ours: leave it out of the engine's requests.
        requestsPerChange: (c1.requests - c0.requests - polls) / latencies.length,
      },
    });
    o.say(`  ${latencies.length} changes, close → visible: p50 ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s (min ${Math.min(...latencies).toFixed(2)}, max ${Math.max(...latencies).toFixed(2)}); peak RSS ${mem?.hwmMB.toFixed(0)} MB`);
  } finally {
    await cli.stop();
  }
}
