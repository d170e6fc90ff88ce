// The Debian packages the test servers run on: checked with dpkg-query before every run, installed when
// missing and we are root (a fresh CI machine), otherwise the run stops with the command to type.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Package, and why the tests need it. */
export const TEST_PACKAGES: ReadonlyArray<readonly [name: string, why: string]> = [
  ['radosgw', 'the S3 server (radosgw, radosgw-admin)'],
  ['ceph-mon', 'the Ceph monitor behind it (ceph-mon, monmaptool)'],
  ['ceph-osd', 'the Ceph storage daemon behind it'],
  ['ceph-common', 'the ceph CLI that registers the storage daemon'],
  ['openssl', 'the CA and server certificate made for each run'],
  ['util-linux', 'setpriv, which ties the daemons\' lives to the runner'],
  ['dbus', 'the private session bus (dbus-run-session, dbus-send)'],
  ['gnome-keyring', 'the Secret Service the keychain tests use'],
  ['libsecret-1-0', 'what keytar talks to the Secret Service through'],
  ['chromium', 'the browser for the end-to-end tests'],
  ['fonts-wqy-microhei', 'Chinese glyphs for the window\'s Simplified Chinese screenshots'],
];

/** Names of the packages that are not installed. */
export async function missingPackages(names: readonly string[] = TEST_PACKAGES.map(([name]) => name)): Promise<string[]> {
  const states = await Promise.all(names.map(async (name) => [name, await isInstalled(name)] as const));
  return states.filter(([, installed]) => !installed).map(([name]) => name);
}

async function isInstalled(name: string): Promise<boolean> {
  try {
    const { stdout } = await execFileAsync('dpkg-query', ['-W', '-f=${Status}', name]);
    return stdout.trim() === 'install ok installed';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('dpkg-query not found: the test servers (Ceph RGW, GNOME Keyring) are set up for Debian or Ubuntu only', { cause: err });
    }
    return false; // dpkg-query exits 1 for a package it has never heard of
  }
}

export function installCommand(names: readonly string[]): string[] {
  return ['apt-get', 'install', '-y', '--no-install-recommends', ...names];
}

/**
 * Makes sure every test package is installed. As root it runs `apt-get update` then `apt-get install`
 * (output shown, so a slow CI step is visibly busy); otherwise it throws with the command to run.
 */
export async function ensureSystemPackages(log: (line: string) => void = console.log, names?: readonly string[]): Promise<void> {
  const missing = await missingPackages(names);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    const install = installCommand(missing).join(' ');
    throw new Error(`Missing system packages: ${missing.join(' ')}\nInstall them with:\n  sudo apt-get update && sudo ${install}`);
  }
  log(`Installing missing system packages: ${missing.join(' ')}`);
  await installPackages(missing);
  const stillMissing = await missingPackages(missing);
  if (stillMissing.length > 0) throw new Error(`apt-get did not install: ${stillMissing.join(' ')}`);
}

/** apt-get update, then install; as root only. */
export async function installPackages(names: readonly string[]): Promise<void> {
  await runInherited(['apt-get', 'update']);
  await runInherited(installCommand(names));
}

async function runInherited(command: readonly string[]): Promise<void> {
  const [cmd, ...args] = command as [string, ...string[]];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // stdout goes to stderr so the test runner's own output stays clean to parse.
  const child = spawn(cmd, args, { env, stdio: ['ignore', process.stderr, 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${command.join(' ')} failed with exit code ${code}`);
}
