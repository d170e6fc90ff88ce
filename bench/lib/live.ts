// A long-running cos-sync with --json, for the workloads that watch its events (watch mode, resume): its
// pid (for /proc), its events as they come, and a way to wait for one.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { liveChildren } from './proc.js';

export interface CliEvent {
  type: string;
  [k: string]: unknown;
}

export class LiveCli {
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  #waiters: Array<{ match: (e: CliEvent) => boolean; resolve: (e: CliEvent) => void }> = [];
  #listeners: Array<(e: CliEvent, atMs: number) => void> = [];

  constructor(args: readonly string[], env: NodeJS.ProcessEnv, logFile: string) {
    this.child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(this.child);
    const log = createWriteStream(logFile);
    this.child.stderr!.pipe(log);
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const atMs = performance.now();
      let event: CliEvent;
      try {
        event = JSON.parse(line) as CliEvent;
      } catch {
        log.write(`${line}\n`);
        return;
      }
      if (event.type !== 'progress' && event.type !== 'outcome') log.write(`${line}\n`);
      for (const l of this.#listeners) l(event, atMs);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(event)) return true;
        w.resolve(event);
        return false;
      });
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => {
      liveChildren.delete(this.child);
      resolve(code ?? signal ?? 'unknown');
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  onEvent(listener: (e: CliEvent, atMs: number) => void): void {
    this.#listeners.push(listener);
  }

  /** The next event that matches; rejects after timeoutMs or when the process exits first. */
  waitFor(match: (e: CliEvent) => boolean, timeoutMs: number, what: string): Promise<CliEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      timer.unref();
      void this.exited.then((code) => reject(new Error(`cos-sync exited (${code}) while waiting for ${what}`)));
      this.#waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
