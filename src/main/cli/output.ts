// How the CLI prints: human lines on a terminal, one JSON document with --json, errors with their fix.
import type { Diagnosis } from '../../shared/diagnosis.js';
import type { AppError, Result } from '../../shared/result.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Printer {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  /** A status line rewritten in place (transfer progress); only on a terminal, else absent. */
  status?: (text: string) => void;
}

/** On a terminal, the status line is cleared before any other line is printed over it. */
export const consolePrinter = (json: boolean): Printer => {
  const tty = Boolean(process.stderr.isTTY) && !json;
  let shown = false;
  const clear = () => {
    if (shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  return {
    json,
    out: (text) => { clear(); process.stdout.write(`${text}\n`); },
    err: (text) => { clear(); process.stderr.write(`${text}\n`); },
    ...(tty ? { status: (text: string) => { process.stderr.write(`\r\x1b[K${text.slice(0, (process.stderr.columns ?? 80) - 1)}`); shown = true; } } : {}),
  };
};

export function describeError(error: AppError): string {
  const lines = [`Error: ${error.message}`];
  if (error.hint) lines.push(`  What to do: ${error.hint}`);
  if (error.detail) lines.push(`  Details: ${error.detail}`);
  return lines.join('\n');
}

/** Prints a failed result and returns the exit code to use. */
export function reportFailure(printer: Printer, error: AppError): number {
  if (printer.json) printer.out(JSON.stringify({ ok: false, error }, null, 2));
  else printer.err(describeError(error));
  return error.code === 'invalid-argument' ? EXIT.usage : EXIT.failed;
}

/** Prints a result with `human` for the text form; returns the exit code. */
export function report<T>(printer: Printer, result: Result<T>, human: (value: T) => string): number {
  if (!result.ok) return reportFailure(printer, result.error);
  printer.out(printer.json ? JSON.stringify(result.value, null, 2) : human(result.value));
  return EXIT.ok;
}

const MARK = { pass: '✔', fail: '✘', warn: '!', skip: '-' } as const;

export function formatDiagnosis(diagnosis: Diagnosis): string {
  const lines = diagnosis.resolution.map((line) => `  ${line}`);
  if (lines.length) lines.unshift('Settings:');
  lines.push('Checks:');
  for (const check of diagnosis.checks) {
    lines.push(`  ${MARK[check.status]} ${check.title}${check.detail ? `: ${check.detail}` : ''}`);
    if (check.error) {
      lines.push(`      ${check.error.message}`);
      if (check.error.hint) lines.push(`      What to do: ${check.error.hint}`);
      if (check.error.detail) lines.push(`      Details: ${check.error.detail}`);
    }
  }
  const failures = diagnosis.checks.filter((c) => c.status === 'fail').length;
  lines.push(failures ? `${failures} check(s) failed.` : 'All checks passed.');
  return lines.join('\n');
}
