// The built `cos-sync` command run as a user runs it: a child process with its own settings folder, its output
// and exit code collected.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

export interface CliRun { code: number; stdout: string; stderr: string }

export interface CliOptions {
  /** COS_SYNC_HOME: the settings and state folder of this run. */
  home: string;
  /** Added to (and overriding) the test process's environment. */
  env?: Record<string, string>;
  /** Written to the command's standard input, which is then closed. */
  stdin?: string;
}

export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/cos-sync.js', ...args], {
      env: { ...process.env, COS_SYNC_HOME: options.home, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Asserts exit 0, showing the output otherwise. */
export const cliOk = (run: CliRun): void => assert.equal(run.code, 0, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
