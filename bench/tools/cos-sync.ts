// Our engine, exactly as a user runs it: `node bin/cos-sync.js sync <folder> bench:<bucket>/<prefix>`, with
// a profile made by `cos-sync profile add` and keys from the environment (no keychain). Each session has
// its own COS_SYNC_HOME, so a first upload starts with no state and a resync has the state of that upload.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { measure } from '../lib/proc.js';
import type { BenchEnv, Session, Target, Tool } from './types.js';

export const PROFILE = 'bench';

/** Base homes with the profile in them, one per endpoint; sessions copy their settings.json. */
const baseHomes = new Map<string, Promise<string>>();

export function cliEnv(env: BenchEnv, home: string): NodeJS.ProcessEnv {
  return { ...process.env, COS_SYNC_HOME: home, COS_SYNC_ACCESS_KEY_ID: env.keys.accessKeyId, COS_SYNC_SECRET_ACCESS_KEY: env.keys.secretAccessKey };
}

/** Node's arguments for the cos-sync command: the bench's node flags, then bin/cos-sync.js. */
export const cliArgs = (env: BenchEnv, ...args: string[]) => [...env.nodeFlags, join(env.projectDir, 'bin', 'cos-sync.js'), ...args];

async function makeBaseHome(env: BenchEnv, https: boolean): Promise<string> {
  const home = join(env.workDir, `cos-sync-base-${https ? 'https' : 'http'}`);
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true });
  const args = ['profile', 'add', PROFILE, '--provider', 'minio', '--endpoint', https ? env.httpsEndpoint : env.httpEndpoint, '--access-key-id', env.keys.accessKeyId];
  if (https) args.push('--ca', env.caCertFile);
  const child = spawn(process.execPath, [join(env.projectDir, 'bin', 'cos-sync.js'), ...args], { env: cliEnv(env, home), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`cos-sync profile add failed (${code}): ${stderr}`);
  return home;
}

/** A fresh COS_SYNC_HOME holding only the bench profile. */
export async function freshHome(env: BenchEnv, https = false): Promise<string> {
  const key = https ? 'https' : 'http';
  if (!baseHomes.has(key)) baseHomes.set(key, makeBaseHome(env, https));
  const base = await baseHomes.get(key)!;
  const home = await mkdtemp(join(env.workDir, 'cos-sync-home-'));
  await copyFile(join(base, 'settings.json'), join(home, 'settings.json'));
  return home;
}

export const targetOf = (t: Pick<Target, 'bucket' | 'prefix'>) => `${PROFILE}:${t.bucket}${t.prefix ? `/${t.prefix.replace(/\/$/, '')}` : ''}`;

function cosSync(id: string, label: string, https: boolean): Tool {
  return {
    id, label, group: 'ours', resyncs: true,
    async open(env, target): Promise<Session> {
      const home = await freshHome(env, https);
      return {
        sync: (runLabel) => measure(process.execPath, cliArgs(env, 'sync', target.dir, targetOf(target)), { env: cliEnv(env, home), logFile: join(env.workDir, `${runLabel}.log`) }),
        close: () => rm(home, { recursive: true, force: true }),
      };
    },
  };
}

export const cosSyncHttp = cosSync('cos-sync', 'cos-sync', false);
export const cosSyncHttps = cosSync('cos-sync-https', 'cos-sync HTTPS', true);
