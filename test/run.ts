// `npm test`: installs what the test servers need, starts them (GNOME Keyring on a private D-Bus session,
// Ceph RGW over HTTPS with a CA made for the run), runs Node's test runner on the test files, tears down.
//
//   npm test                          every test/**/*.test.ts
//   npm test -- test/unit a.test.ts   only these files and directories
//   npm test -- --no-server test/unit skip the S3 server (unit runs); other --flags=... go to node --test
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_ENV_VAR, TEST_KEYRING_VAR, type TestEnv } from './support/env.js';
import { OWN_BUS_MARKER, startKeyring } from './support/keyring.js';
import { RgwStartError, startRgw, VIRTUAL_HOST_DOMAINS, type RgwServer } from './support/rgw.js';
import { ensureSystemPackages } from './support/system-packages.js';
import { makeTestPki, type TestPki } from './support/tls.js';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface Args {
  noServer: boolean;
  keep: boolean;
  nodeTestFlags: string[];
  paths: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { noServer: false, keep: process.env.COS_SYNC_TEST_KEEP === '1', nodeTestFlags: [], paths: [] };
  for (const arg of argv) {
    if (arg === '--no-server') args.noServer = true;
    else if (arg === '--keep') args.keep = true;
    else if (arg.startsWith('--')) args.nodeTestFlags.push(arg);
    else args.paths.push(arg);
  }
  return args;
}

function say(line: string): void {
  process.stderr.write(`[npm test] ${line}\n`);
}

async function timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const value = await fn();
  say(`${step}: ${Math.round(performance.now() - started)} ms`);
  return value;
}

// ---------------------------------------------------------------------------------------------------
// Outer process: packages, then this same script again inside its own D-Bus session.

async function outer(argv: readonly string[]): Promise<number> {
  await timed('system packages', () => ensureSystemPackages(say));
  const child = spawn('dbus-run-session', ['--', process.execPath, ...process.execArgv, THIS_FILE, ...argv], {
    env: { ...process.env, [OWN_BUS_MARKER]: '1' },
    stdio: 'inherit',
    // Its own process group, so a signal reaches dbus-run-session, dbus-daemon, the inner runner and the
    // tests together: dbus-run-session passes nothing on, and would leave the others running.
    detached: true,
  });
  const pgid = child.pid;
  if (pgid === undefined) return exitCodeOf(child); // rejects with the spawn error
  // SIGHUP goes on as SIGTERM: dbus-daemon takes SIGHUP as "reload configuration" and would stay.
  for (const signal of FORWARDED_SIGNALS) process.on(signal, () => signalGroup(pgid, signal === 'SIGHUP' ? 'SIGTERM' : signal));
  const code = await exitCodeOf(child);
  await groupGone(pgid, 30_000); // the inner runner may still be tearing down after the bus is gone
  return code;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function groupGone(pgid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await liveMembers(pgid)) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  say(`processes of the test session are still running after ${timeoutMs} ms; killing them`);
  signalGroup(pgid, 'SIGKILL');
}

/**
 * How many processes of the group have not exited. dbus-run-session leaves dbus-daemon to be reaped by
 * init, which in a container may be slow or never happen, so zombies (state Z) do not count.
 */
async function liveMembers(pgid: number): Promise<number> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const states = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')));
  return states.filter((stat) => {
    // After "pid (comm) ": state, ppid, pgrp. comm may contain spaces and parentheses, hence lastIndexOf.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === pgid && state !== 'Z';
  }).length;
}

function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? (SIGNAL_EXIT[signal] ?? 1) : 1)));
  });
}

// ---------------------------------------------------------------------------------------------------
// Inner process: servers, tests, teardown.

type Teardown = () => Promise<void>;

class Session {
  private readonly teardowns: Teardown[] = [];
  private tornDown: Promise<void> | undefined;
  testRunner: ChildProcess | undefined;

  /** Registers cleanup; they run in reverse order. */
  defer(fn: Teardown): void {
    this.teardowns.unshift(fn);
  }

  /** Runs every cleanup once, even when some fail, and reports failures without hiding the test result. */
  teardown(): Promise<void> {
    this.tornDown ??= (async () => {
      for (const fn of this.teardowns) {
        try {
          await fn();
        } catch (err) {
          say(`teardown: ${(err as Error).message}`);
        }
      }
    })();
    return this.tornDown;
  }
}

async function inner(args: Args): Promise<number> {
  const session = new Session();
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => {
      session.testRunner?.kill(signal);
      void session.teardown().then(() => process.exit(SIGNAL_EXIT[signal] ?? 1));
    });
  }
  try {
    const files = await testFiles(args.paths);
    const env = await startServers(session, args);
    return await runTests(session, files, args.nodeTestFlags, env);
  } catch (err) {
    if (!(err instanceof RgwStartError)) say((err as Error).stack ?? String(err));
    else say(`${err.message}\n${args.keep ? '' : 'The run directory is removed now; run again with --keep to look at it.'}`);
    return 1;
  } finally {
    await session.teardown();
  }
}

async function startServers(session: Session, args: Args): Promise<NodeJS.ProcessEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'cos-sync-test-'));
  session.defer(() => (args.keep ? Promise.resolve(say(`kept ${dir}`)) : rm(dir, { recursive: true, force: true })));
  const started = performance.now();
  const keyring = await timed('keyring (gnome-keyring-daemon + keytar check)', () => startKeyring({ dir: join(dir, 'keyring'), projectDir: PROJECT_DIR }));
  session.defer(() => keyring.stop());
  // The AWS SDK's notice that its 2027 releases need Node 22 would repeat in every test file's output.
  const env: NodeJS.ProcessEnv = { ...process.env, [TEST_KEYRING_VAR]: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env[TEST_ENV_VAR];
  if (!args.noServer) env[TEST_ENV_VAR] = await startS3Server(session, dir);
  say(`setup total: ${Math.round(performance.now() - started)} ms`);
  return env;
}

/** Starts RGW and returns the path of the JSON file that describes it to the tests. */
async function startS3Server(session: Session, dir: string): Promise<string> {
  const [pki, untrusted] = await timed('certificates', () => Promise.all([
    makeTestPki(join(dir, 'pki')),
    makeTestPki(join(dir, 'untrusted-pki'), [], 'unrelated'),
  ]));
  const rgw = await timed('RGW', () => startRgw({ dir: join(dir, 'ceph'), pki, onStep: (step, ms) => say(`  ${step}: ${Math.round(ms)} ms`) }));
  session.defer(() => rgw.stop());
  const file = join(dir, 'test-env.json');
  await writeFile(file, JSON.stringify(describeServer(rgw, pki, untrusted.caCertFile), null, 2));
  return file;
}

function describeServer(rgw: RgwServer, pki: TestPki, untrustedCaCertFile: string): TestEnv {
  return {
    version: 1,
    s3: {
      httpEndpoint: rgw.httpEndpoint,
      httpsEndpoint: rgw.httpsEndpoint,
      httpPort: rgw.httpPort,
      httpsPort: rgw.httpsPort,
      region: 'us-east-1',
      virtualHostDomains: [...VIRTUAL_HOST_DOMAINS],
      caCertFile: pki.caCertFile,
      certFile: pki.certFile,
      keyFile: pki.keyFile,
      untrustedCaCertFile,
      users: rgw.users,
      cephConf: rgw.cephConf,
    },
  };
}

/** test/**\/*.test.ts, or the files and directories named on the command line; sorted, so runs repeat. */
async function testFiles(paths: readonly string[]): Promise<string[]> {
  const roots = paths.length > 0 ? paths.map((p) => resolve(p)) : [join(PROJECT_DIR, 'test')];
  const files: string[] = [];
  for (const root of roots) {
    if (!existsSync(root)) throw new Error(`no such test file or directory: ${root}`);
    if ((await stat(root)).isDirectory()) files.push(...(await findTests(root)));
    else files.push(root);
  }
  if (files.length === 0) throw new Error(`no *.test.ts files under ${roots.join(', ')}`);
  return [...new Set(files)].sort().map((f) => relative(process.cwd(), f));
}

async function findTests(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !relative(dir, f).split('/').some((part) => part.startsWith('.') || part === 'node_modules'));
}

async function runTests(session: Session, files: readonly string[], flags: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  say(`running ${files.length} test file(s)`);
  // A test that hangs fails after 5 minutes instead of holding the whole run (the longest test takes under a minute).
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=300000', ...flags, ...files], {
    cwd: process.cwd(),
    env,
    stdio: 'inherit',
  });
  session.testRunner = child;
  return exitCodeOf(child);
}

// ---------------------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const main = process.env[OWN_BUS_MARKER] === '1' ? inner(parseArgs(argv)) : outer(argv);
main.then(
  (code) => process.exit(code),
  (err: unknown) => {
    say((err as Error).stack ?? String(err));
    process.exit(1);
  },
);
