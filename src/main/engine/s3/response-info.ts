// What the SDK drops from typed outputs (COS CRC64, request ids, the server's Date), captured by a
// middleware and read back with responseInfo(output) or responseInfo(error).
import { HttpResponse } from '@smithy/protocol-http';
import type { DeserializeMiddleware, HandlerExecutionContext, MetadataBearer } from '@smithy/types';

/** What one exchange told us beyond the typed output; attached to every output and every S3 error. */
export interface ResponseInfo {
  /** Operation name without the "Command" suffix, e.g. "PutObject". */
  operation: string;
  bucket: string | undefined;
  /** HTTP status, when a response arrived. */
  status: number | undefined;
  /** x-cos-request-id when present, else x-amz-request-id: what support asks for. */
  requestId: string | undefined;
  /** CRC-64/XZ of the object or part as the server computed it (decimal), from either header name. */
  crc64: string | undefined;
  /** The response's HTTP Date header (the server's clock), in ms since the epoch. */
  date: number | undefined;
  /** How the request was addressed and whether the provider is COS: tells a bare 403 apart. */
  pathStyle: boolean;
  cos: boolean;
}

const INFO = Symbol.for('cos-sync.s3.responseInfo');

/** The ResponseInfo attached to an output or error by the client factory's middleware, if any. */
export function responseInfo(value: unknown): ResponseInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [INFO]?: ResponseInfo })[INFO];
}

/** Case-insensitive header lookup: Node lower-cases, but a test double or proxy may not. */
export function headerValue(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

const parseDate = (value: string | undefined): number | undefined => {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

interface CaptureOptions {
  pathStyle: boolean;
  cos: boolean;
}

function describeExchange(context: HandlerExecutionContext, input: unknown, response: unknown, opts: CaptureOptions): ResponseInfo {
  const headers = HttpResponse.isInstance(response) ? response.headers : undefined;
  const bucket = (input as { Bucket?: unknown } | undefined)?.Bucket;
  return {
    operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''),
    bucket: typeof bucket === 'string' ? bucket : undefined,
    status: HttpResponse.isInstance(response) ? response.statusCode : undefined,
    requestId: headerValue(headers, 'x-cos-request-id') ?? headerValue(headers, 'x-amz-request-id'),
    crc64: headerValue(headers, 'x-cos-hash-crc64ecma') ?? headerValue(headers, 'x-amz-hash-crc64ecma'),
    date: parseDate(headerValue(headers, 'date')),
    pathStyle: opts.pathStyle,
    cos: opts.cos,
  };
}

function attach(target: unknown, info: ResponseInfo): void {
  if (typeof target !== 'object' || target === null || Object.isFrozen(target)) return;
  // A symbol key: invisible to JSON and to the SDK's own fields, but kept by object spread.
  (target as { [INFO]?: ResponseInfo })[INFO] = info;
}

/**
 * Deserialize step, high priority: wraps the SDK's deserializer, so it sees the raw response next to
 * the parsed output (or the error the deserializer built, which carries `$response`).
 */
export function responseInfoMiddleware(opts: CaptureOptions): DeserializeMiddleware<object, MetadataBearer> {
  return (next, context) => async (args) => {
    try {
      const result = await next(args);
      attach(result.output, describeExchange(context, args.input, result.response, opts));
      return result;
    } catch (err) {
      attach(err, describeExchange(context, args.input, (err as { $response?: unknown })?.$response, opts));
      throw err;
    }
  };
}

export const RESPONSE_INFO_MIDDLEWARE = {
  name: 'cosSyncResponseInfo',
  step: 'deserialize',
  priority: 'high',
  override: true,
} as const;
