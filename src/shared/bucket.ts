// Checks a bucket name before anything is sent, with messages that say what to change: COS's
// <BucketName>-<APPID> form (cos-s3-facts.md), or the usual S3 naming rules for every other provider.
import { parseEndpoint } from './endpoint.js';
import { appError, english } from './errors.js';
import { msg, type Msg } from './messages.js';
import { PROVIDERS, type ProviderId } from './providers.js';
import { fail, ok, type Result } from './result.js';

export interface BucketContext {
  /** The endpoint host (`cos.ap-guangzhou.myqcloud.com`); COS limits `<bucket>.<host>` to 60 characters. */
  endpointHost?: string;
}

interface Problem {
  message: Msg;
  hint?: Msg;
}

type BucketRule = (name: string, provider: ProviderId, ctx: BucketContext) => Problem | Msg | undefined;

const COS_EXAMPLE = 'examplebucket-1250000000';
const APPID_HINT = msg('bucket.appIdHint');
const COS_HOST_LIMIT = 60;
/** Used when the endpoint is not known: the shortest COS region host, so only names too long anywhere fail. */
const SHORTEST_COS_HOST = 'cos.ap-seoul.myqcloud.com';

const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

// ---- rules for every provider ----

const isEmpty: BucketRule = (name, provider) =>
  name === '' ? (PROVIDERS[provider].cosSemantics ? msg('bucket.emptyCos', { example: COS_EXAMPLE }) : msg('bucket.empty')) : undefined;

/** A pasted bucket URL: say which part is the bucket name. */
const isAddress: BucketRule = (name, provider) => {
  if (!name.includes('://') && !name.includes('.')) return undefined;
  const parsed = parseEndpoint(name, provider);
  if (parsed.ok && parsed.value.bucket !== undefined) return msg('bucket.isAddress', { bucket: quote(parsed.value.bucket) });
  return name.includes('://') ? msg('bucket.notAddress') : undefined;
};

const hasSlash: BucketRule = (name) => (name.includes('/') ? { message: msg('bucket.slash'), hint: msg('bucket.slashHint') } : undefined);

const hasSpace: BucketRule = (name) => (/\s/.test(name) ? msg('bucket.space') : undefined);

const hasUpperCase: BucketRule = (name) => (/[A-Z]/.test(name) ? msg('bucket.upper', { name: quote(name.toLowerCase()) }) : undefined);

const COMMON_RULES: readonly BucketRule[] = [isEmpty, isAddress, hasSlash, hasSpace, hasUpperCase];

// ---- COS: <BucketName>-<APPID> ----

const cosCharacters: BucketRule = (name) => {
  const bad = /[^a-z0-9-]/.exec(name)?.[0];
  return bad === undefined ? undefined : msg('bucket.cosChars', { bad: quote(bad) });
};

const cosOnlyAppId: BucketRule = (name) => (/^\d+$/.test(name) ? { message: msg('bucket.onlyAppId', { name: quote(name), appId: name }) } : undefined);

const cosAppId: BucketRule = (name) =>
  /-\d+$/.test(name) ? undefined : { message: msg('bucket.noAppId', { name: quote(name), example: `${name.replace(/-+$/, '')}-1250000000` }), hint: APPID_HINT };

const cosBucketPart: BucketRule = (name) => {
  const part = name.replace(/-\d+$/, '');
  if (part === '') return msg('bucket.noName', { example: COS_EXAMPLE });
  if (part.startsWith('-') || part.endsWith('-')) return msg('bucket.dashEnds', { part: quote(part) });
  return undefined;
};

/** The host the 60-character limit counts against: the endpoint's, when it is a Tencent Cloud host. */
function cosHostFor(ctx: BucketContext): string {
  const host = (ctx.endpointHost ?? '').toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[:/].*$/, '');
  return /\.(myqcloud\.com|tencentcos\.cn)$/.test(host) ? host : SHORTEST_COS_HOST;
}

const cosLength: BucketRule = (name, _provider, ctx) => {
  const host = cosHostFor(ctx);
  const length = name.length + 1 + host.length;
  if (length <= COS_HOST_LIMIT) return undefined;
  const params = { name: quote(name), host, limit: COS_HOST_LIMIT, length, over: length - COS_HOST_LIMIT };
  return msg(host === SHORTEST_COS_HOST ? 'bucket.tooLongAnywhere' : 'bucket.tooLongAt', params);
};

const COS_RULES: readonly BucketRule[] = [cosCharacters, cosOnlyAppId, cosAppId, cosBucketPart, cosLength];

// ---- everyone else: the S3 naming rules ----

const s3Characters: BucketRule = (name) => {
  const bad = /[^a-z0-9.-]/.exec(name)?.[0];
  if (bad === undefined) return undefined;
  return msg(bad === '_' ? 'bucket.s3CharsUnderscore' : 'bucket.s3Chars', { bad: quote(bad) });
};

const s3Length: BucketRule = (name) =>
  name.length < 3 || name.length > 63 ? msg('bucket.length', { name: quote(name), length: name.length }) : undefined;

const s3Ends: BucketRule = (name) => (/^[a-z0-9].*[a-z0-9]$/.test(name) ? undefined : msg('bucket.ends'));

const s3Dots: BucketRule = (name) => {
  if (name.includes('..')) return msg('bucket.twoDots');
  return /\.-|-\./.test(name) ? msg('bucket.dotDash') : undefined;
};

const s3IpAddress: BucketRule = (name) => (/^\d+\.\d+\.\d+\.\d+$/.test(name) ? msg('bucket.ip') : undefined);

const RESERVED: readonly { test: (name: string) => boolean; start?: string; end?: string; awsOnly?: boolean }[] = [
  { test: (n) => n.startsWith('xn--'), start: 'xn--' },
  { test: (n) => n.endsWith('-s3alias'), end: '-s3alias' },
  { test: (n) => n.startsWith('sthree-'), start: 'sthree-', awsOnly: true },
  { test: (n) => n.startsWith('amzn-s3-demo-'), start: 'amzn-s3-demo-', awsOnly: true },
  { test: (n) => n.endsWith('--ol-s3'), end: '--ol-s3', awsOnly: true },
  { test: (n) => n.endsWith('--x-s3'), end: '--x-s3', awsOnly: true },
  { test: (n) => n.endsWith('--table-s3'), end: '--table-s3', awsOnly: true },
  { test: (n) => n.endsWith('.mrap'), end: '.mrap', awsOnly: true },
];

const s3Reserved: BucketRule = (name, provider) => {
  const hit = RESERVED.find((r) => (!r.awsOnly || provider === 'aws') && r.test(name));
  if (!hit) return undefined;
  return hit.start !== undefined ? msg('bucket.reservedStart', { affix: hit.start }) : msg('bucket.reservedEnd', { affix: hit.end ?? '' });
};

const S3_RULES: readonly BucketRule[] = [s3Characters, s3Length, s3Ends, s3Dots, s3IpAddress, s3Reserved];

const isProblem = (p: Problem | Msg): p is Problem => 'message' in p;

/** Checks a bucket name for the provider; gives back the trimmed name. */
export function validateBucketName(name: string, provider: ProviderId, ctx: BucketContext = {}): Result<string> {
  const trimmed = name.trim();
  const rules = [...COMMON_RULES, ...(PROVIDERS[provider].cosSemantics ? COS_RULES : S3_RULES)];
  for (const rule of rules) {
    const problem = rule(trimmed, provider, ctx);
    if (problem !== undefined) {
      const { message, hint } = isProblem(problem) ? problem : { message: problem, hint: undefined };
      return fail(appError('invalid-bucket-name', { message, ...(hint ? { hint } : {}) }));
    }
  }
  return ok(trimmed);
}

/** Things that are allowed but may bite, for a name that passed validateBucketName (as messages: bucketNameWarnings gives the English). */
export function bucketNameWarningMessages(
  name: string,
  provider: ProviderId,
  ctx: { forcePathStyle: boolean; protocol?: 'https' | 'http' },
): Msg[] {
  const warnings: Msg[] = [];
  if (name.includes('.') && !ctx.forcePathStyle && ctx.protocol !== 'http') warnings.push(msg('bucket.dotsWarning'));
  if (PROVIDERS[provider].cosSemantics && /-\d+$/.test(name) && !/-1\d{9}$/.test(name)) {
    warnings.push(msg('bucket.appIdWarning', { name: quote(name), hint: APPID_HINT }));
  }
  return warnings;
}

/** Things that are allowed but may bite, for a name that passed validateBucketName. */
export function bucketNameWarnings(name: string, provider: ProviderId, ctx: { forcePathStyle: boolean; protocol?: 'https' | 'http' }): string[] {
  return bucketNameWarningMessages(name, provider, ctx).map(english);
}

/** Splits `bucket/some/prefix` (also `s3://bucket/prefix`) into the bucket and a prefix without outer slashes. */
export function splitBucketAndPrefix(input: string): { bucket: string; prefix: string } {
  const path = input.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\/+/, '');
  const [bucket = '', ...rest] = path.split('/');
  return { bucket, prefix: rest.filter((segment) => segment !== '').join('/') };
}
