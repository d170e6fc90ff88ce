// The S3 server every tool talks to: the test suite's throwaway Ceph RGW (memstore, loopback, HTTP and
// HTTPS), sized for the benchmark, plus what the benchmark reads from it: request and byte counters from
// RGW's own perf counters (admin socket; nothing sits between the tools and the server), and a way to give
// back the RAM that deleted objects hold (garbage collection on demand).
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
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
      const dump = JSON.parse(await adminSocket(asok, { prefix: 'perf dump', logger: 'rgw' })) as { rgw: Record<string, number> };
      const c = dump.rgw;
      return { requests: c.req ?? 0, putBytes: c.put_b ?? 0, puts: c.put ?? 0, gets: c.get ?? 0 };
    },
    async collectGarbage() {
      await rgwAdmin(rgw.cephConf, ['gc', 'process', '--include-all']);
    },
    stop: () => rgw.stop(),
  };
}

/**
 * One command on a Ceph admin socket, as `ceph --admin-daemon <asok> …` sends it (the command as JSON and a NUL;
 * the answer is a 4-byte big-endian length and the text), without starting the Python CLI (0.5 s a call).
 */
function adminSocket(path: string, command: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error(`no answer on ${path} in 20 s`)));
    socket.on('connect', () => socket.write(`${JSON.stringify(command)}\0`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const answer = Buffer.concat(chunks);
      const length = answer.length >= 4 ? answer.readUInt32BE(0) : -1;
      if (length < 0 || answer.length < 4 + length) reject(new Error(`a short answer (${answer.length} bytes) on ${path}`));
      else resolve(answer.subarray(4, 4 + length).toString('utf8'));
    });
  });
}
