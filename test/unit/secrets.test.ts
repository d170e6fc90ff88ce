// Secret stores: the keytar store's error mapping (with a fake keytar passed to its constructor), the
// read-only environment store, and how resolveCredentials chooses between them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appError } from '../../src/shared/errors.js';
import { fail, ok, type Result } from '../../src/shared/result.js';
import { resolveCredentials } from '../../src/main/engine/secrets/credentials.js';
import { EnvSecretStore } from '../../src/main/engine/secrets/env-store.js';
import { KeytarSecretStore, type KeytarModule } from '../../src/main/engine/secrets/keytar-store.js';
import type { SecretStore } from '../../src/main/engine/secrets/secret-store.js';

const KEYCHAIN_HINT = appError('keychain-unavailable').hint;

/** An in-memory keytar that can be told to fail the way the real one does. */
class FakeKeytar implements KeytarModule {
  readonly entries = new Map<string, string>();
  readonly calls: string[] = [];
  failWith: unknown;
  failSynchronously = false;

  getPassword(service: string, account: string): Promise<string | null> {
    return this.#run('get', () => this.entries.get(`${service}/${account}`) ?? null);
  }
  setPassword(service: string, account: string, password: string): Promise<void> {
    return this.#run('set', () => void this.entries.set(`${service}/${account}`, password));
  }
  deletePassword(service: string, account: string): Promise<boolean> {
    return this.#run('delete', () => this.entries.delete(`${service}/${account}`));
  }

  #run<T>(name: string, action: () => T): Promise<T> {
    this.calls.push(name);
    if (this.failWith !== undefined) {
      if (this.failSynchronously) throw this.failWith;
      return Promise.reject(this.failWith);
    }
    return Promise.resolve(action());
  }
}

function storeWith(fake: FakeKeytar, service = 'cos-sync') {
  let loads = 0;
  const store = new KeytarSecretStore({ service, load: async () => (loads++, fake) });
  return { store, loads: () => loads };
}

function assertUnavailable(result: Result<unknown>, ...inDetail: RegExp[]): void {
  assert.ok(!result.ok, 'expected a failure');
  assert.equal(result.error.code, 'keychain-unavailable');
  assert.equal(result.error.hint, KEYCHAIN_HINT);
  for (const pattern of inDetail) assert.match(result.error.detail ?? '', pattern);
}

describe('KeytarSecretStore', () => {
  test('stores, reads, overwrites and deletes through keytar under the service', async () => {
    const fake = new FakeKeytar();
    const { store } = storeWith(fake, 'svc');
    assert.deepEqual(await store.get('work'), ok(undefined));
    assert.deepEqual(await store.set('work', 's1'), ok(undefined));
    assert.deepEqual(await store.set('work', 's2'), ok(undefined));
    assert.deepEqual(await store.get('work'), ok('s2'));
    assert.deepEqual([...fake.entries.keys()], ['svc/work']);
    assert.deepEqual(await store.delete('work'), ok(true));
    assert.deepEqual(await store.delete('work'), ok(false));
    assert.deepEqual(await store.get('work'), ok(undefined));
  });

  test('the account is the case-insensitive profile name, so "Work" and "work" share a secret', async () => {
    const fake = new FakeKeytar();
    const { store } = storeWith(fake);
    await store.set('Work ', 'secret');
    assert.deepEqual(await store.get('WORK'), ok('secret'));
    assert.deepEqual([...fake.entries.keys()], ['cos-sync/work']);
  });

  test('keytar is loaded lazily, once', async () => {
    const fake = new FakeKeytar();
    const { store, loads } = storeWith(fake);
    assert.equal(loads(), 0, 'constructing the store does not load the native module');
    await store.get('a');
    await store.set('a', 'x');
    await store.delete('a');
    assert.equal(loads(), 1);
  });

  const failures: Array<[string, RegExp]> = [
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /no D-Bus session/],
    ['The name org.freedesktop.secrets was not provided by any .service files', /no Secret Service/],
    ['Could not connect: No such file or directory', /session bus could not be reached/],
    ['Something nobody has seen before', /Something nobody has seen before$/],
  ];
  for (const [message, cause] of failures) {
    test(`"${message}" from keytar becomes keychain-unavailable on get, set and delete`, async () => {
      const fake = new FakeKeytar();
      fake.failWith = new Error(message);
      const { store } = storeWith(fake);
      const escaped = new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      assertUnavailable(await store.get('work'), /could not read/, escaped, cause);
      assertUnavailable(await store.set('work', 'secret'), /could not save/, escaped, cause);
      assertUnavailable(await store.delete('work'), /could not delete/, escaped, cause);
    });
  }

  test('a synchronous throw or a non-Error rejection is mapped too', async () => {
    const fake = new FakeKeytar();
    fake.failWith = new Error('Account is required.');
    fake.failSynchronously = true;
    assertUnavailable(await storeWith(fake).store.get('work'), /Account is required/);
    fake.failSynchronously = false;
    fake.failWith = 'a bare string';
    assertUnavailable(await storeWith(fake).store.get('work'), /a bare string/);
  });

  test('a native module that cannot load becomes keychain-unavailable, and is not retried', async () => {
    let loads = 0;
    const store = new KeytarSecretStore({
      load: async () => {
        loads++;
        throw new Error("Cannot find module '../build/Release/keytar.node'");
      },
    });
    assertUnavailable(await store.get('work'), /could not load the keychain module/, /keytar\.node/, /missing or was built/);
    assertUnavailable(await store.set('work', 's'), /could not load/);
    assert.equal(loads, 1);
  });

  test('an empty secret or profile name is refused before keytar sees it', async () => {
    const fake = new FakeKeytar();
    const { store } = storeWith(fake);
    const empty = await store.set('work', '');
    assert.ok(!empty.ok);
    assert.equal(empty.error.code, 'invalid-argument');
    const noName = await store.get('  ');
    assert.ok(!noName.ok);
    assert.equal(noName.error.code, 'invalid-argument');
    assert.deepEqual(fake.calls, []);
  });

  test('describe names the keychain of each OS', () => {
    const load = async () => new FakeKeytar();
    assert.match(new KeytarSecretStore({ load, platform: 'darwin' }).describe(), /macOS Keychain/);
    assert.match(new KeytarSecretStore({ load, platform: 'win32' }).describe(), /Credential Manager/);
    assert.match(new KeytarSecretStore({ load, platform: 'linux' }).describe(), /Secret Service.*"cos-sync"/);
  });
});

describe('EnvSecretStore', () => {
  const full = { COS_SYNC_ACCESS_KEY_ID: 'AKIDENV', COS_SYNC_SECRET_ACCESS_KEY: 'envsecret' };

  test('reads both keys and the optional session token', async () => {
    assert.deepEqual(new EnvSecretStore(full).keys(), { accessKeyId: 'AKIDENV', secretAccessKey: 'envsecret' });
    const withToken = new EnvSecretStore({ ...full, COS_SYNC_SESSION_TOKEN: 'tok' });
    assert.deepEqual(withToken.keys(), { accessKeyId: 'AKIDENV', secretAccessKey: 'envsecret', sessionToken: 'tok' });
    assert.deepEqual(await withToken.get('any profile'), ok('envsecret'));
  });

  test('nothing when either key is missing or empty', async () => {
    for (const env of [{}, { COS_SYNC_ACCESS_KEY_ID: 'AKID' }, { ...full, COS_SYNC_SECRET_ACCESS_KEY: '' }]) {
      const store = new EnvSecretStore(env);
      assert.equal(store.keys(), undefined);
      assert.deepEqual(await store.get('work'), ok(undefined));
    }
  });

  test('names the variable that is set without its partner', () => {
    assert.equal(new EnvSecretStore({}).halfSet(), undefined);
    assert.equal(new EnvSecretStore(full).halfSet(), undefined);
    assert.match(new EnvSecretStore({ COS_SYNC_ACCESS_KEY_ID: 'x' }).halfSet() ?? '', /COS_SYNC_SECRET_ACCESS_KEY is not/);
    assert.match(new EnvSecretStore({ COS_SYNC_SECRET_ACCESS_KEY: 'x' }).halfSet() ?? '', /COS_SYNC_ACCESS_KEY_ID is not/);
  });

  test('is read-only, with a clear error', async () => {
    const store = new EnvSecretStore(full);
    for (const result of [await store.set('work', 'new'), await store.delete('work')]) {
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'unsupported');
      assert.match(result.error.message, /environment variables/);
      assert.match(result.error.hint ?? '', /COS_SYNC_SECRET_ACCESS_KEY/);
    }
    assert.equal(store.keys()?.secretAccessKey, 'envsecret');
    assert.match(store.describe(), /COS_SYNC_ACCESS_KEY_ID/);
  });
});

describe('resolveCredentials', () => {
  const profile = { name: 'work', accessKeyId: 'AKIDPROFILE' };

  function keychainOf(answer: Result<string | undefined>): SecretStore & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      get: async (name) => (asked.push(name), answer),
      set: async () => ok(undefined),
      delete: async () => ok(false),
      describe: () => 'fake keychain',
    };
  }

  test('environment keys win when both are set, overriding the profile access key', async () => {
    const keychain = keychainOf(ok('keychain-secret'));
    const env = new EnvSecretStore({
      COS_SYNC_ACCESS_KEY_ID: 'AKIDENV',
      COS_SYNC_SECRET_ACCESS_KEY: 'env-secret',
      COS_SYNC_SESSION_TOKEN: 'tok',
    });
    const result = await resolveCredentials(profile, { env, keychain });
    assert.deepEqual(result, ok({ accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret', sessionToken: 'tok', source: 'environment' }));
    assert.deepEqual(keychain.asked, [], 'the keychain is not touched');
  });

  test('otherwise the profile access key with the keychain secret', async () => {
    const keychain = keychainOf(ok('keychain-secret'));
    const result = await resolveCredentials(profile, { env: new EnvSecretStore({}), keychain });
    assert.deepEqual(result, ok({ accessKeyId: 'AKIDPROFILE', secretAccessKey: 'keychain-secret', source: 'keychain' }));
    assert.deepEqual(keychain.asked, ['work']);
  });

  test('no secret anywhere is secret-missing, naming the profile', async () => {
    const result = await resolveCredentials(profile, { env: new EnvSecretStore({}), keychain: keychainOf(ok(undefined)) });
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'secret-missing');
    assert.match(result.error.message, /"work"/);
    assert.equal(result.error.hint, appError('secret-missing').hint);
  });

  test('a keychain failure is passed on as it is', async () => {
    const unavailable = appError('keychain-unavailable', { detail: 'no bus' });
    const result = await resolveCredentials(profile, { env: new EnvSecretStore({}), keychain: keychainOf(fail(unavailable)) });
    assert.deepEqual(result, fail(unavailable));
  });

  test('only one environment variable set: the keychain is used, and a failure points at the variable', async () => {
    const env = new EnvSecretStore({ COS_SYNC_SECRET_ACCESS_KEY: 'env-secret' });
    const found = await resolveCredentials(profile, { env, keychain: keychainOf(ok('keychain-secret')) });
    assert.equal(found.ok && found.value.source, 'keychain');
    const missing = await resolveCredentials(profile, { env, keychain: keychainOf(ok(undefined)) });
    assert.ok(!missing.ok);
    assert.equal(missing.error.code, 'secret-missing');
    assert.match(missing.error.hint ?? '', /^COS_SYNC_SECRET_ACCESS_KEY is set but COS_SYNC_ACCESS_KEY_ID is not; set both/);
    const unavailable = await resolveCredentials(profile, {
      env,
      keychain: keychainOf(fail(appError('keychain-unavailable'))),
    });
    assert.ok(!unavailable.ok);
    assert.match(unavailable.error.hint ?? '', /COS_SYNC_ACCESS_KEY_ID is not/);
  });
});
