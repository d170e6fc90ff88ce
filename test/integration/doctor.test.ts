// The connection diagnosis against the real S3 gateway over HTTPS (both addressing styles, v4 and v2) and
// through the COS-mode front, and every failure class produced for real with its message checked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import type dns from 'node:dns';
import type { ConnectionProfileInput } from '../../src/shared/profile.js';
import type { CheckId, Diagnosis } from '../../src/shared/diagnosis.js';
import { ConnectionService } from '../../src/main/engine/connection/service.js';
import { SettingsFile } from '../../src/main/engine/config/settings-store.js';
import { EnvSecretStore } from '../../src/main/engine/secrets/env-store.js';
import type { SecretStore } from '../../src/main/engine/secrets/secret-store.js';
import { ok } from '../../src/shared/result.js';
import { loopbackLookup, testEnv } from '../support/env.js';
import { startCosFront, type CosFront } from '../support/cos-front.js';
import { rgwForCosFront } from '../support/cos-front/rgw-env.js';

const s3 = testEnv().s3;
const main = s3.users.main;
const RGW_BUCKET = `doctor-${process.pid}`;
const COS_BUCKET = `doctor${process.pid}-1250000000`;
const port = (url: string) => new URL(url).port;
let front: CosFront;
let home: string;

/** Typed secrets only: the keychain is never asked (drafts are tested before they are saved). */
const noKeychain: SecretStore = {
  get: async () => ok(undefined), set: async () => ok(undefined), delete: async () => ok(false), describe: () => 'none',
};

function service(network: { lookup?: typeof dns.lookup; now?: () => number } = {}): ConnectionService {
  const settings = new SettingsFile({ file: path.join(home, 'settings.json') });
  return new ConnectionService({ settings, keychain: noKeychain, envKeys: new EnvSecretStore({}), network: { lookup: loopbackLookup, ...network } });
}

const rgwProfile = (extra: Partial<ConnectionProfileInput> = {}): ConnectionProfileInput => ({
  name: 'rgw', provider: 'minio', endpoint: s3.httpsEndpoint, accessKeyId: main.accessKeyId, caFile: s3.caCertFile, ...extra,
});
const cosProfile = (region: string, extra: Partial<ConnectionProfileInput> = {}): ConnectionProfileInput => ({
  name: 'cos', provider: 'cos', endpoint: front.url(region), accessKeyId: main.accessKeyId, caFile: s3.caCertFile, ...extra,
});

async function run(profile: ConnectionProfileInput, bucket: string, options: { secret?: string; svc?: ConnectionService } = {}): Promise<Diagnosis> {
  const result = await (options.svc ?? service()).diagnose({ profile, secretAccessKey: options.secret ?? main.secretAccessKey }, { bucket, prefix: 'doctor/' });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

const status = (d: Diagnosis, id: CheckId) => d.checks.find((c) => c.id === id)?.status;
const check = (d: Diagnosis, id: CheckId) => d.checks.find((c) => c.id === id)!;
const failures = (d: Diagnosis) => d.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.error?.message} ${c.error?.detail ?? ''}`);

function assertAllPass(d: Diagnosis): void {
  assert.deepEqual(failures(d), []);
  for (const id of ['dns', 'tcp', 'tls', 'keys', 'clock', 'bucket', 'addressing', 'list', 'write', 'read', 'delete', 'multipart'] as CheckId[]) {
    assert.equal(status(d, id), 'pass', `${id}: ${check(d, id).detail}`);
  }
  assert.equal(d.ok, true);
}

before(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'cos-sync-doctor-'));
  const rgw = rgwForCosFront();
  front = await startCosFront({ upstream: rgw.upstream, tls: rgw.serverTls });
  const svc = service();
  const made = await svc.createBucket({ profile: rgwProfile(), secretAccessKey: main.secretAccessKey }, RGW_BUCKET);
  assert.ok(made.ok, made.ok ? '' : made.error.message);
  const cos = await svc.createBucket({ profile: cosProfile('ap-guangzhou'), secretAccessKey: main.secretAccessKey }, COS_BUCKET);
  assert.ok(cos.ok, cos.ok ? '' : cos.error.message);
});

after(async () => {
  await front?.close();
});

describe('every check passes', () => {
  for (const signature of ['v4', 'v2'] as const) {
    it(`real server over HTTPS, path-style, ${signature}`, async () => {
      const d = await run(rgwProfile({ signature }), RGW_BUCKET);
      assertAllPass(d);
      assert.equal(check(d, 'addressing').detail, 'path-style');
    });
    it(`real server over HTTPS, virtual-hosted, ${signature}`, async () => {
      const d = await run(rgwProfile({ signature, provider: 's3', endpoint: `https://s3.test:${port(s3.httpsEndpoint)}`, addressing: 'virtual' }), RGW_BUCKET);
      assertAllPass(d);
      assert.equal(check(d, 'addressing').detail, 'virtual-hosted');
      assert.match(check(d, 'dns').detail ?? '', new RegExp(`^${RGW_BUCKET}\\.s3\\.test`), 'the bucket host name is the one checked');
    });
    it(`COS-mode front, Auto settings, ${signature}`, async () => {
      const d = await run(cosProfile('ap-guangzhou', { signature }), COS_BUCKET);
      assertAllPass(d);
      assert.match(check(d, 'write').detail ?? '', /verified by CRC64/);
      assert.ok(d.resolution.some((line) => /ap-guangzhou/.test(line)), d.resolution.join('\n'));
    });
  }

  it('plain HTTP passes with a warning about encryption', async () => {
    const d = await run(rgwProfile({ endpoint: s3.httpEndpoint, caFile: undefined }), RGW_BUCKET);
    assert.deepEqual(failures(d), []);
    assert.equal(status(d, 'tls'), 'warn');
    assert.equal(check(d, 'tls').error?.code, 'insecure-http');
  });
});

describe('every failure class, for real', () => {
  it('wrong access key id', async () => {
    const d = await run(rgwProfile({ accessKeyId: 'NOSUCHKEY0000000000' }), RGW_BUCKET);
    assert.equal(check(d, 'keys').error?.code, 'access-key-unknown');
    assert.match(check(d, 'keys').error!.message, /access key \(SecretId\) is not recognised/);
    assert.equal(status(d, 'bucket'), 'skip', 'later checks are held back');
    assert.equal(d.ok, false);
  });

  for (const signature of ['v4', 'v2'] as const) {
    it(`wrong secret key (${signature}) is told apart from a wrong key id`, async () => {
      const d = await run(rgwProfile({ signature }), RGW_BUCKET, { secret: 'wrong-secret-key-0000000000' });
      assert.equal(check(d, 'keys').error?.code, 'signature-mismatch');
      assert.match(check(d, 'keys').error!.hint ?? '', /SecretKey again/);
    });
  }

  it('a clock two hours fast', async () => {
    const d = await run(rgwProfile(), RGW_BUCKET, { svc: service({ now: () => Date.now() + 2 * 3600_000 }) });
    assert.equal(check(d, 'clock').status, 'fail');
    assert.equal(check(d, 'clock').error?.code, 'clock-skewed');
    assert.match(check(d, 'clock').error!.message, /7\d{3} s ahead of the service/);
    assert.match(check(d, 'clock').error!.hint ?? '', /automatic date and time/);
  });

  it('a bucket of another region (COS answers 404 there)', async () => {
    const d = await run(cosProfile('ap-beijing'), COS_BUCKET);
    assert.equal(check(d, 'bucket').error?.code, 'no-such-bucket');
    assert.match(check(d, 'bucket').error!.message, /region ap-beijing/);
  });

  it('a bucket that does not exist', async () => {
    const d = await run(rgwProfile(), 'no-such-bucket-here');
    assert.equal(check(d, 'bucket').error?.code, 'no-such-bucket');
    assert.match(check(d, 'bucket').error!.message, /"no-such-bucket-here" does not exist/);
  });

  it('path-style on COS', async () => {
    const d = await run(cosProfile('ap-guangzhou', { addressing: 'path' }), COS_BUCKET);
    assert.equal(check(d, 'addressing').error?.code, 'path-style-forbidden');
    assert.match(check(d, 'addressing').error!.hint ?? '', /Addressing to "Auto"/);
    assert.equal(status(d, 'write'), 'skip');
  });

  it('an untrusted certificate (no custom CA), naming the certificate', async () => {
    const d = await run(rgwProfile({ caFile: undefined }), RGW_BUCKET);
    assert.equal(check(d, 'tls').error?.code, 'tls-untrusted');
    assert.match(check(d, 'tls').error!.detail ?? '', /issued by cos-sync test CA/);
    assert.match(check(d, 'tls').error!.hint ?? '', /Custom CA certificate/);
    assert.equal(status(d, 'keys'), 'skip');
  });

  it('a certificate from another CA than the one trusted', async () => {
    const d = await run(rgwProfile({ caFile: s3.untrustedCaCertFile }), RGW_BUCKET);
    assert.equal(check(d, 'tls').error?.code, 'tls-untrusted');
  });

  it('keys without permission on the bucket', async () => {
    const other = s3.users.other;
    const d = await run(rgwProfile({ accessKeyId: other.accessKeyId }), RGW_BUCKET, { secret: other.secretAccessKey });
    assert.equal(status(d, 'keys'), 'pass');
    assert.equal(check(d, 'list').error?.code, 'access-denied');
    assert.match(check(d, 'list').error!.message, /may not list the bucket/);
    assert.equal(check(d, 'write').error?.code, 'access-denied');
    assert.match(check(d, 'write').error!.message, /PutObject/);
  });

  it('a host name that does not resolve', async () => {
    const lookup = ((_host: string, _opts: unknown, cb: (err: NodeJS.ErrnoException) => void) =>
      cb(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }))) as unknown as typeof dns.lookup;
    const d = await run(rgwProfile({ endpoint: 'https://s3.nowhere.test:9' }), RGW_BUCKET, { svc: service({ lookup }) });
    assert.equal(check(d, 'dns').error?.code, 'dns-failed');
    assert.match(check(d, 'dns').error!.detail ?? '', /ENOTFOUND/);
  });

  it('a port where nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closed = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const d = await run(rgwProfile({ endpoint: `https://localhost:${closed}` }), RGW_BUCKET);
    assert.equal(check(d, 'tcp').error?.code, 'connect-refused');
    assert.match(check(d, 'tcp').error!.hint ?? '', /protocol \(HTTPS or HTTP\) and the port/);
  });

  it('settings that cannot be resolved stop at the first check', async () => {
    const d = await run(cosProfile('ap-guangzhou', { endpoint: 'https://cos.accelerate.myqcloud.com' }), COS_BUCKET);
    assert.equal(d.checks.length, 1);
    assert.equal(check(d, 'settings').status, 'fail');
    assert.match(check(d, 'settings').error!.message, /region/i);
  });
});
