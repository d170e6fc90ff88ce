#!/usr/bin/env node
// The headless `cos-sync` command: runs the built CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The AWS SDK warns on every run that its releases after January 2027 need Node 22; the version locked here
// runs on Node 20, and the warning would drown the command's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const entry = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('cos-sync is not built yet. Run `npm run build` in the project folder, then try again.');
  process.exit(70);
}
await import(pathToFileURL(entry).href);
