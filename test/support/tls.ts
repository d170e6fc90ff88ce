// A throwaway certificate authority and server certificate for one test run, made with the openssl CLI,
// so the S3 server speaks real HTTPS and tests can check that the client trusts exactly this CA.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './daemon.js';

/** Every name the test server answers to: path-style hosts and the virtual-hosted bucket domains. */
export const SERVER_NAMES: readonly string[] = [
  'DNS:localhost',
  'DNS:s3.test',
  'DNS:*.s3.test',
  'DNS:cos.ap-guangzhou.myqcloud.com',
  'DNS:*.cos.ap-guangzhou.myqcloud.com',
  'DNS:cos.ap-beijing.myqcloud.com',
  'DNS:*.cos.ap-beijing.myqcloud.com',
  'IP:127.0.0.1',
  'IP:::1',
];

export interface TestPki {
  caCertFile: string;
  caKeyFile: string;
  certFile: string;
  keyFile: string;
  /** The CA certificate itself, for `https.Agent({ ca })`. */
  caPem: string;
}

// Short-lived on purpose: nothing made here should outlive the run.
const DAYS = '2';
// P-256 keys are generated in milliseconds, unlike RSA, and every TLS stack in use accepts them.
const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * Makes a new CA and a server certificate it signs, valid for SERVER_NAMES plus extraNames (given as
 * `DNS:name` or `IP:addr`). Each call makes an unrelated CA, so a second call in another directory gives
 * the "certificate signed by someone else" case.
 */
export async function makeTestPki(dir: string, extraNames: readonly string[] = [], label = 'cos-sync test'): Promise<TestPki> {
  await mkdir(dir, { recursive: true });
  const pki = {
    caCertFile: join(dir, 'ca.pem'),
    caKeyFile: join(dir, 'ca.key'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
  };
  await makeCa(pki.caCertFile, pki.caKeyFile, `${label} CA`);
  await makeServerCert(dir, pki, [...SERVER_NAMES, ...extraNames]);
  return { ...pki, caPem: await readFile(pki.caCertFile, 'utf8') };
}

async function makeCa(certFile: string, keyFile: string, commonName: string): Promise<void> {
  await run('openssl', [
    'req', '-x509', ...KEY_ARGS, '-keyout', keyFile, '-out', certFile, '-days', DAYS,
    '-subj', `/CN=${commonName} ${process.pid}-${Date.now()}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

async function makeServerCert(dir: string, pki: Omit<TestPki, 'caPem'>, names: readonly string[]): Promise<void> {
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  await run('openssl', ['req', ...KEY_ARGS, '-keyout', pki.keyFile, '-out', csr, '-subj', '/CN=localhost']);
  await writeFile(ext, [
    `subjectAltName=${names.join(',')}`,
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  await run('openssl', [
    'x509', '-req', '-in', csr, '-CA', pki.caCertFile, '-CAkey', pki.caKeyFile, '-CAcreateserial',
    '-out', pki.certFile, '-days', DAYS, '-extfile', ext,
  ]);
}
