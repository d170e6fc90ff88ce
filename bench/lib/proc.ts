// Runs one tool as a child process and measures it: wall time here, CPU seconds and peak RSS from GNU time
// (`/usr/bin/time`, the kernel's rusage of the child: exact, with no sampling), output kept in a log file.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface Measured {
  wallS: number;
  cpuS: number;
  userS: number;
  sysS: number;
  /** Peak resident set size of the process, MB (10^6 bytes). */
  peakRssMB: number;
  exitCode: number;
  logFile: string;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  timeoutMs?: number;
}

/** Children still running, so an interrupted bench can end them (by pid, process group included). */
export const liveChildren = new Set<ChildProcess>();

export function killLiveChildren(): void {
  for (const child of liveChildren) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
}

/** Runs cmd under /usr/bin/time and resolves with what it cost; rejects when it exits non-zero. */
export async function measure(cmd: string, args: readonly string[], options: RunOptions): Promise<Measured> {
  const timeFile = `${options.logFile}.time`;
  const fd = openSync(options.logFile, 'w');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%U %S %M %x', cmd, ...args], {
    env: options.env, cwd: options.cwd, stdio: ['ignore', fd, fd], detached: true, // its own group: time and the tool die together
  });
  closeSync(fd);
  liveChildren.add(child);
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), options.timeoutMs ?? 30 * 60_000);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  clearTimeout(timer);
  liveChildren.delete(child);
  const wallS = (performance.now() - started) / 1000;
  const last = (await readFile(timeFile, 'utf8')).trim().split('\n').pop() ?? '';
  const [user, sys, rssKb, status] = last.split(' ').map(Number);
  const result: Measured = {
    wallS, userS: user ?? NaN, sysS: sys ?? NaN, cpuS: (user ?? NaN) + (sys ?? NaN), peakRssMB: ((rssKb ?? NaN) * 1024) / 1e6,
    exitCode: Number.isFinite(status) ? status! : code, logFile: options.logFile,
  };
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}; log ${options.logFile}:\n${tailOf(options.logFile)}`);
  return result;
}

export function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** VmRSS and VmHWM of a live process, MB; undefined once it is gone. */
export async function memoryOf(pid: number): Promise<{ rssMB: number; hwmMB: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: (kb('VmRSS') * 1024) / 1e6, hwmMB: (kb('VmHWM') * 1024) / 1e6 };
  } catch {
    return undefined;
  }
}

/** utime + stime of a live process, seconds. */
export async function cpuSecondsOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}
