// Builds the app: main process, CLI (ESM, dependencies left in node_modules), the sandboxed preload
// (one CommonJS file, as sandboxed preloads must be), and the renderer page with Vite.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rm } from 'node:fs/promises';

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
const only = process.argv.slice(2);
const wants = (part) => only.length === 0 || only.includes(part);

if (only.length === 0) await rm('dist', { recursive: true, force: true });
const jobs = [];
if (wants('main')) {
  jobs.push(build({ ...node, entryPoints: ['src/main/index.ts'], outfile: 'dist/main/index.js', format: 'esm', packages: 'external' }));
  jobs.push(build({ ...node, entryPoints: ['src/preload/index.ts'], outfile: 'dist/preload/index.cjs', format: 'cjs', external: ['electron'] }));
}
if (wants('cli')) {
  jobs.push(build({ ...node, entryPoints: ['src/main/cli/index.ts'], outfile: 'dist/cli/index.js', format: 'esm', packages: 'external' }));
}
if (wants('renderer')) jobs.push(viteBuild({ configFile: 'vite.config.ts' }));
await Promise.all(jobs);
