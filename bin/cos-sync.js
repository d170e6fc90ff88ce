#!/usr/bin/env node
// The headless `cos-sync` command: runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('cos-sync is not built yet. Run `npm run build` in the project folder, then try again.');
  process.exit(70);
}
await import(pathToFileURL(entry).href);
