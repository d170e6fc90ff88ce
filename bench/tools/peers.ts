// The peers, each on the same endpoint with nothing but its own defaults, and tuned as the issue says:
// rclone `sync` (v1.60, Debian) configured through RCLONE_CONFIG_* variables, and `aws s3 sync` (AWS CLI v2,
// Debian) with a config file of its own. Neither reads the user's own config.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measure } from '../lib/proc.js';
import type { BenchEnv, Kind, Session, Target, Tool } from './types.js';

export const RCLONE = '/usr/bin/rclone';
export const AWS = '/usr/bin/aws';

function rcloneEnv(env: BenchEnv): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = {
    ...process.env,
    RCLONE_CONFIG: join(env.workDir, 'rclone-none.conf'), // absent: only the variables below
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
    RCLONE_CONFIG_BENCH_ENDPOINT: env.httpEndpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: env.keys.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: env.keys.secretAccessKey,
    RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
  };
  delete vars.AWS_CA_BUNDLE; // rclone 1.60 refuses to start while it is set
  return vars;
}

const RCLONE_TUNED: Record<Kind, string[]> = {
  small: ['--transfers', '16', '--checkers', '16', '--s3-no-head'],
  large: ['--transfers', '16', '--checkers', '16', '--s3-upload-concurrency', '8', '--s3-chunk-size', '16M'],
};

function rclone(id: string, label: string, tuned: boolean): Tool {
  return {
    id, label, group: 'peer', resyncs: true,
    async open(env, target: Target): Promise<Session> {
      const args = ['sync', target.dir, `bench:${target.bucket}/${target.prefix}`, ...(tuned ? RCLONE_TUNED[target.kind] : [])];
      return {
        sync: (runLabel) => measure(RCLONE, args, { env: rcloneEnv(env), logFile: join(env.workDir, `${runLabel}.log`) }),
        close: async () => {},
      };
    },
  };
}

function aws(id: string, label: string, maxConcurrentRequests: number | undefined): Tool {
  return {
    id, label, group: 'peer', resyncs: true,
    async open(env, target: Target): Promise<Session> {
      const config = join(env.workDir, `aws-${id}.conf`);
      const s3 = maxConcurrentRequests ? `s3 =\n  max_concurrent_requests = ${maxConcurrentRequests}\n` : '';
      await writeFile(config, `[default]\nregion = us-east-1\n${s3}`);
      const vars: NodeJS.ProcessEnv = {
        ...process.env, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(env.workDir, 'aws-no-credentials'),
        AWS_ACCESS_KEY_ID: env.keys.accessKeyId, AWS_SECRET_ACCESS_KEY: env.keys.secretAccessKey, AWS_PAGER: '',
      };
      delete vars.AWS_PROFILE;
      const args = ['s3', 'sync', target.dir, `s3://${target.bucket}/${target.prefix}`, '--endpoint-url', env.httpEndpoint, '--only-show-errors', '--no-progress'];
      return {
        sync: (runLabel) => measure(AWS, args, { env: vars, logFile: join(env.workDir, `${runLabel}.log`) }),
        close: async () => {},
      };
    },
  };
}

export const rcloneDefault = rclone('rclone', 'rclone', false);
export const rcloneTuned = rclone('rclone-tuned', 'rclone tuned', true);
export const awsDefault = aws('aws', 'aws s3 sync', undefined);
export const awsTuned = aws('aws-tuned', 'aws tuned', 32);
