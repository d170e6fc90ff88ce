// Child processes for the test servers: one-shot commands with a timeout, and long-running daemons
// that each live in their own process group and die with the runner even if it is SIGKILLed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion and returns its stdout; the error names the command and carries its stderr. */
export async function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const timeout = options.timeoutMs ?? 60_000;
  try {
    const { stdout } = await execFileAsync(cmd, args, { cwd: options.cwd, env: options.env, timeout, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string; killed?: boolean; code?: number | string };
    const why = e.killed ? `timed out after ${timeout} ms` : typeof e.code === 'number' ? `exit code ${e.code}` : e.message;
    throw new Error(`${cmd} ${args.join(' ')}: ${why}\n${e.stderr ?? ''}${e.stdout ?? ''}`.trimEnd(), { cause: err });
  }
}

export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles with the exit code (or signal name) once the process has gone. */
  readonly exited: Promise<number | string>;
  /** undefined while it runs, then its exit code or the signal that ended it. */
  exitStatus(): number | string | undefined;
  /** Kills the whole process group and waits for the process to be gone. */
  stop(): Promise<void>;
}

export interface DaemonOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (gnome-keyring-daemon reads its password this way). */
  input?: string;
  /** Signal used by stop(); SIGKILL by default because the test servers keep nothing worth flushing. */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

// Daemons still running, so a synchronous 'exit' handler can kill them when the runner ends abruptly.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

/**
 * Starts a daemon with stdout and stderr appended to logFile. `setpriv --pdeathsig KILL` makes the kernel
 * kill it when this process dies for any reason, so a crashed or SIGKILLed runner leaves no daemon behind.
 */
export function spawnDaemon(cmd: string, args: readonly string[], logFile: string, options: DaemonOptions = {}): Daemon {
  const fd = openSync(logFile, 'a');
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', cmd, ...args], {
    env: options.env,
    detached: true, // own process group: stop() reaches whatever the daemon forks
    stdio: [options.input === undefined ? 'ignore' : 'pipe', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) {
    child.once('error', () => {}); // reported by the throw below; unhandled, it would end the runner
    throw new Error(`could not start ${cmd} (is util-linux's setpriv installed?)`);
  }
  if (options.input !== undefined) child.stdin?.end(options.input);
  live.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const pid = child.pid;
  return {
    name: cmd,
    pid,
    logFile,
    exited,
    exitStatus: () => child.exitCode ?? child.signalCode ?? undefined,
    stop: () => stopChild(child, exited, options.stopSignal ?? 'SIGKILL', options.stopTimeoutMs ?? 5_000),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL'); // the leader is gone, but something it forked may not be
    return;
  }
  killGroup(child, signal);
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL');
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already empty
  }
}

/** The last lines of a log file, for error messages; never throws. */
export function tail(file: string, lines = 40): string {
  try {
    const text = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    return text.slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`;
  }
}

/** Polls until check() returns a value, failing early when a daemon it depends on has died. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, options: { timeoutMs: number; daemons?: readonly Daemon[] }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const dead = options.daemons?.find((d) => d.exitStatus() !== undefined);
    if (dead) throw new Error(`${dead.name} exited (${String(dead.exitStatus())}) while waiting for ${what}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
