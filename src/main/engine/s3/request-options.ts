// Sending the upload's commands through a cached handler. The SDK builds a command's middleware chain on every
// send (cloning, concatenating and sorting some 30 middlewares): about 300 µs of CPU a request, more than the
// rest of a small file's upload. Its own handler cache only works without per-call options and per-command
// middleware, so what those carried travels on the command's input instead, under a symbol key the
// serializers never read, and client-level middlewares (installed by the client factory) and the transport
// apply it: the abort signal, the unsigned payload, extra headers, and the bandwidth meter.
import type { Readable } from 'node:stream';
import { HttpRequest } from '@smithy/protocol-http';
import type { S3Client, S3ClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { BuildMiddleware, Command, DeserializeMiddleware, MetadataBearer } from '@smithy/types';

export interface RequestOptions {
  abortSignal?: AbortSignal;
  /** `x-amz-content-sha256: UNSIGNED-PAYLOAD`: another checksum covers the body, over HTTPS (payload.ts). */
  unsignedPayload?: boolean;
  /** Headers added before signing (e.g. `x-cos-forbid-overwrite`). */
  headers?: Record<string, string>;
  /** The body as it should go out (metered), or undefined to send it as is; asked once per attempt. */
  meter?: (body: Uint8Array) => Readable | undefined;
}

const OPTIONS = Symbol.for('cos-sync.s3.requestOptions');

/**
 * Attaches options to a command's input. A symbol key: serializers follow the operation's members, so it never
 * goes on the wire; enumerable, so middlewares that copy the input (`{ ...input }`) keep it.
 */
export function setRequestOptions(input: object, options: RequestOptions): void {
  (input as { [OPTIONS]?: RequestOptions })[OPTIONS] = options;
}

const optionsOf = (input: unknown): RequestOptions | undefined =>
  typeof input === 'object' && input !== null ? (input as { [OPTIONS]?: RequestOptions })[OPTIONS] : undefined;

/** The abort signal of each outgoing request, for the transport (requests are cloned on the way, so keyed late). */
export const requestSignals = new WeakMap<object, AbortSignal>();

/** Build step: headers and the unsigned payload, before the signature covers them. */
export const requestHeadersMiddleware: BuildMiddleware<object, MetadataBearer> = (next) => (args) => {
  const options = optionsOf(args.input);
  if (options && HttpRequest.isInstance(args.request)) {
    if (options.unsignedPayload) args.request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    if (options.headers) Object.assign(args.request.headers, options.headers);
  }
  return next(args);
};

export const REQUEST_HEADERS_MIDDLEWARE = { step: 'build', name: 'cosSyncRequestHeaders', override: true } as const;

/**
 * Deserialize step, innermost: runs once per attempt after signing (which hashed the in-memory body), so the
 * transport learns this attempt's request and each attempt gets a fresh metered body while the SDK keeps
 * the buffer to resend.
 */
export const requestDispatchMiddleware: DeserializeMiddleware<object, MetadataBearer> = (next) => (args) => {
  const options = optionsOf(args.input);
  if (!options || !HttpRequest.isInstance(args.request)) return next(args);
  let request = args.request;
  const body = request.body as unknown;
  const metered = options.meter && body instanceof Uint8Array && body.length > 0 ? options.meter(body) : undefined;
  if (metered) {
    request = HttpRequest.clone(request);
    request.body = metered;
  }
  if (options.abortSignal) requestSignals.set(request, options.abortSignal);
  return next(request === args.request ? args : { ...args, request });
};

export const REQUEST_DISPATCH_MIDDLEWARE = { step: 'deserialize', priority: 'low', name: 'cosSyncRequestDispatch', override: true } as const;

type S3Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, S3ClientResolvedConfig>;
type Handler = (command: unknown) => Promise<{ output: unknown }>;

const handlers = new WeakMap<S3Client, Map<unknown, Handler>>();

/**
 * Sends a command through the handler built for the first command of its class on this client. The command
 * must carry no middleware of its own (its options go through setRequestOptions).
 */
export async function sendCached<I extends ServiceInputTypes, O extends ServiceOutputTypes>(client: S3Client, command: S3Command<I, O>): Promise<O> {
  let byClass = handlers.get(client);
  if (!byClass) handlers.set(client, (byClass = new Map()));
  let handler = byClass.get(command.constructor);
  if (!handler) {
    handler = command.resolveMiddleware(client.middlewareStack as never, client.config, undefined) as unknown as Handler;
    byClass.set(command.constructor, handler);
  }
  return (await handler(command)).output as O;
}
