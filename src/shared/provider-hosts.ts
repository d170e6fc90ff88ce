// The host names each provider owns: which provider an endpoint host belongs to, and how a pasted
// bucket URL on it splits back into the service host + bucket (cos-s3-facts.md, "Connection settings").
import { appError } from './errors.js';
import { msg, type Msg } from './messages.js';
import { PROVIDERS, type ProviderId } from './providers.js';
import { fail, ok, type Result } from './result.js';

/** A host read against its provider: the service host with any bucket label taken off. */
export interface HostReading {
  host: string;
  bucket?: string;
  warnings: string[];
}

interface HostFamily {
  provider: ProviderId;
  suffixes: readonly string[];
  /** Reads the labels left of the matched suffix (`cos.ap-guangzhou` for `cos.ap-guangzhou.myqcloud.com`). */
  read(labels: string[], suffix: string, host: string): Result<HostReading>;
}

/** A filled-in endpoint per provider, for messages and placeholders. */
export const EXAMPLE_ENDPOINTS: Record<ProviderId, string> = {
  cos: 'https://cos.ap-guangzhou.myqcloud.com',
  aws: 'https://s3.us-west-2.amazonaws.com',
  r2: 'https://<account-id>.r2.cloudflarestorage.com',
  b2: 'https://s3.us-west-004.backblazeb2.com',
  wasabi: 'https://s3.us-east-1.wasabisys.com',
  oss: 'https://s3.oss-cn-hangzhou.aliyuncs.com',
  minio: 'http://minio.local:9000',
  s3: 'https://s3.example.com',
};

export const COS_ACCELERATE_WARNING =
  'This is the global acceleration endpoint: it reaches an existing bucket, but cannot list, create or ' +
  'configure buckets. To list your buckets use the endpoint of the bucket\'s region, e.g. ' +
  'cos.ap-guangzhou.myqcloud.com, and with this endpoint set the region to the bucket\'s region.';

const invalid = (message: string | Msg) => fail<never>(appError('invalid-endpoint', { message }));

const reading = (host: string, bucketLabels: string[], warnings: string[] = []): Result<HostReading> =>
  ok({ host, ...(bucketLabels.length > 0 ? { bucket: bucketLabels.join('.') } : {}), warnings });

const COS_API_LABELS = new Set(['cos', 'cos-internal']);

function readCosHost(labels: string[], suffix: string, host: string): Result<HostReading> {
  const n = labels.length;
  const [service, region] = [labels[n - 2], labels[n - 1]];
  if (host === 'service.cos.myqcloud.com') {
    return invalid(msg('hosts.cosService'));
  }
  if (region === undefined || COS_API_LABELS.has(region)) {
    return invalid(msg('hosts.cosNoRegion', { host, suffix }));
  }
  if (service === 'cos-website') {
    return invalid(msg('hosts.cosWebsite', { host, region, suffix }));
  }
  if (service === undefined || !COS_API_LABELS.has(service) || n > 3) {
    return invalid(msg('hosts.notCos', { host, suffix }));
  }
  const warnings = region === 'accelerate' ? [COS_ACCELERATE_WARNING] : [];
  return reading(`${service}.${region}.${suffix}`, labels.slice(0, n - 2), warnings);
}

const isS3Label = (label: string) => label === 's3' || label.startsWith('s3-');

function readAwsHost(labels: string[], suffix: string, host: string): Result<HostReading> {
  if (labels.at(-1) === 'vpce') return reading(host, []); // interface endpoints are used as given
  const at = labels.findLastIndex(isS3Label);
  const first = labels[at];
  if (first === undefined) {
    return invalid(msg('hosts.notAws', { host }));
  }
  if (first.startsWith('s3-website')) {
    return invalid(msg('hosts.awsWebsite', { host }));
  }
  return reading([...labels.slice(at), suffix].join('.'), labels.slice(0, at));
}

const R2_JURISDICTIONS = new Set(['eu', 'fedramp']);

function readR2Host(labels: string[], suffix: string, host: string): Result<HostReading> {
  if (suffix === 'r2.dev') {
    return invalid(msg('hosts.r2Public', { host }));
  }
  const end = R2_JURISDICTIONS.has(labels.at(-1) ?? '') ? labels.length - 1 : labels.length;
  const account = labels[end - 1];
  if (account === undefined) {
    return invalid(msg('hosts.r2NoAccount', { host }));
  }
  const warnings = /^[0-9a-f]{32}$/.test(account)
    ? []
    : [`"${account}" does not look like a Cloudflare account ID (32 hexadecimal characters); check the endpoint.`];
  return reading([...labels.slice(end - 1), suffix].join('.'), labels.slice(0, end - 1), warnings);
}

function readB2Host(labels: string[], suffix: string, host: string): Result<HostReading> {
  const n = labels.length;
  if (n < 2 || labels[n - 2] !== 's3') {
    return invalid(msg(labels.at(-1) === 's3' ? 'hosts.b2NoRegion' : 'hosts.notB2', { host, suffix }));
  }
  return reading([...labels.slice(n - 2), suffix].join('.'), labels.slice(0, n - 2));
}

function readWasabiHost(labels: string[], suffix: string, host: string): Result<HostReading> {
  const at = labels.lastIndexOf('s3');
  if (at < 0 || labels.length - at > 2) {
    return invalid(msg('hosts.notWasabi', { host, suffix }));
  }
  return reading([...labels.slice(at), suffix].join('.'), labels.slice(0, at));
}

function readOssHost(labels: string[], suffix: string, host: string): Result<HostReading> {
  const n = labels.length;
  if (n >= 2 && labels[n - 1] === 'oss') return reading([...labels.slice(n - 2), suffix].join('.'), labels.slice(0, n - 2));
  if (n === 0 || !labels[n - 1]?.startsWith('oss-')) {
    return invalid(msg(n === 0 || labels.at(-1) === 'oss' ? 'hosts.ossNoRegion' : 'hosts.notOss', { host, suffix }));
  }
  const start = labels[n - 2] === 's3' ? n - 2 : n - 1;
  const warnings = labels[n - 1]?.startsWith('oss-accelerate')
    ? ['This is the OSS acceleration endpoint, which names no region: set the region to the bucket\'s region.']
    : [];
  return reading([...labels.slice(start), suffix].join('.'), labels.slice(0, start), warnings);
}

const FAMILIES: readonly HostFamily[] = [
  { provider: 'cos', suffixes: ['myqcloud.com', 'tencentcos.cn'], read: readCosHost },
  { provider: 'aws', suffixes: ['amazonaws.com', 'amazonaws.com.cn'], read: readAwsHost },
  { provider: 'r2', suffixes: ['r2.cloudflarestorage.com', 'r2.dev'], read: readR2Host },
  { provider: 'b2', suffixes: ['backblazeb2.com'], read: readB2Host },
  { provider: 'wasabi', suffixes: ['wasabisys.com'], read: readWasabiHost },
  { provider: 'oss', suffixes: ['aliyuncs.com'], read: readOssHost },
];

/** The provider family a host name belongs to, with the labels left of its suffix. */
function findFamily(host: string): { family: HostFamily; suffix: string; labels: string[] } | undefined {
  for (const family of FAMILIES) {
    for (const suffix of family.suffixes) {
      if (host === suffix) return { family, suffix, labels: [] };
      if (host.endsWith(`.${suffix}`)) return { family, suffix, labels: host.slice(0, -suffix.length - 1).split('.') };
    }
  }
  return undefined;
}

/** Which provider runs this host, by its domain (`cos.ap-guangzhou.myqcloud.com` → `cos`). */
export const hostProvider = (host: string): ProviderId | undefined => findFamily(host.toLowerCase())?.family.provider;

/** IP literals and localhost can only be reached path-style: no bucket name can go in front of them. */
export const isIpOrLocalhost = (host: string): boolean =>
  host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host) || host === 'localhost' || host.endsWith('.localhost');

function wrongProvider(owner: ProviderId, chosen: ProviderId, host: string): Result<never> {
  const [ownerLabel, chosenLabel] = [PROVIDERS[owner].label, PROVIDERS[chosen].label];
  return fail(
    appError('invalid-endpoint', {
      message: msg('hosts.wrongProvider', { host, owner: ownerLabel, chosen: chosenLabel }),
      hint: msg('hosts.wrongProviderHint'),
    }),
  );
}

/** Checks a (valid, lower-case) host against the chosen provider and takes a pasted bucket off it. */
export function readProviderHost(host: string, provider: ProviderId): Result<HostReading> {
  const found = isIpOrLocalhost(host) ? undefined : findFamily(host);
  if (found && found.family.provider !== provider) return wrongProvider(found.family.provider, provider, host);
  if (found) return found.family.read(found.labels, found.suffix, host);
  const ownsDomains = FAMILIES.some((family) => family.provider === provider);
  const warnings = ownsDomains
    ? [
        `${host} is not one of ${PROVIDERS[provider].label}'s own addresses. That is fine for a private deployment ` +
          'or a proxy; otherwise choose the provider that runs this address, or "Other S3-compatible service".',
      ]
    : [];
  return ok({ host, warnings });
}
