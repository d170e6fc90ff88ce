// Workload 5: a large upload killed (SIGKILL, as a crash or power cut would) once half its bytes are confirmed,
// then the same command again. "Sent again" is what RGW received in PUT bodies over both runs, less the file's
// size: the parts that were received but not recorded as done, and so were sent a second time.
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Tree } from '../lib/data.js';
import { LiveCli } from '../lib/live.js';
import { measure } from '../lib/proc.js';
import type { Results } from '../lib/results.js';
import { createBucket, removeBucket, tally } from '../lib/s3.js';
import type { BenchServer } from '../lib/server.js';
import { cliEnv, cliArgs, freshHome, targetOf } from '../tools/cos-sync.js';
import type { BenchEnv } from '../tools/types.js';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ResumeWorkloadOptions {
  env: BenchEnv;
  server: BenchServer;
  client: S3Client;
  results: Results;
  /** One large file. */
  tree: Tree;
  rounds: number;
  say: (line: string) => void;
}

export async function runResumeWorkload(o: ResumeWorkloadOptions): Promise<void> {
  for (let round = 0; round < o.rounds; round++) {
    const bucket = `bench-resume-r${round}`;
    await createBucket(o.client, bucket);
    const home = await freshHome(o.env);
    const env = cliEnv(o.env, home);
    const target = targetOf({ bucket, prefix: '' });
    try {
      const c0 = await o.server.counters();
      const cli = new LiveCli(cliArgs(o.env, 'sync', o.tree.root, target, '--json'), env, join(o.env.workDir, `resume-r${round}-killed.log`));
      let confirmed = 0;
      await cli.waitFor((e) => {
        if (e.type !== 'progress') return false;
        confirmed = e.sentBytes as number;
        return confirmed >= o.tree.bytes / 2;
      }, 600_000, 'half of the upload');
      await cli.stop('SIGKILL');
      await sleep(1000); // RGW finishes (or drops) the requests that were in flight
      const c1 = await o.server.counters();
      const second = await measure(process.execPath, cliArgs(o.env, 'sync', o.tree.root, target), { env, logFile: join(o.env.workDir, `resume-r${round}-again.log`) });
      const c2 = await o.server.counters();
      const got = await tally(o.client, bucket);
      const verified = got.count === o.tree.files.length && got.bytes === o.tree.bytes;
      const firstBytes = c1.putBytes - c0.putBytes;
      const secondBytes = c2.putBytes - c1.putBytes;
      const sentAgain = firstBytes + secondBytes - o.tree.bytes;
      o.results.add({
        workload: 'resume', tool: 'cos-sync', round, verified,
        metrics: { confirmedAtKill: confirmed, firstRunBytes: firstBytes, secondRunBytes: secondBytes, sentAgainBytes: sentAgain, secondRunSeconds: second.wallS, secondRunRequests: c2.requests - c1.requests },
      });
      o.say(`  round ${round + 1}: killed with ${(confirmed / 2 ** 20).toFixed(0)} MiB confirmed (${(firstBytes / 2 ** 20).toFixed(0)} MiB received); the rerun sent ${(secondBytes / 2 ** 20).toFixed(0)} MiB in ${second.wallS.toFixed(1)} s: ${(sentAgain / 2 ** 20).toFixed(1)} MiB sent again${verified ? '' : ' — VERIFY FAILED'}`);
    } finally {
      await rm(home, { recursive: true, force: true });
      await rm(join(o.tree.root, '.cos-sync-folder'), { force: true });
      await removeBucket(o.client, bucket);
      await o.server.collectGarbage();
    }
  }
}
