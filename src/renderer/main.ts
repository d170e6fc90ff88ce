// The minimal settings window: the connection fields in the order and words of Tencent's guide to
// S3-compatible apps, a Test connection checklist, and Save. Talks only through window.cosSync.
import { PROVIDERS, PROVIDER_IDS, isProviderId, type ProviderId } from '../shared/providers.js';
import { parseEndpoint } from '../shared/endpoint.js';
import { validateBucketName } from '../shared/bucket.js';
import type { ConnectionProfileInput } from '../shared/profile.js';
import type { Diagnosis } from '../shared/diagnosis.js';
import type { AppError } from '../shared/result.js';
import { el, field, select, showError } from './dom.js';

const app = document.getElementById('app') as HTMLElement;

function buildForm(): HTMLFormElement {
  const form = el('form', { id: 'settings', noValidate: true }) as HTMLFormElement;
  form.append(
    ...field('name', 'Profile name', el('input', { id: 'name', value: 'default', required: true })),
    ...field('provider', 'Provider', select('provider', PROVIDER_IDS.map((id) => [id, PROVIDERS[id].label]))),
    ...field('endpoint', 'Service endpoint', el('input', { id: 'endpoint', placeholder: PROVIDERS.cos.endpointTemplate })),
    ...field('accessKeyId', 'Access key (SecretId)', el('input', { id: 'accessKeyId', autocomplete: 'off' })),
    ...field('secret', 'Secret key (SecretKey)', secretInput()),
    ...field('region', 'Region', el('input', { id: 'region', value: 'auto' })),
    ...field('bucket', 'Bucket', bucketInput()),
    advanced(),
    actions(),
  );
  return form;
}

function secretInput(): HTMLElement {
  const input = el('input', { id: 'secret', type: 'password', autocomplete: 'off' });
  const toggle = el('button', { type: 'button', id: 'secret-toggle', textContent: 'Show' });
  toggle.addEventListener('click', () => {
    const shown = (input as HTMLInputElement).type === 'text';
    (input as HTMLInputElement).type = shown ? 'password' : 'text';
    toggle.textContent = shown ? 'Show' : 'Hide';
  });
  return el('div', { className: 'row' }, [input, toggle]);
}

function bucketInput(): HTMLElement {
  const input = el('input', { id: 'bucket', placeholder: 'examplebucket-1250000000', list: 'bucket-list' });
  const list = el('datalist', { id: 'bucket-list' });
  const button = el('button', { type: 'button', id: 'list-buckets', textContent: 'List buckets' });
  button.addEventListener('click', () => void listBuckets());
  return el('div', { className: 'row' }, [input, list, button]);
}

function advanced(): HTMLElement {
  const box = el('fieldset', {}, [el('legend', { textContent: 'Advanced' })]);
  box.append(
    ...field('addressing', 'Addressing', select('addressing', [['auto', 'Auto'], ['virtual', 'Virtual-hosted'], ['path', 'Path-style']])),
    ...field('signature', 'Signature', select('signature', [['v4', 'AWS v4'], ['v2', 'AWS v2']])),
    ...field('caFile', 'Custom CA certificate', el('input', { id: 'caFile', placeholder: '/path/to/ca.pem' })),
    ...field('proxy', 'Proxy', el('input', { id: 'proxy', placeholder: 'http://proxy:3128' })),
  );
  return box;
}

function actions(): HTMLElement {
  const test = el('button', { type: 'button', id: 'test', textContent: 'Test connection' });
  const save = el('button', { type: 'submit', id: 'save', textContent: 'Save' });
  test.addEventListener('click', () => void testConnection());
  return el('div', { className: 'actions' }, [test, save]);
}

const value = (id: string) => (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value.trim();

function readDraft(): { profile: ConnectionProfileInput; secretAccessKey?: string } | undefined {
  const providerId = value('provider');
  const provider: ProviderId = isProviderId(providerId) ? providerId : 'cos';
  const endpoint = parseEndpoint(value('endpoint'), provider);
  showError('endpoint', endpoint.ok ? undefined : endpoint.error);
  if (!endpoint.ok) return undefined;
  const bucket = value('bucket') || endpoint.value.bucket || '';
  if (bucket) {
    const checked = validateBucketName(bucket, provider, { endpointHost: endpoint.value.host });
    showError('bucket', checked.ok ? undefined : checked.error);
    if (!checked.ok) return undefined;
  }
  const optional = (id: string) => value(id) || undefined;
  const profile: ConnectionProfileInput = {
    name: value('name'),
    provider,
    endpoint: endpoint.value.url,
    region: value('region') || 'auto',
    addressing: value('addressing') as 'auto' | 'virtual' | 'path',
    signature: value('signature') as 'v4' | 'v2',
    accessKeyId: value('accessKeyId'),
    caFile: optional('caFile'),
    proxy: optional('proxy'),
    bucket: bucket || undefined,
  };
  const secret = (document.getElementById('secret') as HTMLInputElement).value;
  return secret ? { profile, secretAccessKey: secret } : { profile };
}

function replaceOrAppend(id: string, node: HTMLElement): void {
  const old = document.getElementById(id);
  if (old) old.replaceWith(node);
  else app.append(node);
}

function renderDiagnosis(diagnosis: Diagnosis): void {
  const list = el('ul', { className: 'checks', id: 'checks' });
  for (const check of diagnosis.checks) {
    const item = el('li', { className: check.status, textContent: `${check.title}${check.detail ? ': ' + check.detail : ''}` });
    if (check.error) item.append(el('span', { className: 'fix', textContent: [check.error.message, check.error.hint].filter(Boolean).join(' ') }));
    item.dataset.check = check.id;
    list.append(item);
  }
  replaceOrAppend('checks', list);
}

function renderFailure(error: AppError): void {
  const box = el('p', { id: 'status', role: 'alert', className: 'error', textContent: [error.message, error.hint].filter(Boolean).join(' ') });
  replaceOrAppend('status', box);
}

function renderStatus(text: string): void {
  const box = el('p', { id: 'status', role: 'status', textContent: text });
  replaceOrAppend('status', box);
}

async function testConnection(): Promise<void> {
  const draft = readDraft();
  if (!draft) return;
  renderStatus('Testing the connection…');
  const result = await window.cosSync.testConnection({ ...draft, profile: draft.profile as never, bucket: draft.profile.bucket });
  if (!result.ok) return renderFailure(result.error);
  renderStatus(result.value.ok ? 'All checks passed.' : 'Some checks failed: see below.');
  renderDiagnosis(result.value);
}

async function listBuckets(): Promise<void> {
  const draft = readDraft();
  if (!draft) return;
  const result = await window.cosSync.listBuckets({ ...draft, profile: draft.profile as never });
  if (!result.ok) return renderFailure(result.error);
  const list = document.getElementById('bucket-list') as HTMLDataListElement;
  list.replaceChildren(...result.value.buckets.map((b) => el('option', { value: b.name })));
  const elsewhere = result.value.elsewhere.length;
  renderStatus(`${result.value.buckets.length} bucket(s) in this region${elsewhere ? `; ${elsewhere} in other regions` : ''}.`);
}

async function save(event: Event): Promise<void> {
  event.preventDefault();
  const draft = readDraft();
  if (!draft) return;
  const result = await window.cosSync.saveProfile({ ...draft, profile: draft.profile as never });
  if (!result.ok) return renderFailure(result.error);
  (document.getElementById('secret') as HTMLInputElement).value = '';
  renderStatus(`Saved profile "${result.value.profile.name}".`);
}

async function start(): Promise<void> {
  app.append(el('h1', { textContent: 'COS Sync: connection' }));
  const form = buildForm();
  form.addEventListener('submit', (event) => void save(event));
  app.append(form);
  const profiles = await window.cosSync.listProfiles();
  if (profiles.ok && profiles.value[0]) fill(profiles.value[0].profile);
}

function fill(profile: ConnectionProfileInput): void {
  for (const [key, val] of Object.entries(profile)) {
    const input = document.getElementById(key) as HTMLInputElement | null;
    if (input && typeof val === 'string') input.value = val;
  }
}

void start();
