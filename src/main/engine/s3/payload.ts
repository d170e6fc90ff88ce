// How an upload body is protected on the wire. SigV4 signs the SHA-256 of an in-memory body, which the
// service checks: over plain HTTP that is what keeps the bytes from being altered on the way. Over HTTPS,
// TLS does that, so when another checksum the service checks (Content-MD5) or that we check from its answer
// (COS's CRC-64) covers the body, the SHA-256 pass is skipped: `x-amz-content-sha256: UNSIGNED-PAYLOAD`.
import { HttpRequest } from '@smithy/protocol-http';
import type { BuildMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import type { ResolvedConnection } from '../../../shared/profile.js';

/** Whether a body covered by another checksum may go without the SHA-256 in the signature. */
export const mayUnsignPayload = (resolved: Pick<ResolvedConnection, 'protocol' | 'signature'>) =>
  resolved.protocol === 'https' && resolved.signature === 'v4';

function unsigned<I extends object, O extends MetadataBearer>(): BuildMiddleware<I, O> {
  return (next) => (args) => {
    if (HttpRequest.isInstance(args.request)) args.request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return next(args);
  };
}

/** Marks this one command's body as unsigned (the signer then leaves it unhashed). */
export function unsignPayload<I extends object, O extends MetadataBearer>(command: { middlewareStack: MiddlewareStack<I, O> }): void {
  command.middlewareStack.add(unsigned<I, O>(), { step: 'build', name: 'cosSyncUnsignedPayload', override: true });
}
