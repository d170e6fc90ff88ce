// The real OS keyring through keytar: a round trip against the Secret Service that `npm test` starts
// (dbus-run-session + an unlocked gnome-keyring), and keychain-unavailable from real missing services.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { appError } from '../../src/shared/errors.js';
import { ok } from '../../src/shared/result.js';
import { KeytarSecretStore } from '../../src/main/engine/secrets/keytar-store.js';

const run = promisify(execFile);
const STORE_MODULE = fileURLToPath(new URL('../../src/main/engine/secrets/keytar-store.ts', import.meta.url));
// A service of its own, so even a run against someone's real keyring never touches their COS Sync secrets.
const SERVICE = `cos-sync-test-${randomUUID()}`;

if (process.env.COS_SYNC_TEST_KEYRING !== '1') {
  test('keychain integration needs the test keyring', () => {
    assert.fail(
      'COS_SYNC_TEST_KEYRING is not set: run this test through `npm test`, which starts a private D-Bus session ' +
        'and an unlocked gnome-keyring for it (it never uses your own keyring).',
    );
  });
} else {
  describeRealKeyring();
  describeUnavailable();
}

function describeRealKeyring(): void {
  describe('keytar against the real keyring', () => {
    const store = new KeytarSecretStore({ service: SERVICE });
    const used = new Set<string>();
    const name = (label: string) => (used.add(label), label);
    after(async () => {
      for (const label of used) await store.delete(label);
    });

    test('set, get, overwrite, delete, get after delete', async () => {
      const profile = name('round-trip');
      assert.deepEqual(await store.get(profile), ok(undefined));
      assert.deepEqual(await store.set(profile, 'first-secret'), ok(undefined));
      assert.deepEqual(await store.get(profile), ok('first-secret'));
      assert.deepEqual(await store.set(profile, 'second-secret'), ok(undefined));
      assert.deepEqual(await store.get(profile), ok('second-secret'));
      assert.deepEqual(await store.delete(profile), ok(true));
      assert.deepEqual(await store.get(profile), ok(undefined));
      assert.deepEqual(await store.delete(profile), ok(false));
    });

    test('a unicode secret comes back byte for byte', async () => {
      const profile = name('unicode-密钥');
      const secret = 'Sécrèt/密钥+🔑=\u00e9\u0065\u0301 ';
      assert.deepEqual(await store.set(profile, secret), ok(undefined));
      assert.deepEqual(await store.get(profile), ok(secret));
    });

    test('two profiles keep their own secrets', async () => {
      const [a, b] = [name('profile-a'), name('profile-b')];
      await store.set(a, 'secret-a');
      await store.set(b, 'secret-b');
      assert.deepEqual(await store.get(a), ok('secret-a'));
      assert.deepEqual(await store.get(b), ok('secret-b'));
      assert.deepEqual(await store.delete(a), ok(true));
      assert.deepEqual(await store.get(a), ok(undefined));
      assert.deepEqual(await store.get(b), ok('secret-b'));
    });

    test('the profile name is matched without regard to case', async () => {
      await store.set(name('Mixed Case'), 'mixed');
      assert.deepEqual(await store.get('mixed case'), ok('mixed'));
    });
  });
}

function describeUnavailable(): void {
  describe('keychain-unavailable from a real missing service', () => {
    let scratch: string | undefined;
    after(async () => {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    test('a D-Bus address that leads nowhere', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=/nonexistent/cos-sync-${randomUUID()}` };
      delete env.DISPLAY;
      const results = await runChild([process.execPath, ...childArgs()], env);
      assertAllUnavailable(results, /Could not connect/);
    });

    test('a D-Bus session with no Secret Service', async () => {
      scratch = await mkdtemp(path.join(tmpdir(), 'cos-sync-bus-'));
      const config = path.join(scratch, 'bus.conf');
      await writeFile(config, busConfig(scratch));
      const args = ['--config-file', config, '--', process.execPath, ...childArgs()];
      const results = await runChild(['dbus-run-session', ...args], { ...process.env });
      assertAllUnavailable(results, /org\.freedesktop\.secrets was not provided/);
    });
  });
}

/** A node process that tries the store and prints what each call returned. */
function childArgs(): string[] {
  const script = `
    const { KeytarSecretStore } = await import(${JSON.stringify(pathToFileURL(STORE_MODULE).href)});
    const store = new KeytarSecretStore({ service: ${JSON.stringify(SERVICE)} });
    const results = {
      set: await store.set('child', 'child-secret-value'),
      get: await store.get('child'),
      delete: await store.delete('child'),
    };
    process.stdout.write(JSON.stringify(results));`;
  return ['--import', 'tsx', '--input-type=module', '--eval', script];
}

async function runChild(command: string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const [file, ...args] = command as [string, ...string[]];
  const { stdout, stderr } = await run(file, args, { env, timeout: 60_000 });
  assert.ok(!`${stdout}${stderr}`.includes('child-secret-value'), 'the secret never appears in any output');
  return JSON.parse(stdout) as Record<string, unknown>;
}

function assertAllUnavailable(results: Record<string, unknown>, reason: RegExp): void {
  for (const operation of ['set', 'get', 'delete']) {
    const result = results[operation] as { ok: boolean; error?: { code: string; hint?: string; detail?: string } };
    assert.equal(result.ok, false, `${operation} must fail, never fall back`);
    assert.equal(result.error?.code, 'keychain-unavailable', operation);
    assert.equal(result.error?.hint, appError('keychain-unavailable').hint, operation);
    assert.match(result.error?.detail ?? '', reason, operation);
  }
}

/** A private session bus with no service files, so nothing can provide org.freedesktop.secrets. */
const busConfig = (dir: string) => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${dir}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
