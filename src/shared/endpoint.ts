// Turns what people type or paste as a service endpoint into the normalised URL the S3 client needs,
// taking a pasted bucket URL apart into endpoint + bucket, with a specific message for every mistake.
import { appError, english } from './errors.js';
import { msg, type Msg } from './messages.js';
import { EXAMPLE_ENDPOINTS, readProviderHost, isIpOrLocalhost, type HostReading } from './provider-hosts.js';
import { PROVIDERS, type ProviderId } from './providers.js';
import { fail, ok, type Result } from './result.js';

export { hostProvider, isIpOrLocalhost } from './provider-hosts.js';

export type Protocol = 'https' | 'http';

export interface ParsedEndpoint {
  /** `protocol://host[:port]`: no path, no trailing slash. Empty only for an empty AWS endpoint. */
  url: string;
  protocol: Protocol;
  /** Lower case; IPv6 in brackets. Empty only for an empty AWS endpoint. */
  host: string;
  /** Only when it is not the protocol's default port. */
  port: number | undefined;
  /** The bucket, when a bucket URL was pasted. */
  bucket?: string;
  /** Read from the host, where the provider names regions in its host names. */
  region?: string;
  warnings: string[];
}

export interface ParseEndpointOptions {
  /** Protocol for input without `https://` or `http://`; HTTPS unless told otherwise. */
  defaultProtocol?: Protocol;
}

const DEFAULT_PORTS: Record<Protocol, number> = { https: 443, http: 80 };

export const PLAIN_HTTP_WARNING =
  'Plain HTTP: your files, request signatures and any session token travel unencrypted and can be read or ' +
  'changed on the way. Use https:// unless this is a trusted private network.';

const invalid = (message: Msg) => fail<never>(appError('invalid-endpoint', { message }));

/** Quotes a piece of the user's input in a message, cut short if long. */
const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

function exampleHint(provider: ProviderId): Msg {
  const { label, endpointTemplate: template } = PROVIDERS[provider];
  const example = EXAMPLE_ENDPOINTS[provider];
  return example === template ? msg('endpoint.looksLike', { label, template }) : msg('endpoint.looksLikeEg', { label, template, example });
}

// ---- rules over the whole text, in order; the first one that finds a problem wins ----

type TextRule = (text: string) => Msg | undefined;

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const afterScheme = (text: string) => text.replace(SCHEME, '');

/** `user@host`, `key:secret@host`, and secrets that contain `/` (AWS secret keys do). */
const hasCredentials: TextRule = (text) => {
  const rest = afterScheme(text);
  const found = /^[^@/?#]*@/.test(rest) || /^[^:@/?#]*:(?!\d*(?:[/?#]|$))[^@]*@/.test(rest);
  return found ? msg('endpoint.credentials') : undefined;
};

const hasQueryOrFragment: TextRule = (text) => {
  const at = text.search(/[?#]/);
  if (at < 0) return undefined;
  const signed = /x-amz-|q-sign|signature=/i.test(text);
  const id = text[at] === '?' ? (signed ? 'endpoint.querySigned' : 'endpoint.query') : signed ? 'endpoint.fragmentSigned' : 'endpoint.fragment';
  return msg(id);
};

const hasSpace: TextRule = (text) =>
  /\s/.test(text) ? msg('endpoint.space') : undefined;

const BUCKET_SCHEMES = new Set(['s3', 'cos', 'oss', 'r2', 'b2', 'gs', 's3a', 's3n']);

const hasOtherScheme: TextRule = (text) => {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return /^https?:(?!\d)/i.test(text) ? msg('endpoint.slashes', { start: quote(text.slice(0, 8)) }) : undefined;
  }
  if (scheme === 'https' || scheme === 'http') return undefined;
  if (BUCKET_SCHEMES.has(scheme)) {
    return msg('endpoint.bucketScheme', { scheme });
  }
  return msg('endpoint.otherScheme', { scheme });
};

const TEXT_RULES: readonly TextRule[] = [hasCredentials, hasQueryOrFragment, hasSpace, hasOtherScheme];

// ---- host and port ----

interface HostPort {
  host: string;
  port: number | undefined;
}

function parsePort(text: string, protocol: Protocol): Result<number | undefined> {
  if (text === '') return invalid(msg('endpoint.portMissing'));
  if (!/^\d+$/.test(text)) return invalid(msg('endpoint.portNaN', { port: quote(text) }));
  const port = Number(text);
  if (port < 1 || port > 65535) return invalid(msg('endpoint.portRange', { port: quote(text) }));
  return ok(port === DEFAULT_PORTS[protocol] ? undefined : port);
}

const isIpv4 = (text: string) =>
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(text);

/** Counts the 16-bit groups of one side of `::`, or -1 when it is malformed. */
function ipv6Groups(side: string, last: boolean): number {
  if (side === '') return 0;
  const parts = side.split(':');
  let count = 0;
  for (const [i, part] of parts.entries()) {
    if (last && i === parts.length - 1 && part.includes('.')) {
      if (!isIpv4(part)) return -1;
      count += 2;
    } else if (/^[0-9a-f]{1,4}$/.test(part)) count += 1;
    else return -1;
  }
  return count;
}

export function isIpv6(text: string): boolean {
  const sides = text.toLowerCase().split('::');
  if (sides.length > 2) return false;
  const counts = sides.map((side, i) => ipv6Groups(side, i === sides.length - 1));
  if (counts.some((count) => count < 0)) return false;
  const total = counts.reduce((a, b) => a + b, 0);
  return sides.length === 2 ? total <= 7 : total === 8;
}

function parseBracketed(authority: string, protocol: Protocol): Result<HostPort> {
  const close = authority.indexOf(']');
  const literal = authority.slice(1, close);
  if (close < 0) return invalid(msg('endpoint.ipv6Close'));
  if (!isIpv6(literal)) return invalid(msg('endpoint.ipv6Invalid', { literal }));
  const rest = authority.slice(close + 1);
  if (rest !== '' && !rest.startsWith(':')) return invalid(msg('endpoint.ipv6After'));
  const port = rest === '' ? ok(undefined) : parsePort(rest.slice(1), protocol);
  return port.ok ? ok({ host: `[${literal.toLowerCase()}]`, port: port.value }) : port;
}

function parseAuthority(authority: string, protocol: Protocol): Result<HostPort> {
  if (authority.startsWith('[')) return parseBracketed(authority, protocol);
  const parts = authority.split(':');
  if (parts.length > 2) {
    return invalid(msg('endpoint.ipv6Brackets'));
  }
  if (parts[0] === '') return invalid(msg('endpoint.noHost'));
  const port = parts.length === 2 ? parsePort(parts[1] ?? '', protocol) : ok(undefined);
  return port.ok ? ok({ host: (parts[0] ?? '').toLowerCase(), port: port.value }) : port;
}

// ---- host name rules, in order ----

type HostRule = (host: string, labels: string[]) => Msg | undefined;

const HOST_RULES: readonly HostRule[] = [
  (host) => (/[^\x20-\x7e]/.test(host) ? msg('endpoint.hostAscii', { host: quote(host) }) : undefined),
  (host) => {
    const bad = /[^a-z0-9._-]/.exec(host)?.[0];
    return bad === undefined ? undefined : msg('endpoint.hostChar', { bad: quote(bad) });
  },
  (host) => (host.length > 253 ? msg('endpoint.hostLong') : undefined),
  (_host, labels) => (labels.includes('') ? msg('endpoint.hostEmptyPart') : undefined),
  (_host, labels) => {
    const long = labels.find((label) => label.length > 63);
    return long ? msg('endpoint.labelLong', { label: quote(long) }) : undefined;
  },
  (_host, labels) => {
    const bad = labels.find((label) => label.startsWith('-') || label.endsWith('-'));
    return bad ? msg('endpoint.labelDash', { label: quote(bad) }) : undefined;
  },
  (host, labels) =>
    /^\d+$/.test(labels.at(-1) ?? '') && !isIpv4(host) ? msg('endpoint.ipv4', { host: quote(host) }) : undefined,
];

function checkHost(host: string): Result<string> {
  if (host.startsWith('[')) return ok(host);
  const labels = host.split('.');
  for (const rule of HOST_RULES) {
    const problem = rule(host, labels);
    if (problem) return invalid(problem);
  }
  return ok(host);
}

// ---- path: a bucket in it is taken out where the provider allows that; anything else is refused ----

/** COS refuses path-style, and R2's dashboard shows its endpoint with the bucket as path. */
const PATH_BUCKET: Partial<Record<ProviderId, RegExp>> = {
  cos: /^[a-z0-9-]+-\d+$/,
  r2: /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
};

interface Located extends HostReading {
  bucketFrom?: 'host' | 'path';
}

function applyPath(found: HostReading, path: string, provider: ProviderId, base: string): Result<Located> {
  const segments = path.split('/').filter((segment) => segment !== '');
  const [first] = segments;
  if (found.bucket !== undefined) {
    const ignored = segments.length > 0 ? ['The file path after the bucket address was left out.'] : [];
    return ok({ ...found, bucketFrom: 'host', warnings: [...found.warnings, ...ignored] });
  }
  if (first === undefined) return ok(found);
  if (PATH_BUCKET[provider]?.test(first)) {
    const ignored = segments.length > 1 ? ['The file path after the bucket was left out.'] : [];
    return ok({ ...found, bucket: first, bucketFrom: 'path', warnings: [...found.warnings, ...ignored] });
  }
  return invalid(msg('endpoint.path', { path: quote(`/${segments.join('/')}`), base }));
}

function bucketNote(located: Located, url: string, provider: ProviderId): string[] {
  if (located.bucketFrom === 'host') {
    return [`This is the address of bucket ${located.bucket}: the endpoint is ${url}, and the bucket was filled in separately.`];
  }
  if (located.bucketFrom !== 'path') return [];
  const why = PROVIDERS[provider].pathStyleRefused
    ? `${PROVIDERS[provider].label} refuses bucket names in the path (path-style)`
    : 'the bucket goes in its own field';
  return [`The bucket ${located.bucket} was taken out of the endpoint's path, because ${why}; the endpoint is ${url}.`];
}

function protocolNotes(protocol: Protocol, port: number | undefined): string[] {
  const notes = protocol === 'http' ? [PLAIN_HTTP_WARNING] : [];
  if (protocol === 'http' && port === 443) notes.push('Port 443 normally speaks HTTPS, but the endpoint says http://.');
  if (protocol === 'https' && port === 80) notes.push('Port 80 normally speaks plain HTTP, but the endpoint says https://.');
  return notes;
}

function assemble(protocol: Protocol, located: Located, port: number | undefined, provider: ProviderId): ParsedEndpoint {
  const url = `${protocol}://${located.host}${port === undefined ? '' : `:${port}`}`;
  const region = isIpOrLocalhost(located.host) ? undefined : PROVIDERS[provider].regionFromHost?.(located.host);
  return {
    url,
    protocol,
    host: located.host,
    port,
    ...(located.bucket !== undefined ? { bucket: located.bucket } : {}),
    ...(region !== undefined ? { region } : {}),
    warnings: [...protocolNotes(protocol, port), ...located.warnings, ...bucketNote(located, url, provider)],
  };
}

function emptyEndpoint(provider: ProviderId): Result<ParsedEndpoint> {
  if (PROVIDERS[provider].endpointOptional) {
    return ok({ url: '', protocol: 'https', host: '', port: undefined, warnings: [] });
  }
  return invalid(msg('endpoint.empty'));
}

function parse(text: string, provider: ProviderId, opts: ParseEndpointOptions): Result<ParsedEndpoint> {
  for (const rule of TEXT_RULES) {
    const problem = rule(text);
    if (problem) return invalid(problem);
  }
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  const protocol: Protocol = scheme === 'http' || scheme === 'https' ? scheme : (opts.defaultProtocol ?? 'https');
  const rest = afterScheme(text);
  const slash = rest.indexOf('/');
  const [authority, path] = slash < 0 ? [rest, ''] : [rest.slice(0, slash), rest.slice(slash)];
  const hostPort = parseAuthority(authority, protocol);
  if (!hostPort.ok) return hostPort;
  const host = checkHost(hostPort.value.host);
  if (!host.ok) return host;
  const found = readProviderHost(host.value, provider);
  if (!found.ok) return found;
  const { port } = hostPort.value;
  const base = `${protocol}://${found.value.host}${port === undefined ? '' : `:${port}`}`;
  const located = applyPath(found.value, path, provider, base);
  return located.ok ? ok(assemble(protocol, located.value, port, provider)) : located;
}

/**
 * Parses an endpoint as typed or pasted. Empty is accepted only where the SDK knows the endpoint (AWS);
 * a pasted bucket URL gives the service endpoint plus `bucket`. Never throws.
 */
export function parseEndpoint(
  input: string,
  provider: ProviderId,
  opts: ParseEndpointOptions = {},
): Result<ParsedEndpoint> {
  const text = input.trim();
  const result = text === '' ? emptyEndpoint(provider) : parse(text, provider, opts);
  if (result.ok || result.error.hint) return result;
  const hint = exampleHint(provider);
  return fail({ ...result.error, hint: english(hint), i18n: { ...result.error.i18n, hint } });
}
