// Accessibility and screenshots for the window's end-to-end tests: axe-core run inside the page (given as
// evaluated text, since the page's CSP refuses inline script tags), and each screen shot in light and dark.
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOTS = path.resolve('test-output/screenshots');
const AXE_REPORTS = path.resolve('test-output/axe');
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page (WCAG 2.x A and AA rules and best practices); saves the report; returns the violations. */
export async function runAxe(page: Page, name: string): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if ((await page.evaluate('typeof window.axe')) !== 'object') await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  )) as AxeViolation[];
  await mkdir(AXE_REPORTS, { recursive: true });
  await writeFile(path.join(AXE_REPORTS, `${name}.json`), JSON.stringify(violations, null, 2));
  return violations;
}

export const serious = (violations: AxeViolation[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}

/** A full-page screenshot under test-output/screenshots. */
export async function shoot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** Screenshot and axe check of the current screen: English and Simplified Chinese, light, and English dark. */
export async function everyLook(page: Page, name: string): Promise<void> {
  for (const [locale, scheme] of [['en', 'light'], ['en', 'dark'], ['zh-CN', 'light']] as const) {
    await page.selectOption('#language', locale);
    await page.emulateMedia({ colorScheme: scheme });
    const shot = `${locale}-${scheme === 'dark' ? 'dark-' : ''}${name}`;
    await shoot(page, shot);
    const violations = serious(await runAxe(page, shot));
    assert.deepEqual(violations, [], `${shot}: no serious accessibility violations\n${describeViolations(violations)}`);
  }
  await page.selectOption('#language', 'en');
  await page.emulateMedia({ colorScheme: 'light' });
}
