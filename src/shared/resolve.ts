// Decides every "auto" of a ConnectionProfile (region, addressing, checksums) into the ResolvedConnection the
// S3 client factory reads, and says in plain lines what was decided and why (settings, `cos-sync profile show`).
import { hostProvider, isIpOrLocalhost, parseEndpoint, type ParsedEndpoint } from './endpoint.js';
import { appError } from './errors.js';
import { msg, type Msg } from './messages.js';
import type { ConnectionProfile, ResolvedConnection } from './profile.js';
import { PROVIDERS, type ProviderId } from './providers.js';
import { fail, ok, type Result } from './result.js';

/** The words the COS guide uses for "let the application decide" ("Default", "Auto", "Automatic"). */
export const AUTO_REGION_WORDS = ['auto', 'default', 'automatic'] as const;

export const isAutoRegion = (region: string | undefined): boolean =>
  (AUTO_REGION_WORDS as readonly string[]).includes((region ?? 'auto').trim().toLowerCase());

const invalidProfile = (message: Msg) => fail<never>(appError('invalid-profile', { message }));

type RegionChoice = Pick<ResolvedConnection, 'region' | 'regionSource'>;
type AddressingChoice = Pick<ResolvedConnection, 'forcePathStyle' | 'addressingSource'>;

function resolveRegion(profile: ConnectionProfile, endpoint: ParsedEndpoint): Result<RegionChoice> {
  const preset = PROVIDERS[profile.provider];
  if (!isAutoRegion(profile.region)) {
    const region = profile.region.trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(region)) {
      return invalidProfile(msg('region.notName', { region: JSON.stringify(profile.region.trim()) }));
    }
    return ok({ region, regionSource: 'explicit' });
  }
  if (endpoint.region !== undefined) return ok({ region: endpoint.region, regionSource: 'endpoint' });
  if (preset.cosSemantics) {
    // COS needs the bucket's real region, and a wrong one answers 404: better to ask than to guess.
    return invalidProfile(msg('region.notInEndpoint', { host: endpoint.host }));
  }
  return ok({ region: preset.fallbackRegion, regionSource: 'default' });
}

/** Virtual-hosted by default only on the provider's own hosts (and AWS's SDK default); path-style elsewhere. */
function autoPathStyle(provider: ProviderId, host: string): boolean {
  if (PROVIDERS[provider].defaultAddressing !== 'virtual') return true;
  if (host === '') return false;
  return isIpOrLocalhost(host) || hostProvider(host) !== provider;
}

function resolveAddressing(profile: ConnectionProfile, endpoint: ParsedEndpoint): Result<AddressingChoice> {
  const addressing = profile.addressing ?? 'auto';
  if (addressing === 'auto') {
    return ok({ forcePathStyle: autoPathStyle(profile.provider, endpoint.host), addressingSource: 'auto' });
  }
  if (addressing === 'virtual' && endpoint.host !== '' && isIpOrLocalhost(endpoint.host)) {
    return invalidProfile(msg('addressing.virtualOnIp', { host: endpoint.host }));
  }
  return ok({ forcePathStyle: addressing === 'path', addressingSource: 'explicit' });
}

const nonEmpty = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** Resolves a profile for the client factory; fails with `invalid-endpoint` or `invalid-profile`. */
export function resolveConnection(profile: ConnectionProfile): Result<ResolvedConnection> {
  const parsed = parseEndpoint(profile.endpoint, profile.provider);
  if (!parsed.ok) return parsed;
  const endpoint = parsed.value;
  const region = resolveRegion(profile, endpoint);
  if (!region.ok) return region;
  const addressing = resolveAddressing(profile, endpoint);
  if (!addressing.ok) return addressing;
  const preset = PROVIDERS[profile.provider];
  return ok({
    provider: profile.provider,
    endpoint: endpoint.url || undefined,
    protocol: endpoint.protocol,
    host: endpoint.host || undefined,
    port: endpoint.port,
    ...region.value,
    ...addressing.value,
    signature: profile.signature ?? 'v4',
    checksums: preset.sdkDefaultChecksums ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
    md5Fallback: preset.md5ForRequiredChecksums,
    cos: preset.cosSemantics,
    caFile: nonEmpty(profile.caFile),
    proxy: nonEmpty(profile.proxy),
  });
}

// ---- plain-language description ----

function regionLine(r: ResolvedConnection): string {
  const label = PROVIDERS[r.provider].label;
  if (r.regionSource === 'endpoint') return `Region: ${r.region} (from the endpoint)`;
  if (r.regionSource === 'default') return `Region: ${r.region} (the default for ${label})`;
  const fromHost = r.host && !isIpOrLocalhost(r.host) ? PROVIDERS[r.provider].regionFromHost?.(r.host) : undefined;
  const clash = fromHost && fromHost !== r.region ? `; the endpoint is in ${fromHost}, and the bucket must be in the endpoint's region` : '';
  return `Region: ${r.region} (set in the profile${clash})`;
}

function addressingLine(r: ResolvedConnection): string {
  const preset = PROVIDERS[r.provider];
  const style = r.forcePathStyle ? 'path-style (https://host/bucket)' : 'virtual-hosted (https://bucket.host)';
  const why = r.addressingSource === 'auto' ? `automatic for ${r.host ? 'this endpoint' : preset.label}` : 'set in the profile';
  const refused =
    r.forcePathStyle && preset.pathStyleRefused
      ? `; ${preset.label} refuses path-style for buckets created since 2024 (403 PathStyleDomainForbidden)`
      : '';
  return `Addressing: ${style} (${why}${refused})`;
}

function checksumLine(r: ResolvedConnection): string {
  if (r.checksums === 'WHEN_SUPPORTED') return 'Checksums: SDK defaults (CRC32 on every upload)';
  const md5 = r.md5Fallback ? ', with Content-MD5 instead of CRC32' : '';
  return `Checksums: only where an operation requires one${md5}`;
}

/** Hides the user name and password of a proxy URL. */
const redactProxy = (proxy: string) => proxy.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');

/** Short lines saying what the connection will use, for the settings window and `cos-sync profile show`. */
export function describeResolution(r: ResolvedConnection): string[] {
  const lines = [
    `Provider: ${PROVIDERS[r.provider].label}`,
    `Endpoint: ${r.endpoint ?? 'the standard one for the region (chosen by the SDK)'}`,
    regionLine(r),
    addressingLine(r),
    `Signature: ${r.signature === 'v2' ? 'AWS Signature Version 2 (legacy)' : 'AWS Signature Version 4'}`,
    checksumLine(r),
  ];
  if (r.cos) lines.push('COS rules: bucket names are <BucketName>-<APPID>; uploads are checked with CRC64');
  if (r.protocol === 'http' && r.endpoint) lines.push('Protocol: plain HTTP, unencrypted');
  if (r.caFile) lines.push(`Custom CA certificate: ${r.caFile}`);
  if (r.proxy) lines.push(`Proxy: ${redactProxy(r.proxy)}`);
  return lines;
}
