// The raw ceiling as a tool: bench/tools/raw-driver.ts in its own Node process. Its figure is the upload
// phase the driver times itself (files are read into memory before the clock starts).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from '../lib/proc.js';
import type { BenchEnv, Session, Target, Tool } from './types.js';

const DRIVER = fileURLToPath(new URL('./raw-driver.ts', import.meta.url));

/** The raw driver; `seed` puts small files with cos-sync's metadata (mtime, md5chksum) so cos-sync can adopt them. */
export const raw: Tool & { seed(env: BenchEnv, target: Target): Promise<Session> } = {
  id: 'raw', label: 'raw SDK ceiling', group: 'raw', resyncs: false,
  open: (env, target) => rawSession(env, target, target.kind),
  seed: (env, target) => rawSession(env, target, 'seed'),
};

async function rawSession(env: BenchEnv, target: Target, mode: string): Promise<Session> {
  const list = join(env.workDir, `raw-files-${mode}-${target.bucket}.txt`);
  await writeFile(list, `${target.files.join('\n')}\n`);
  const concurrency = mode === 'large' ? 16 : 64;
  return {
    async sync(runLabel) {
      const logFile = join(env.workDir, `${runLabel}.log`);
      const vars = { ...process.env, AWS_ACCESS_KEY_ID: env.keys.accessKeyId, AWS_SECRET_ACCESS_KEY: env.keys.secretAccessKey };
      const m = await measure(process.execPath, ['--import', 'tsx', DRIVER, env.httpEndpoint, target.bucket, target.prefix, target.dir, list, mode, String(concurrency)], { env: vars, logFile, cwd: env.projectDir });
      const line = (await readFile(logFile, 'utf8')).split('\n').find((l) => l.startsWith('{"uploadSeconds"'));
      const uploadSeconds = line ? (JSON.parse(line) as { uploadSeconds: number }).uploadSeconds : m.wallS;
      // The ceiling is the upload phase; process start and reading the files into memory are left out.
      return { ...m, wallS: uploadSeconds, detail: { processWallS: m.wallS } };
    },
    close: () => rm(list, { force: true }),
  };
}
