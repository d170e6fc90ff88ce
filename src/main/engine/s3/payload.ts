// How an upload body is protected on the wire. SigV4 signs the SHA-256 of an in-memory body, which the
// service checks: over plain HTTP that is what keeps the bytes from being altered on the way. Over HTTPS,
// TLS does that, so when another checksum the service checks (Content-MD5) or that we check from its answer
// (COS's CRC-64) covers the body, the SHA-256 pass is skipped: `x-amz-content-sha256: UNSIGNED-PAYLOAD`
// (request-options.ts sets it).
import type { ResolvedConnection } from '../../../shared/profile.js';

/** Whether a body covered by another checksum may go without the SHA-256 in the signature. */
export const mayUnsignPayload = (resolved: Pick<ResolvedConnection, 'protocol' | 'signature'>) =>
  resolved.protocol === 'https' && resolved.signature === 'v4';
