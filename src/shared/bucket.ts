// Checks a bucket name before anything is sent, with messages that say what to change: COS's
// <BucketName>-<APPID> form (cos-s3-facts.md), or the usual S3 naming rules for every other provider.
import { parseEndpoint } from './endpoint.js';
import { appError } from './errors.js';
import { PROVIDERS, type ProviderId } from './providers.js';
import { fail, ok, type Result } from './result.js';

export interface BucketContext {
  /** The endpoint host (`cos.ap-guangzhou.myqcloud.com`); COS limits `<bucket>.<host>` to 60 characters. */
  endpointHost?: string;
}

interface Problem {
  message: string;
  hint?: string;
}

type BucketRule = (name: string, provider: ProviderId, ctx: BucketContext) => Problem | string | undefined;

const COS_EXAMPLE = 'examplebucket-1250000000';
const APPID_HINT = 'The APPID is shown on the API key page of the CAM console (https://console.cloud.tencent.com/cam/capi).';
const COS_HOST_LIMIT = 60;
/** Used when the endpoint is not known: the shortest COS region host, so only names too long anywhere fail. */
const SHORTEST_COS_HOST = 'cos.ap-seoul.myqcloud.com';

const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

// ---- rules for every provider ----

const isEmpty: BucketRule = (name, provider) =>
  name === ''
    ? `Enter the bucket name${PROVIDERS[provider].cosSemantics ? `; on COS it is <BucketName>-<APPID>, e.g. ${COS_EXAMPLE}` : ''}.`
    : undefined;

/** A pasted bucket URL: say which part is the bucket name. */
const isAddress: BucketRule = (name, provider) => {
  if (!name.includes('://') && !name.includes('.')) return undefined;
  const parsed = parseEndpoint(name, provider);
  if (parsed.ok && parsed.value.bucket !== undefined) {
    return `That is the address of a bucket, not its name: enter just ${quote(parsed.value.bucket)}.`;
  }
  return name.includes('://') ? 'Enter only the bucket name here, not an address; the address goes in the endpoint.' : undefined;
};

const hasSlash: BucketRule = (name) =>
  name.includes('/')
    ? {
        message: 'A bucket name cannot contain "/".',
        hint: 'To sync into a folder of the bucket, enter the bucket name here and the folder as the remote folder of the folder pair.',
      }
    : undefined;

const hasSpace: BucketRule = (name) => (/\s/.test(name) ? 'A bucket name cannot contain spaces.' : undefined);

const hasUpperCase: BucketRule = (name) =>
  /[A-Z]/.test(name) ? `Bucket names are lower case: use ${quote(name.toLowerCase())}.` : undefined;

const COMMON_RULES: readonly BucketRule[] = [isEmpty, isAddress, hasSlash, hasSpace, hasUpperCase];

// ---- COS: <BucketName>-<APPID> ----

const cosCharacters: BucketRule = (name) => {
  const bad = /[^a-z0-9-]/.exec(name)?.[0];
  return bad === undefined
    ? undefined
    : `COS bucket names may contain only lower-case letters, digits and "-", not ${quote(bad)}.`;
};

const cosOnlyAppId: BucketRule = (name) =>
  /^\d+$/.test(name)
    ? { message: `${quote(name)} is only an APPID. A COS bucket name is <BucketName>-<APPID>, e.g. examplebucket-${name}.` }
    : undefined;

const cosAppId: BucketRule = (name) =>
  /-\d+$/.test(name)
    ? undefined
    : {
        message:
          `${quote(name)} has no APPID. COS bucket names end in -<APPID>: append the APPID shown on the API key page ` +
          `of the CAM console, e.g. ${name.replace(/-+$/, '')}-1250000000 (with your own APPID).`,
        hint: APPID_HINT,
      };

const cosBucketPart: BucketRule = (name) => {
  const part = name.replace(/-\d+$/, '');
  if (part === '') return `The BucketName before -APPID is missing, e.g. ${COS_EXAMPLE}.`;
  if (part.startsWith('-') || part.endsWith('-')) {
    return `The BucketName part ${quote(part)} cannot start or end with "-".`;
  }
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
  const where = host === SHORTEST_COS_HOST ? 'in any region' : `at ${host}`;
  return (
    `${quote(name)} is too long for COS ${where}: the bucket's address <bucket>.${host} may have at most ` +
    `${COS_HOST_LIMIT} characters, and would have ${length}. Shorten the BucketName part by ${length - COS_HOST_LIMIT}.`
  );
};

const COS_RULES: readonly BucketRule[] = [cosCharacters, cosOnlyAppId, cosAppId, cosBucketPart, cosLength];

// ---- everyone else: the S3 naming rules ----

const s3Characters: BucketRule = (name) => {
  const bad = /[^a-z0-9.-]/.exec(name)?.[0];
  if (bad === undefined) return undefined;
  const instead = bad === '_' ? ' Use "-" instead.' : '';
  return `Bucket names may contain only lower-case letters, digits, "." and "-", not ${quote(bad)}.${instead}`;
};

const s3Length: BucketRule = (name) =>
  name.length < 3 || name.length > 63
    ? `Bucket names have 3 to 63 characters; ${quote(name)} has ${name.length}.`
    : undefined;

const s3Ends: BucketRule = (name) =>
  /^[a-z0-9].*[a-z0-9]$/.test(name) ? undefined : 'A bucket name must start and end with a letter or a digit.';

const s3Dots: BucketRule = (name) => {
  if (name.includes('..')) return 'A bucket name cannot contain two dots in a row.';
  return /\.-|-\./.test(name) ? 'A bucket name cannot have "." next to "-".' : undefined;
};

const s3IpAddress: BucketRule = (name) =>
  /^\d+\.\d+\.\d+\.\d+$/.test(name) ? 'A bucket name cannot look like an IP address.' : undefined;

const RESERVED: readonly { test: (name: string) => boolean; what: string; awsOnly?: boolean }[] = [
  { test: (n) => n.startsWith('xn--'), what: 'start with "xn--"' },
  { test: (n) => n.endsWith('-s3alias'), what: 'end with "-s3alias"' },
  { test: (n) => n.startsWith('sthree-'), what: 'start with "sthree-"', awsOnly: true },
  { test: (n) => n.startsWith('amzn-s3-demo-'), what: 'start with "amzn-s3-demo-"', awsOnly: true },
  { test: (n) => n.endsWith('--ol-s3'), what: 'end with "--ol-s3"', awsOnly: true },
  { test: (n) => n.endsWith('--x-s3'), what: 'end with "--x-s3"', awsOnly: true },
  { test: (n) => n.endsWith('--table-s3'), what: 'end with "--table-s3"', awsOnly: true },
  { test: (n) => n.endsWith('.mrap'), what: 'end with ".mrap"', awsOnly: true },
];

const s3Reserved: BucketRule = (name, provider) => {
  const hit = RESERVED.find((r) => (!r.awsOnly || provider === 'aws') && r.test(name));
  return hit ? `A bucket name cannot ${hit.what}: that is reserved.` : undefined;
};

const S3_RULES: readonly BucketRule[] = [s3Characters, s3Length, s3Ends, s3Dots, s3IpAddress, s3Reserved];

/** Checks a bucket name for the provider; gives back the trimmed name. */
export function validateBucketName(name: string, provider: ProviderId, ctx: BucketContext = {}): Result<string> {
  const trimmed = name.trim();
  const rules = [...COMMON_RULES, ...(PROVIDERS[provider].cosSemantics ? COS_RULES : S3_RULES)];
  for (const rule of rules) {
    const problem = rule(trimmed, provider, ctx);
    if (problem !== undefined) {
      const { message, hint } = typeof problem === 'string' ? { message: problem, hint: undefined } : problem;
      return fail(appError('invalid-bucket-name', { message, hint }));
    }
  }
  return ok(trimmed);
}

/** Things that are allowed but may bite, for a name that passed validateBucketName. */
export function bucketNameWarnings(
  name: string,
  provider: ProviderId,
  ctx: { forcePathStyle: boolean; protocol?: 'https' | 'http' },
): string[] {
  const warnings: string[] = [];
  if (name.includes('.') && !ctx.forcePathStyle && ctx.protocol !== 'http') {
    warnings.push(
      'Bucket names with dots break HTTPS certificate checks with virtual-hosted addressing ' +
        '(<bucket>.<host> no longer matches the certificate). Choose path-style addressing, or a name without dots.',
    );
  }
  if (PROVIDERS[provider].cosSemantics && /-\d+$/.test(name) && !/-1\d{9}$/.test(name)) {
    warnings.push(`APPIDs are usually 10 digits starting with 1; check the APPID in ${quote(name)}. ${APPID_HINT}`);
  }
  return warnings;
}

/** Splits `bucket/some/prefix` (also `s3://bucket/prefix`) into the bucket and a prefix without outer slashes. */
export function splitBucketAndPrefix(input: string): { bucket: string; prefix: string } {
  const path = input.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\/+/, '');
  const [bucket = '', ...rest] = path.split('/');
  return { bucket, prefix: rest.filter((segment) => segment !== '').join('/') };
}
