// What a test needs to know about the servers `npm test` started (read from COS_SYNC_TEST_ENV), and a DNS
// lookup that sends every host name to loopback so virtual-hosted bucket names reach the local server.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { readFileSync } from 'node:fs';
import type dns from 'node:dns';

export const TEST_ENV_VAR = 'COS_SYNC_TEST_ENV';
export const TEST_KEYRING_VAR = 'COS_SYNC_TEST_KEYRING';

export interface TestUserEnv {
  uid: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The JSON file test/run.ts writes; bump `version` when its shape changes. */
export interface TestEnv {
  version: 1;
  s3: {
    /** Plain HTTP, path-style: `http://127.0.0.1:PORT`. */
    httpEndpoint: string;
    /**
     * HTTPS, path-style: `https://localhost:PORT`. RGW listens on 127.0.0.1 only; loopbackLookup, or Node's
     * fallback from ::1 to 127.0.0.1 (autoSelectFamily, on by default), gets there.
     */
    httpsEndpoint: string;
    httpPort: number;
    httpsPort: number;
    /** Any region works (relaxed region enforcement); this is the one to use when nothing else matters. */
    region: string;
    /** Domains served virtual-hosted: `https://<bucket>.<domain>:httpsPort` (resolve with loopbackLookup). */
    virtualHostDomains: string[];
    /** PEM file of the CA that signed the server's certificate. */
    caCertFile: string;
    /** The server's certificate and key (PEM), for tests that put their own TLS front before RGW. */
    certFile: string;
    keyFile: string;
    /** PEM file of an unrelated CA, for "the server's certificate is not trusted". */
    untrustedCaCertFile: string;
    users: { main: TestUserEnv; other: TestUserEnv };
    /** ceph.conf for radosgw-admin (see rgwAdmin / setUserSuspended in test/support/rgw.ts). */
    cephConf: string;
  };
}

/**
 * The servers of this `npm test` run. Throws when there are none, so a test that needs them fails
 * instead of skipping when someone runs it with plain `node --test`.
 */
export function testEnv(): TestEnv {
  const file = process.env[TEST_ENV_VAR];
  if (!file) {
    throw new Error(`${TEST_ENV_VAR} is not set: this test needs the S3 server that \`npm test\` starts (run it with \`npm test -- <file>\`, not plain node --test, and without --no-server)`);
  }
  const env = JSON.parse(readFileSync(file, 'utf8')) as TestEnv;
  if (env.version !== 1) throw new Error(`${file}: unknown test environment version ${String(env.version)}`);
  return env;
}

/** Throws unless `npm test` started a keyring for this run (the keychain tests need one). */
export function requireTestKeyring(): void {
  if (process.env[TEST_KEYRING_VAR] !== '1') {
    throw new Error(`${TEST_KEYRING_VAR} is not set: this test needs the GNOME Keyring that \`npm test\` starts on its private D-Bus session`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * `dns.lookup` that answers 127.0.0.1 for every name (::1 when only IPv6 is asked for), so tests reach the
 * local server as `bucket.s3.test` or `cos.ap-guangzhou.myqcloud.com` without touching /etc/hosts.
 */
function lookup(_hostname: string, options: LookupOptions | number | LookupCallback, callback?: LookupCallback): void {
  const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
  const opts: LookupOptions = typeof options === 'object' ? options : { family: typeof options === 'number' ? options : 0 };
  const family = opts.family === 6 || opts.family === 'IPv6' ? 6 : 4;
  const address = family === 6 ? '::1' : '127.0.0.1';
  process.nextTick(() => {
    if (opts.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  });
}

export const loopbackLookup = lookup as typeof dns.lookup;
