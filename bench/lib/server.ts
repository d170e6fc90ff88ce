// The S3 server every tool talks to: the test suite's throwaway Ceph RGW (memstore, loopback, HTTP and
// HTTPS), sized for the benchmark, plus what the benchmark reads from it: request and byte counters from
// RGW's own perf counters (admin socket; nothing sits between the tools and the server), and a way to give
// back the RAM that deleted objects hold (garbage collection on demand).
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from '../../test/support/daemon.js';
import { rgwAdmin, startRgw, type RgwServer } from '../../test/support/rgw.js';
import { makeTestPki, type TestPki } from '../../test/support/tls.js';

export interface BenchServer {
  rgw: RgwServer;
  pki: TestPki;
  /** RGW's request and byte counters now (monotonic since it started). */
  counters(): Promise<RgwCounters>;
  /** Runs RGW's garbage collection over everything deleted so far, so memstore gets its RAM back. */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

export interface RgwCounters {
  /** Every request RGW served (`rgw.req`). */
  requests: number;
  /** Bytes RGW received in PUT bodies (`rgw.put_b`, PutObject and UploadPart). */
  putBytes: number;
  puts: number;
  gets: number;
}

export async function startBenchServer(dir: string, memstoreBytes: number, say: (line: string) => void): Promise<BenchServer> {
  await mkdir(dir, { recursive: true });
  const pki = await makeTestPki(join(dir, 'pki'));
  const rgw = await startRgw({ dir: join(dir, 'ceph'), pki, memstoreBytes, onStep: (step, ms) => say(`  ${step}: ${Math.round(ms)} ms`) });
  const asok = join(dirname(rgw.cephConf), 'run', 'client.rgw.test.asok');
  return {
    rgw,
    pki,
    async counters() {
      const dump = JSON.parse(await run('ceph', ['--admin-daemon', asok, 'perf', 'dump', 'rgw'], { timeoutMs: 20_000 })) as { rgw: Record<string, number> };
      const c = dump.rgw;
      return { requests: c.req ?? 0, putBytes: c.put_b ?? 0, puts: c.put ?? 0, gets: c.get ?? 0 };
    },
    async collectGarbage() {
      await rgwAdmin(rgw.cephConf, ['gc', 'process', '--include-all']);
    },
    stop: () => rgw.stop(),
  };
}
