// A real Secret Service for the keychain tests: gnome-keyring-daemon with a fresh, unlocked login keyring
// in a temp dir, on the private D-Bus session bus that test/run.ts runs inside.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run, spawnDaemon, tail, waitFor } from './daemon.js';

/** Set by test/run.ts on the copy of itself it starts under dbus-run-session. */
export const OWN_BUS_MARKER = 'COS_SYNC_TEST_OWN_DBUS';

const SECRET_SERVICE = 'org.freedesktop.secrets';

export interface Keyring {
  logFile: string;
  stop(): Promise<void>;
}

export interface StartKeyringOptions {
  dir: string;
  /** Directory whose node_modules holds keytar, for the check that a secret really round-trips. */
  projectDir: string;
}

/**
 * Starts the daemon and proves keytar can set, read and delete a password through it. Refuses to run on
 * a bus it did not make: a daemon there could shadow, or be shadowed by, the user's real keyring.
 */
export async function startKeyring(options: StartKeyringOptions): Promise<Keyring> {
  if (process.env[OWN_BUS_MARKER] !== '1' || !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('startKeyring must run inside the private D-Bus session that test/run.ts starts');
  }
  const env = await keyringEnv(options.dir);
  const logFile = join(options.dir, 'gnome-keyring.log');
  // --unlock reads the new login keyring's password from stdin; --foreground keeps it our child to stop.
  const daemon = spawnDaemon('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], logFile, {
    env,
    input: 'cos-sync-test-keyring',
    stopSignal: 'SIGTERM',
  });
  try {
    // Until the daemon owns the name, a client call would make D-Bus start a second, locked daemon.
    await waitFor('gnome-keyring-daemon on D-Bus', () => nameHasOwner(SECRET_SERVICE), { timeoutMs: 15_000, daemons: [daemon] });
    await checkKeytar(options.projectDir);
  } catch (err) {
    await daemon.stop();
    throw new Error(`the keyring did not start: ${(err as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`, { cause: err });
  }
  return { logFile, stop: () => daemon.stop() };
}

async function keyringEnv(dir: string): Promise<NodeJS.ProcessEnv> {
  // Fresh XDG dirs: the keyring files and the control socket stay in the run's directory.
  const env = { ...process.env, XDG_DATA_HOME: join(dir, 'data'), XDG_RUNTIME_DIR: join(dir, 'runtime') };
  await mkdir(env.XDG_DATA_HOME, { recursive: true, mode: 0o700 });
  await mkdir(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  return env;
}

async function nameHasOwner(name: string): Promise<true | undefined> {
  const reply = await run('dbus-send', [
    '--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner', `string:${name}`,
  ], { timeoutMs: 5_000 });
  return /boolean true/.test(reply) ? true : undefined;
}

// Runs in a child so a keytar that is missing or built for another ABI fails the check, not the runner.
const KEYTAR_CHECK = `
const keytar = require('keytar');
(async () => {
  const service = 'cos-sync-test-runner', account = 'check-' + process.pid, secret = 's3cr3t-' + Date.now();
  await keytar.setPassword(service, account, secret);
  const read = await keytar.getPassword(service, account);
  if (read !== secret) throw new Error('keytar read back ' + JSON.stringify(read));
  if (!(await keytar.deletePassword(service, account))) throw new Error('keytar could not delete the password');
})().catch((err) => { console.error(err && err.stack || err); process.exit(1); });
`;

async function checkKeytar(projectDir: string): Promise<void> {
  await run(process.execPath, ['-e', KEYTAR_CHECK], { cwd: projectDir, timeoutMs: 15_000 });
}
