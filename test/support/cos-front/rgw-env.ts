// What a COS front needs from the test run's RGW: its plain-HTTP port, the main user's keys, and the
// run's PKI (the server certificate, which names the COS hosts, and the CA for clients).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { testEnv, type TestEnv } from '../env.js';

export interface RgwForCosFront {
  upstream: { host: string; port: number };
  serverTls: { cert: string; key: string };
  ca: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The server certificate and key: named in the env when it says so, else beside the CA (tls.ts's layout). */
function serverPkiFiles(s3: TestEnv['s3']): { certFile: string; keyFile: string } {
  const named = s3 as TestEnv['s3'] & { certFile?: string; keyFile?: string };
  const dir = dirname(s3.caCertFile);
  const files = { certFile: named.certFile ?? join(dir, 'server.pem'), keyFile: named.keyFile ?? join(dir, 'server.key') };
  for (const file of Object.values(files)) {
    if (!existsSync(file)) throw new Error(`cos-front: the run's server certificate is not at ${file}`);
  }
  return files;
}

/** Throws (via testEnv) when the runner did not start RGW, so the test fails rather than skips. */
export function rgwForCosFront(): RgwForCosFront {
  const { s3 } = testEnv();
  const { certFile, keyFile } = serverPkiFiles(s3);
  return {
    upstream: { host: '127.0.0.1', port: s3.httpPort },
    serverTls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') },
    ca: readFileSync(s3.caCertFile, 'utf8'),
    credentials: { accessKeyId: s3.users.main.accessKeyId, secretAccessKey: s3.users.main.secretAccessKey },
  };
}
