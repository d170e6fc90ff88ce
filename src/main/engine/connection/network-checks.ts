// The network half of the diagnosis: name lookup, TCP connect and the TLS handshake, each done on its own
// so a failure says which step broke and, for TLS, what is wrong with the certificate.
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import { appError } from '../../../shared/errors.js';
import { msg, type Msg } from '../../../shared/messages.js';
import type { AppError } from '../../../shared/result.js';

export type Lookup = typeof dns.lookup;

export interface Target {
  host: string;
  port: number;
  /** Extra CA certificates (PEM) trusted on top of the system's. */
  caPem?: string;
  lookup?: Lookup;
  timeoutMs: number;
}

export type Outcome = { ok: true; detail: Msg; warn?: AppError } | { ok: false; error: AppError };

const bare = (host: string) => host.replace(/^\[|\]$/g, '');

export function checkDns(target: Target): Promise<Outcome> {
  const lookup = target.lookup ?? dns.lookup;
  return new Promise((resolve) => {
    if (net.isIP(bare(target.host))) return resolve({ ok: true, detail: msg('detail.isIp', { host: target.host }) });
    lookup(target.host, { all: true }, (err, addresses) => {
      if (err) return resolve({ ok: false, error: appError('dns-failed', { detail: `${target.host}: ${err.code ?? err.message}` }) });
      const list = (addresses as dns.LookupAddress[]).map((a) => a.address);
      resolve({ ok: true, detail: msg('detail.resolved', { host: target.host, addresses: list.join(', ') }) });
    });
  });
}

export function checkTcp(target: Target): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: bare(target.host), port: target.port, lookup: target.lookup, timeout: target.timeoutMs });
    const done = (outcome: Outcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once('connect', () => done({ ok: true, detail: msg('detail.connected', { host: target.host, port: target.port }) }));
    socket.once('timeout', () => done({ ok: false, error: appError('connect-timeout', { detail: `${target.host}:${target.port}` }) }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code === 'ECONNREFUSED' ? 'connect-refused' : err.code === 'ETIMEDOUT' ? 'connect-timeout' : 'network';
      done({ ok: false, error: appError(code, { detail: `${target.host}:${target.port}: ${err.code ?? err.message}` }) });
    });
  });
}

const TLS_ERRORS: Record<string, AppError['code']> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls-untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls-untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls-untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls-untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'tls-untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls-hostname-mismatch',
  CERT_HAS_EXPIRED: 'tls-expired',
  CERT_NOT_YET_VALID: 'tls-expired',
};

function handshake(target: Target, verify: boolean): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: bare(target.host),
      port: target.port,
      servername: net.isIP(bare(target.host)) ? undefined : target.host,
      ca: target.caPem ? [...tls.rootCertificates, target.caPem] : undefined,
      rejectUnauthorized: verify,
      lookup: target.lookup,
      timeout: target.timeoutMs,
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('timeout', () => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
  });
}

function describeCertificate(cert: tls.PeerCertificate): string {
  const names = cert.subjectaltname ? cert.subjectaltname.replace(/DNS:|IP Address:/g, '') : cert.subject?.CN;
  const issuer = cert.issuer?.O ?? cert.issuer?.CN ?? 'unknown issuer';
  return `certificate for ${names ?? 'no names'}, issued by ${issuer}, valid until ${cert.valid_to}`;
}

/** Reads the certificate the server presents without trusting it, only to name the problem in the message. */
async function presentedCertificate(target: Target): Promise<string> {
  try {
    const socket = await handshake(target, false);
    const text = describeCertificate(socket.getPeerCertificate());
    socket.destroy();
    return text;
  } catch {
    return 'no certificate could be read';
  }
}

export async function checkTls(target: Target): Promise<Outcome> {
  try {
    const socket = await handshake(target, true);
    const detail = msg('detail.tls', { protocol: socket.getProtocol() ?? 'TLS', certificate: describeCertificate(socket.getPeerCertificate()) });
    socket.destroy();
    return { ok: true, detail };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const kind = TLS_ERRORS[code] ?? (code === 'ETIMEDOUT' ? 'connect-timeout' : 'tls-failed');
    const presented = kind.startsWith('tls-') && kind !== 'tls-failed' ? await presentedCertificate(target) : '';
    const detail = [code || (err as Error).message, presented].filter(Boolean).join('; ');
    return { ok: false, error: appError(kind, { detail }) };
  }
}
