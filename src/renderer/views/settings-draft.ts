// Reads the connection form into a profile draft and keeps its parts consistent as the user types: a pasted
// bucket URL is split into endpoint and bucket, protocol and port follow the endpoint (and back), the region
// line says what Auto resolved to, and the bucket name is checked live.
import { parseEndpoint } from '../../shared/endpoint.js';
import { bucketNameWarningMessages, validateBucketName } from '../../shared/bucket.js';
import { errorParts, say } from '../engine-text.js';
import { english } from '../../shared/errors.js';
import { ConnectionProfileSchema, PROFILE_FIELD_MESSAGES, type ConnectionProfileInput } from '../../shared/profile.js';
import { isProviderId, PROVIDERS, type ProviderId } from '../../shared/providers.js';
import { resolveConnection } from '../../shared/resolve.js';
import { el, showError, value } from '../dom.js';
import { onLocaleChange, tr } from '../i18n.js';
import { cosEndpoint } from '../cos-regions.js';

export interface Draft {
  profile: ConnectionProfileInput;
  secretAccessKey?: string;
}

const DEFAULT_PORTS = { https: 443, http: 80 } as const;
const input = (id: string) => document.getElementById(id) as HTMLInputElement;

export function providerOf(): ProviderId {
  const chosen = value('provider');
  return isProviderId(chosen) ? chosen : 'cos';
}

function protocolOf(): 'https' | 'http' {
  return value('protocol') === 'http' ? 'http' : 'https';
}

/** The endpoint as typed, with the protocol and port of the Advanced section. */
function endpointUrl(provider: ProviderId) {
  const parsed = parseEndpoint(value('endpoint'), provider, { defaultProtocol: protocolOf() });
  if (!parsed.ok || parsed.value.host === '') return parsed;
  const protocol = protocolOf();
  const port = Number(value('port')) || undefined;
  const shownPort = port && port !== DEFAULT_PORTS[protocol] ? `:${port}` : '';
  return { ...parsed, value: { ...parsed.value, url: `${protocol}://${parsed.value.host}${shownPort}` } };
}

/** After the endpoint changed: take a pasted bucket URL apart, and let protocol and port follow it. */
export function syncFromEndpoint(): void {
  const typed = value('endpoint');
  const parsed = parseEndpoint(typed, providerOf(), { defaultProtocol: protocolOf() });
  showError('endpoint', parsed.ok ? undefined : parsed.error);
  const note = document.getElementById('endpoint-note')!;
  note.replaceChildren();
  if (!parsed.ok || parsed.value.host === '') return updateResolution();
  if (/^https?:\/\//i.test(typed)) input('protocol').value = parsed.value.protocol;
  input('port').value = parsed.value.port ? String(parsed.value.port) : '';
  if (parsed.value.bucket) {
    input('bucket').value = parsed.value.bucket;
    note.append(tr(el('p'), 'note.bucketFromUrl', { bucket: parsed.value.bucket, url: parsed.value.url }));
    checkBucket();
  }
  input('endpoint').value = parsed.value.url.replace(/^https:\/\//, '');
  showProtocolWarning();
  updateResolution();
}

/** After the protocol or port changed in Advanced: rewrite the endpoint to match. */
export function syncToEndpoint(): void {
  const parsed = endpointUrl(providerOf());
  if (parsed.ok && parsed.value.host) input('endpoint').value = parsed.value.url.replace(/^https:\/\//, '');
  input('port').placeholder = String(DEFAULT_PORTS[protocolOf()]);
  showProtocolWarning();
  updateResolution();
}

export function pickCosRegion(region: string): void {
  input('endpoint').value = cosEndpoint(region);
  syncFromEndpoint();
}

function showProtocolWarning(): void {
  const hint = document.getElementById('protocol-hint')!;
  if (protocolOf() === 'http') tr(hint, 'warn.http');
  else hint.replaceChildren();
  hint.classList.toggle('warning', protocolOf() === 'http');
  const advanced = document.getElementById('advanced') as HTMLDetailsElement;
  if (protocolOf() === 'http') advanced.open = true;
}

/** Checks the bucket name as it is typed; COS names need the <BucketName-APPID> form. */
export function checkBucket(): boolean {
  const name = value('bucket');
  if (!name) return showError('bucket', undefined), true;
  const provider = providerOf();
  const endpoint = endpointUrl(provider);
  const host = endpoint.ok ? endpoint.value.host : undefined;
  const checked = validateBucketName(name, provider, host ? { endpointHost: host } : {});
  if (!checked.ok) return showError('bucket', checked.error), false;
  const warnings = bucketNameWarningMessages(checked.value, provider, { forcePathStyle: value('addressing') === 'path', protocol: protocolOf() });
  showError('bucket', warnings.length ? () => warnings.map(say).join(' ') : undefined);
  return true;
}

/** The profile as typed (without the secret), or undefined with the field errors shown. */
function profileDraft(): ConnectionProfileInput | undefined {
  const provider = providerOf();
  const endpoint = endpointUrl(provider);
  showError('endpoint', endpoint.ok ? undefined : endpoint.error);
  if (!endpoint.ok || !checkBucket()) return undefined;
  const optional = (id: string) => value(id) || undefined;
  return {
    name: value('name'),
    provider,
    endpoint: endpoint.value.url,
    region: value('regionMode') === 'explicit' ? value('region') || 'auto' : 'auto',
    addressing: value('addressing') as 'auto' | 'virtual' | 'path',
    signature: value('signature') as 'v4' | 'v2',
    accessKeyId: value('accessKeyId'),
    caFile: optional('caFile'),
    proxy: optional('proxy'),
    bucket: optional('bucket'),
  };
}

/** Field errors from the profile schema, shown where they belong. */
function checkProfile(profile: ConnectionProfileInput): boolean {
  const parsed = ConnectionProfileSchema.safeParse(profile);
  for (const id of ['name', 'accessKeyId']) showError(id, undefined);
  if (parsed.success) return true;
  for (const issue of parsed.error.issues) {
    // The schema's own checks are shown in the chosen language; any other issue as zod words it.
    const known = PROFILE_FIELD_MESSAGES.find((m) => english(m) === issue.message);
    showError(String(issue.path[0] ?? 'name'), known ? () => say(known) : issue.message);
  }
  return false;
}

export function readDraft(): Draft | undefined {
  const profile = profileDraft();
  if (!profile || !checkProfile(profile)) return undefined;
  const secret = input('secret').value;
  return secret ? { profile, secretAccessKey: secret } : { profile };
}

/** The region line: what Auto resolved to (or why it cannot yet), or the region as entered. */
export function updateResolution(): void {
  const hint = document.getElementById('regionMode-hint')!;
  const provider = providerOf();
  const endpoint = endpointUrl(provider);
  if (!endpoint.ok) return void hint.replaceChildren();
  const region = value('regionMode') === 'explicit' ? value('region') || 'auto' : 'auto';
  const profile = ConnectionProfileSchema.safeParse({ name: 'draft', provider, endpoint: endpoint.value.url, region, accessKeyId: 'draft' });
  if (!profile.success) return void hint.replaceChildren();
  const resolved = resolveConnection(profile.data);
  if (!resolved.ok) return void tr(hint, 'region.resolved.unknown', { why: errorParts(resolved.error).message });
  const key = ({ endpoint: 'region.resolved.endpoint', default: 'region.resolved.default', explicit: 'region.resolved.explicit' } as const)[resolved.value.regionSource];
  tr(hint, key, { region: resolved.value.region });
}

// The region line quotes an engine message: written again in the new language after a switch.
onLocaleChange(() => {
  if (document.getElementById('regionMode-hint')) updateResolution();
});

export function fillForm(profile: ConnectionProfileInput): void {
  const select = input('provider') as unknown as HTMLSelectElement;
  if (![...select.options].some((o) => o.value === profile.provider)) {
    select.append(el('option', { value: profile.provider, textContent: PROVIDERS[profile.provider].label }));
  }
  for (const [key, val] of Object.entries(profile)) {
    const node = document.getElementById(key) as HTMLInputElement | null;
    if (node && typeof val === 'string' && key !== 'region') node.value = val;
  }
  const explicit = profile.region !== undefined && profile.region.toLowerCase() !== 'auto';
  input('regionMode').value = explicit ? 'explicit' : 'auto';
  input('region').value = explicit ? profile.region! : '';
  input('region').hidden = !explicit;
  syncFromEndpoint();
}
