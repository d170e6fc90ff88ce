// A child process that runs the engine once, for the kill -9 test: `node --import tsx sync-child.ts '<json>'`.
// It saves the profile, syncs the pair once and prints every event, then the result, as JSON lines.
import { resolvePaths } from '../../src/main/engine/config/paths.js';
import { createServices } from '../../src/main/engine/services.js';
import type { FolderPairInput } from '../../src/shared/pair.js';
import type { ConnectionProfileInput } from '../../src/shared/profile.js';
import { loopbackLookup } from './env.js';

export interface ChildConfig {
  /** COS_SYNC_HOME of the child: settings and the state database live there, and survive a kill. */
  home: string;
  profile: ConnectionProfileInput;
  /** With a fixed id, so a second run finds the first one's unfinished upload. */
  pair: FolderPairInput;
}

const line = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function main(config: ChildConfig): Promise<number> {
  // Keys come from COS_SYNC_ACCESS_KEY_ID / COS_SYNC_SECRET_ACCESS_KEY in this process's environment.
  const services = await createServices({
    paths: resolvePaths({ COS_SYNC_HOME: config.home }, 'linux', config.home), env: process.env,
    network: { lookup: loopbackLookup }, sync: { stabilityMs: 0 },
  });
  try {
    const saved = await services.connections.saveProfile({ profile: config.profile, replace: true });
    if (!saved.ok) throw new Error(saved.error.message);
    const sync = services.sync();
    const pair = await sync.preparePair(config.pair);
    if (!pair.ok) throw new Error(pair.error.message);
    sync.onEvent((event) => line({ event }));
    const run = await sync.syncOnce(pair.value);
    if (!run.ok) {
      line({ error: run.error });
      return 1;
    }
    const { operations: _operations, ...summary } = run.value.result ?? { operations: [] };
    line({ result: summary, state: run.value.state });
    return run.value.result?.inSync ? 0 : 1;
  } finally {
    await services.close();
  }
}

const raw = process.argv[2] ?? process.env.COS_SYNC_CHILD_CONFIG;
if (!raw) {
  process.stderr.write('sync-child: pass the JSON config as the first argument\n');
  process.exit(2);
}
process.exitCode = await main(JSON.parse(raw) as ChildConfig);
