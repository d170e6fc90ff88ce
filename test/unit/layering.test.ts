// The layering of DESIGN.md is enforced by ESLint: these cases prove a wrong import is caught, per layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const CASES: [string, string, boolean][] = [
  ['src/shared/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n", true],
  ['src/shared/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", true],
  ['src/shared/probe.ts', "import { x as y } from '../main/engine/services.js';\nexport const x = y;\n", true],
  ['src/main/engine/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", true],
  ['src/main/engine/probe.ts', "import { x as y } from '../app/window.js';\nexport const x = y;\n", true],
  ['src/main/cli/probe.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", true],
  ['src/renderer/probe.ts', "import fs from 'fs';\nexport const x = fs;\n", true],
  ['src/renderer/probe.ts', "import { x as y } from '../main/engine/services.js';\nexport const x = y;\n", true],
  ['src/renderer/probe.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", true],
  ['src/main/engine/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n", false],
  ['src/main/app/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", false],
  ['src/renderer/probe.ts', "import { PROVIDERS } from '../shared/providers.js';\nexport const x = PROVIDERS;\n", false],
];

for (const [file, code, refused] of CASES) {
  const first = code.split('\n')[0];
  test(`${file}: ${first} is ${refused ? 'refused' : 'allowed'}`, async () => {
    const errors = await layeringErrors(file, code);
    assert.equal(errors.length > 0, refused, errors.join('; '));
  });
}

test('the source tree itself has no lint errors', async () => {
  const results = await eslint.lintFiles(['src']);
  const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
  assert.deepEqual(errors, []);
});
