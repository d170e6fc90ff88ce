// A real S3 server for the integration tests: a throwaway Ceph cluster (one monitor, one OSD on
// memstore, no cephx) with a RADOS Gateway on 127.0.0.1 over HTTP and HTTPS, all inside one temp dir.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { run, spawnDaemon, tail, waitFor, type Daemon } from './daemon.js';
import type { TestPki } from './tls.js';

/** Bucket domains RGW serves virtual-hosted requests for (`<bucket>.<domain>`). */
export const VIRTUAL_HOST_DOMAINS: readonly string[] = ['s3.test', 'cos.ap-guangzhou.myqcloud.com', 'cos.ap-beijing.myqcloud.com'];
/** Host for path-style requests by name; listed as a hostname too, or RGW reads it as a bucket name. */
export const PATH_STYLE_HOST = 'localhost';

export interface TestUser {
  uid: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Fixed keys so a failing test can be replayed by hand against the same server. */
export const MAIN_USER: TestUser = {
  uid: 'cos-sync-main',
  accessKeyId: 'COSSYNCMAINTESTKEY01',
  secretAccessKey: 'cosSyncMainTestSecretKey0000000000000001',
};
/** A second account that owns nothing and has no grant on the main user's buckets. */
export const OTHER_USER: TestUser = {
  uid: 'cos-sync-other',
  accessKeyId: 'COSSYNCOTHERTESTKEY2',
  secretAccessKey: 'cosSyncOtherTestSecretKey000000000000002',
};

export interface RgwServer {
  httpEndpoint: string;
  httpsEndpoint: string;
  httpPort: number;
  httpsPort: number;
  /** The ceph.conf of this cluster; `rgwAdmin(cephConf, ...)` works from any process. */
  cephConf: string;
  users: { main: TestUser; other: TestUser };
  /** Runs radosgw-admin against this cluster and returns its stdout. */
  admin(args: readonly string[]): Promise<string>;
  /** Log files worth showing when something goes wrong. */
  logFiles(): string[];
  stop(): Promise<void>;
}

export interface StartRgwOptions {
  dir: string;
  pki: Pick<TestPki, 'certFile' | 'keyFile'>;
  /** Per-step timings, for the runner's setup report. */
  onStep?: (step: string, ms: number) => void;
  /** RAM the memstore OSD may fill (`memstore device bytes`); 8 GiB by default (only what is stored is used). */
  memstoreBytes?: number;
}

/** Where this cluster lives, and the daemons started for it so far (stop() and error paths use it). */
interface Cluster {
  dir: string;
  daemons: Daemon[];
  fsid: string;
  conf: string;
  logDir: string;
  ports: { mon: number; http: number; https: number };
}

// The whole suite writes a few GiB (several 200 MB files, each also through the COS front), and deleted data is
// only reclaimed by RGW's garbage collection later: a full OSD does not fail writes, it stalls them.
const DEFAULT_MEMSTORE_BYTES = 8 * 1024 ** 3;

/** Thrown when the cluster does not come up; the message carries the tail of every daemon's log. */
export class RgwStartError extends Error {}

/** Starts the cluster and gateway; on failure everything started so far is stopped again. */
export async function startRgw(options: StartRgwOptions): Promise<RgwServer> {
  const cluster = await prepare(options);
  const stop = async () => {
    await Promise.all(cluster.daemons.map((d) => d.stop()));
  };
  const timed = stepTimer(options.onStep);
  try {
    await timed('ceph-mon', () => startMon(cluster));
    await timed('ceph-osd', () => startOsd(cluster));
    await timed('rgw zone + users', () => configureGateway(cluster));
    await timed('radosgw', () => startGateway(cluster));
  } catch (err) {
    const logs = logFilesOf(cluster).map((f) => `--- ${f} ---\n${tail(f)}`).join('\n');
    await stop();
    throw new RgwStartError(`RGW did not start: ${(err as Error).message}\n${logs}`, { cause: err });
  }
  return {
    httpEndpoint: `http://127.0.0.1:${cluster.ports.http}`,
    httpsEndpoint: `https://${PATH_STYLE_HOST}:${cluster.ports.https}`,
    httpPort: cluster.ports.http,
    httpsPort: cluster.ports.https,
    cephConf: cluster.conf,
    users: { main: MAIN_USER, other: OTHER_USER },
    admin: (args) => rgwAdmin(cluster.conf, args),
    logFiles: () => logFilesOf(cluster),
    stop,
  };
}

/** radosgw-admin against the cluster described by cephConf. */
export function rgwAdmin(cephConf: string, args: readonly string[]): Promise<string> {
  return run('radosgw-admin', ['-c', cephConf, ...args], { timeoutMs: 60_000 });
}

/** Suspends or re-enables a user; requests with its keys then fail with 403 UserSuspended. */
export async function setUserSuspended(cephConf: string, uid: string, suspended: boolean): Promise<void> {
  await rgwAdmin(cephConf, ['user', suspended ? 'suspend' : 'enable', `--uid=${uid}`]);
}

/** Removes an access key; requests signed with it then fail with 403 InvalidAccessKeyId. */
export async function removeAccessKey(cephConf: string, user: TestUser): Promise<void> {
  await rgwAdmin(cephConf, ['key', 'rm', `--uid=${user.uid}`, `--access-key=${user.accessKeyId}`]);
}

/** Gives a user back its fixed key (after removeAccessKey). */
export async function restoreAccessKey(cephConf: string, user: TestUser): Promise<void> {
  await rgwAdmin(cephConf, ['key', 'create', `--uid=${user.uid}`, `--access-key=${user.accessKeyId}`, `--secret-key=${user.secretAccessKey}`]);
}

function stepTimer(onStep: StartRgwOptions['onStep']) {
  return async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await fn();
    onStep?.(step, performance.now() - started);
    return value;
  };
}

async function prepare(options: StartRgwOptions): Promise<Cluster> {
  const dir = options.dir;
  const logDir = join(dir, 'log');
  for (const sub of ['log', 'run', 'crash', 'mon/mon.a', 'rgw']) await mkdir(join(dir, sub), { recursive: true });
  const [mon, http, https] = await freePorts(3);
  const cluster: Cluster = { dir, daemons: [], fsid: randomUUID(), conf: join(dir, 'ceph.conf'), logDir, ports: { mon: mon!, http: http!, https: https! } };
  await writeFile(cluster.conf, cephConf(cluster, options.pki, options.memstoreBytes ?? DEFAULT_MEMSTORE_BYTES));
  return cluster;
}

/** Ports the kernel calls free right now on 127.0.0.1, held open together so they are distinct. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** The whole cluster configuration; every path points into the run's directory, nothing into /var or /etc. */
function cephConf(cluster: Cluster, pki: StartRgwOptions['pki'], memstoreBytes: number): string {
  const { dir, fsid, logDir, ports } = cluster;
  return `[global]
fsid = ${fsid}
mon host = [v2:127.0.0.1:${ports.mon}]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr1 = false
# No cephx: nothing to protect, and no keyrings to make. Without cephx there is no session key for the
# messenger's "secure" mode; radosgw's monitor client prefers it and then hangs at start (measured:
# "ms mon client mode" alone is what it needs). All modes say crc so no connection depends on defaults.
auth cluster required = none
auth service required = none
auth client required = none
mon warn on insecure global id reclaim allowed = false
ms client mode = crc
ms cluster mode = crc
ms service mode = crc
ms mon client mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
keyring = /dev/null
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
pid file = ${dir}/run/$name.pid
log file = ${logDir}/$name.log
crash dir = ${dir}/crash
mon cluster log file = default=${logDir}/$cluster.$channel.log cluster=${logDir}/$cluster.log
mon data = ${dir}/mon/$name
osd data = ${dir}/osd/$name
# One monitor, one OSD, one copy of everything, small pools, and no manager to scale them.
mon initial members = a
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
# Commit monitor changes at once instead of batching them for a second: pool creation is 10x faster.
paxos propose interval = 0.01
# Data lives in RAM; the OSD writes it to disk only on a clean shutdown, which stop() never asks for.
osd objectstore = memstore
memstore device bytes = ${memstoreBytes}
osd op num shards = 2
osd op num threads per shard = 1

[client]
rgw data = ${dir}/rgw
rgw relaxed region enforcement = true
# 512 threads by default; beast serves requests as coroutines, so a few dozen are plenty here.
rgw thread pool size = 32
# Deleted and overwritten data stays until garbage collection (2 h by default) and it is all in RAM.
rgw gc obj min wait = 60
rgw gc processor period = 60
rgw frontends = beast endpoint=127.0.0.1:${ports.http} ssl_endpoint=127.0.0.1:${ports.https} ssl_certificate=${pki.certFile} ssl_private_key=${pki.keyFile}
`;
}

/** Starts a daemon of this cluster, logging to log/<logName>; it is stopped with the cluster. */
function launch(cluster: Cluster, cmd: string, args: readonly string[], logName: string): Daemon {
  const daemon = spawnDaemon(cmd, ['-c', cluster.conf, ...args, '-f'], join(cluster.logDir, logName));
  cluster.daemons.push(daemon);
  return daemon;
}

async function startMon(cluster: Cluster): Promise<void> {
  const monmap = join(cluster.dir, 'monmap');
  await run('monmaptool', ['--create', '--fsid', cluster.fsid, '--addv', 'a', `[v2:127.0.0.1:${cluster.ports.mon}]`, monmap]);
  await run('ceph-mon', ['-c', cluster.conf, '-i', 'a', '--mkfs', '--monmap', monmap]);
  launch(cluster, 'ceph-mon', ['-i', 'a'], 'mon.a.out');
}

async function startOsd(cluster: Cluster): Promise<void> {
  const uuid = randomUUID();
  const running = { timeoutMs: 30_000, daemons: cluster.daemons };
  // Retried until the monitor answers; `osd new` with the same uuid hands back the same id.
  const id = await waitFor('the monitor', async () => (await ceph(cluster, ['osd', 'new', uuid])).trim(), running);
  if (id !== '0') throw new Error(`a fresh cluster gave the first OSD id ${id}, not 0`);
  await mkdir(join(cluster.dir, 'osd', 'osd.0'), { recursive: true }); // memstore's mkfs asserts if it is missing
  await run('ceph-osd', ['-c', cluster.conf, '-i', '0', '--mkfs', '--osd-uuid', uuid]);
  launch(cluster, 'ceph-osd', ['-i', '0'], 'osd.0.out');
  await waitFor('the OSD to be up', async () => {
    const stat = JSON.parse(await ceph(cluster, ['osd', 'stat', '--format=json'])) as { num_up_osds: number };
    return stat.num_up_osds === 1 ? true : undefined;
  }, running);
}

function ceph(cluster: Cluster, args: readonly string[]): Promise<string> {
  return run('ceph', ['-c', cluster.conf, '--connect-timeout', '10', ...args], { timeoutMs: 20_000 });
}

/**
 * Creates the default zone and the two users, and lists every bucket domain in the zonegroup's
 * `hostnames` (`rgw dns name` takes only one). RGW reads the zonegroup when it starts; with no realm
 * there is no period to commit.
 */
async function configureGateway(cluster: Cluster): Promise<void> {
  // The first radosgw-admin call that writes creates the default zone and zonegroup; `zonegroup get`
  // on a fresh cluster fails instead, so the users come first.
  for (const user of [MAIN_USER, OTHER_USER]) {
    await rgwAdmin(cluster.conf, [
      'user', 'create', `--uid=${user.uid}`, `--display-name=${user.uid}`,
      `--access-key=${user.accessKeyId}`, `--secret-key=${user.secretAccessKey}`,
    ]);
  }
  const zonegroup = JSON.parse(await rgwAdmin(cluster.conf, ['zonegroup', 'get'])) as { hostnames: string[] };
  zonegroup.hostnames = [PATH_STYLE_HOST, ...VIRTUAL_HOST_DOMAINS];
  const file = join(cluster.dir, 'zonegroup.json');
  await writeFile(file, JSON.stringify(zonegroup));
  await rgwAdmin(cluster.conf, ['zonegroup', 'set', `--infile=${file}`]);
}

async function startGateway(cluster: Cluster): Promise<void> {
  launch(cluster, 'radosgw', ['-n', 'client.rgw.test'], 'rgw.out');
  await waitFor('radosgw to answer HTTP', () => httpStatus(cluster.ports.http), { timeoutMs: 60_000, daemons: cluster.daemons });
}

function httpStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function logFilesOf(cluster: Cluster): string[] {
  const files = ['mon.a.out', 'osd.0.out', 'rgw.out', 'mon.a.log', 'osd.0.log', 'client.rgw.test.log'];
  return files.map((f) => join(cluster.logDir, f)).filter((f) => existsSync(f));
}
