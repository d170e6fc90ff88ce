// `npm run bench`: the sync engine, run through the `cos-sync` command, side by side with rclone and the AWS
// CLI (and a bare-SDK ceiling) against one real S3 server on loopback (Ceph RGW, memstore). Writes
// bench/results/latest.{md,json,png} (quick runs: quick.*) and, for a full run, the headline into README.md.
//
//   npm run bench                       the default sizes (under 20 minutes on 2 cores)
//   npm run bench -- --quick            tiny sizes, one round: checks the whole pipeline in a minute or two
//   npm run bench -- --only 1,2,3       some workloads (1 large, 2 small, 3 resync, 4 watch, 5 resume)
//   npm run bench -- --rounds 5 --large-count 2 --large-mib 512 --small-count 20000 --tree-count 50000 ...
//   npm run bench -- --tools cos-sync,rclone --keep --no-https --no-readme
//   npm run bench -- --tree-seed cos-sync  the 100,000-file tree uploaded by cos-sync (slow) instead of put raw and adopted
//   npm run bench -- --cpu-prof ...       cos-sync runs write V8 CPU profiles to <out>/cpu-profiles
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureSystemPackages } from '../test/support/system-packages.js';
import { writeLargeFiles, writeSmallTree } from './lib/data.js';
import { killLiveChildren } from './lib/proc.js';
import { Results } from './lib/results.js';
import { benchClient } from './lib/s3.js';
import { startBenchServer, type BenchServer } from './lib/server.js';
import { writeReport } from './report.js';
import { cosSyncHttp, cosSyncHttps } from './tools/cos-sync.js';
import { awsDefault, awsTuned, rcloneDefault, rcloneTuned } from './tools/peers.js';
import { raw } from './tools/raw.js';
import type { BenchEnv, Tool } from './tools/types.js';
import { runResumeWorkload } from './workloads/resume.js';
import { runTreeWorkload } from './workloads/tree.js';
import { runUploadWorkload } from './workloads/uploads.js';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;

/** What the benchmark runs on beyond the test servers: the peers, GNU time, and Chromium for the chart. */
const BENCH_PACKAGES = ['rclone', 'awscli', 'time', 'chromium'];
const SERVER_PACKAGES = ['radosgw', 'ceph-mon', 'ceph-osd', 'ceph-common', 'openssl', 'util-linux'];

export interface Config {
  quick: boolean;
  rounds: number;
  only: Set<number>;
  tools: Set<string> | undefined;
  https: boolean;
  largeCount: number;
  largeMiB: number;
  smallCount: number;
  smallFolders: number;
  smallKiB: number;
  treeCount: number;
  treeFolders: number;
  changes: number;
  idleSeconds: number;
  resumeMiB: number;
  memstoreGiB: number;
  treeSeed: 'raw' | 'cos-sync';
  keep: boolean;
  cpuProf: boolean;
  readme: boolean;
  outDir: string;
}

function parseArgs(argv: readonly string[]): Config {
  const quick = argv.includes('--quick');
  const c: Config = {
    quick, rounds: quick ? 1 : 3, only: new Set([1, 2, 3, 4, 5]), tools: undefined, https: true,
    largeCount: 4, largeMiB: quick ? 16 : 256, smallCount: quick ? 300 : 10_000, smallFolders: quick ? 10 : 100, smallKiB: 4,
    treeCount: quick ? 2_000 : 100_000, treeFolders: quick ? 20 : 1_000, changes: quick ? 5 : 50, idleSeconds: quick ? 3 : 10,
    resumeMiB: quick ? 128 : 1024, memstoreGiB: quick ? 3 : 6, keep: false, cpuProf: false, treeSeed: 'raw', readme: !quick, outDir: join(PROJECT_DIR, 'bench', 'results'),
  };
  const numbers: Record<string, keyof Config> = {
    '--rounds': 'rounds', '--large-count': 'largeCount', '--large-mib': 'largeMiB', '--small-count': 'smallCount', '--small-folders': 'smallFolders',
    '--small-kib': 'smallKiB', '--tree-count': 'treeCount', '--tree-folders': 'treeFolders', '--changes': 'changes', '--idle-seconds': 'idleSeconds',
    '--resume-mib': 'resumeMiB', '--memstore-gib': 'memstoreGiB',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') continue;
    else if (arg in numbers) (c as unknown as Record<string, number>)[numbers[arg]!] = Number(value());
    else if (arg === '--only') c.only = new Set(value().split(',').map(Number));
    else if (arg === '--tools') c.tools = new Set(value().split(','));
    else if (arg === '--no-https') c.https = false;
    else if (arg === '--keep') c.keep = true;
    else if (arg === '--cpu-prof') c.cpuProf = true;
    else if (arg === '--tree-seed') c.treeSeed = value() === 'cos-sync' ? 'cos-sync' : 'raw';
    else if (arg === '--readme') c.readme = true;
    else if (arg === '--no-readme') c.readme = false;
    else if (arg === '--out') c.outDir = value();
    else throw new Error(`unknown option ${arg} (see the top of bench/run.ts)`);
  }
  return c;
}

function say(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  say(`${step}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return value;
}

async function versions(): Promise<Record<string, string>> {
  const first = async (cmd: string, args: string[]) => {
    try {
      const { stdout, stderr } = await execFileAsync(cmd, args, { env: { ...process.env, AWS_CA_BUNDLE: '' } });
      return (stdout || stderr).trim().split('\n')[0] ?? '';
    } catch (err) {
      return `unknown (${(err as Error).message.split('\n')[0]})`;
    }
  };
  return {
    node: process.version,
    rclone: await first('/usr/bin/rclone', ['version']),
    aws: await first('/usr/bin/aws', ['--version']),
    ceph: await first('ceph', ['--version']),
    cpu: `${availableParallelism()} x ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    loadavgAtStart: loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

function pick(config: Config, tools: Tool[]): Tool[] {
  return config.tools ? tools.filter((t) => config.tools!.has(t.id)) : tools;
}

async function main(): Promise<number> {
  const config = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  const wallStart = performance.now();
  await timed('system packages', () => ensureSystemPackages(say, [...SERVER_PACKAGES, ...BENCH_PACKAGES]));
  await timed('build the cos-sync CLI', () => execFileAsync(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: PROJECT_DIR }));
  const dir = await mkdtemp(join(tmpdir(), 'cos-sync-bench-'));
  const workDir = join(dir, 'work');
  const dataDir = join(dir, 'data');
  await mkdir(workDir, { recursive: true });
  let server: BenchServer | undefined;
  const results = new Results();
  const info = await versions();
  const stopAll = async () => {
    killLiveChildren();
    await server?.stop();
    if (!config.keep) await rm(dir, { recursive: true, force: true });
    else say(`kept ${dir}`);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().then(() => process.exit(130)));
  try {
    server = await timed('RGW', () => startBenchServer(join(dir, 'server'), config.memstoreGiB * 2 ** 30, say));
    const env: BenchEnv = {
      httpEndpoint: server.rgw.httpEndpoint, httpsEndpoint: server.rgw.httpsEndpoint, caCertFile: server.pki.caCertFile,
      keys: server.rgw.users.main, projectDir: PROJECT_DIR, workDir,
      nodeFlags: config.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(config.outDir, 'cpu-profiles')] : [],
    };
    const client = benchClient(env.httpEndpoint, env.keys);
    const common = { env, server, client, results, rounds: config.rounds, say };
    const report = () => writeReport(results, { config, info, startedAt, elapsedS: (performance.now() - wallStart) / 1000 }, PROJECT_DIR);
    const ours = config.https ? [cosSyncHttp, cosSyncHttps] : [cosSyncHttp];

    if (config.only.has(1)) {
      const tree = await timed('write the large files', () => writeLargeFiles(join(dataDir, 'large'), config.largeCount, config.largeMiB * MiB, 'large'));
      say(`workload 1: ${config.largeCount} x ${config.largeMiB} MiB, first upload`);
      await timed('workload 1', () => runUploadWorkload({ ...common, tree, kind: 'large', resyncTools: new Set(), tools: pick(config, [...ours, rcloneDefault, rcloneTuned, awsDefault, awsTuned, raw]) }));
      await rm(tree.root, { recursive: true, force: true });
      await report();
    }
    if (config.only.has(2) || config.only.has(3)) {
      const tree = await timed('write the small files', () => writeSmallTree(join(dataDir, 'small'), config.smallCount, config.smallFolders, config.smallKiB * 1024, 'small'));
      say(`workload 2${config.only.has(3) ? ' + 3' : ''}: ${config.smallCount} x ${config.smallKiB} KiB in ${config.smallFolders} folders, first upload${config.only.has(3) ? ', then a no-change resync' : ''}`);
      const resyncTools = new Set(config.only.has(3) ? ['cos-sync', 'rclone', 'aws'] : []);
      await timed('workloads 2 and 3', () => runUploadWorkload({ ...common, tree, kind: 'small', resyncTools, tools: pick(config, [...ours, rcloneDefault, rcloneTuned, awsDefault, awsTuned, raw]) }));
      await rm(tree.root, { recursive: true, force: true });
      await report();
    }
    if ((config.only.has(3) || config.only.has(4)) && (!config.tools || config.tools.has('cos-sync'))) {
      const tree = await timed(`write the ${config.treeCount}-file tree`, () => writeSmallTree(join(dataDir, 'tree'), config.treeCount, config.treeFolders, config.smallKiB * 1024, 'tree'));
      say(`workloads 3 and 4 on ${config.treeCount} files: first upload, no-change resyncs, then watching with ${config.changes} changes`);
      await timed('workloads 3 (large tree) and 4', () => runTreeWorkload({ ...common, tree, changes: config.changes, idleSeconds: config.idleSeconds, seed: config.treeSeed }));
      await rm(tree.root, { recursive: true, force: true });
      await report();
    }
    if (config.only.has(5) && (!config.tools || config.tools.has('cos-sync'))) {
      const tree = await timed('write the resume file', () => writeLargeFiles(join(dataDir, 'resume'), 1, config.resumeMiB * MiB, 'resume'));
      say(`workload 5: ${config.resumeMiB} MiB upload killed at 50 %, then run again`);
      await timed('workload 5', () => runResumeWorkload({ ...common, tree }));
      await rm(tree.root, { recursive: true, force: true });
    }
    const written = await report();
    say(`total: ${((performance.now() - wallStart) / 60_000).toFixed(1)} min; report: ${written.join(', ')}`);
    client.destroy();
    return results.samples.some((s) => s.verified === false) ? 1 : 0;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say((err as Error).stack ?? String(err));
    process.exit(1);
  },
);
