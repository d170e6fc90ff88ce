// The connection form, in the order and words of Tencent Cloud's guide to S3-compatible applications:
// Provider, Service endpoint, Access key, Secret key, Region, Bucket; then the guide's advanced items.
import { PROVIDERS, type ProviderId } from '../../shared/providers.js';
import { COS_REGIONS, cosRegionLabel } from '../cos-regions.js';
import { button, el, field, select, txt } from '../dom.js';
import { locale, onLocaleChange, tr, trAttr } from '../i18n.js';
import type { StringKey } from '../strings-en.js';

/** The guide's provider list: Tencent COS first, then the others, generic S3-compatible last. */
export const PROVIDER_CHOICES: ProviderId[] = ['cos', 'aws', 'r2', 'b2', 'wasabi', 'oss', 's3'];

export interface FormHandlers {
  onProviderChange(): void;
  onEndpointChange(): void;
  onCosRegion(region: string): void;
  onRegionChange(): void;
  onBucketInput(): void;
  onBucketChoice(): void;
  onProtocolOrPort(): void;
  listBuckets(): void;
  createBucket(): void;
  test(): void;
  cancel?: () => void;
}

function providerSelect(): HTMLSelectElement {
  return select('provider', PROVIDER_CHOICES.map((id) => [id, `provider.${id}` as StringKey]));
}

function cosRegionSelect(handlers: FormHandlers): HTMLSelectElement {
  const picker = el('select', { id: 'cosRegion' });
  trAttr(picker, 'aria-label', 'field.cosRegion');
  const fillOptions = () => {
    const chosen = picker.value;
    picker.replaceChildren(txt('option', 'cosRegion.choose', { value: '' }),
      ...COS_REGIONS.map(([id, name, zh]) => el('option', { value: id, textContent: cosRegionLabel(id, name, zh, locale()) })));
    picker.value = chosen;
  };
  fillOptions();
  const stop = onLocaleChange(() => (picker.isConnected ? fillOptions() : stop()));
  picker.addEventListener('change', () => picker.value && handlers.onCosRegion(picker.value));
  return picker;
}

function endpointField(handlers: FormHandlers): HTMLElement {
  const input = el('input', { id: 'endpoint', autocomplete: 'off', spellcheck: 'false', placeholder: 'cos.ap-guangzhou.myqcloud.com' });
  input.addEventListener('change', handlers.onEndpointChange);
  const row = el('div', { className: 'row' }, [cosRegionSelect(handlers), input]);
  const node = field('endpoint', 'field.endpoint', row, 'hint.endpoint.cos');
  node.querySelector('.control')?.append(el('div', { id: 'endpoint-note', className: 'note' }));
  return node;
}

function secretField(): HTMLElement {
  const input = el('input', { id: 'secret', type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const toggle = txt('button', 'button.show', { type: 'button', id: 'secret-toggle', 'aria-pressed': 'false', 'aria-controls': 'secret' });
  trAttr(toggle, 'aria-label', 'aria.showSecret');
  toggle.addEventListener('click', () => {
    const shown = input.type === 'text';
    input.type = shown ? 'password' : 'text';
    toggle.setAttribute('aria-pressed', String(!shown));
    tr(toggle, shown ? 'button.show' : 'button.hide');
  });
  return field('secret', 'field.secret', el('div', { className: 'row' }, [input, toggle]), 'hint.secret');
}

function regionField(handlers: FormHandlers): HTMLElement {
  const mode = select('regionMode', [['auto', 'region.auto'], ['explicit', 'region.explicit']]);
  const input = el('input', { id: 'region', autocomplete: 'off', spellcheck: 'false', placeholder: 'ap-guangzhou', hidden: true });
  trAttr(input, 'aria-label', 'field.regionName');
  mode.addEventListener('change', () => {
    input.hidden = mode.value === 'auto';
    handlers.onRegionChange();
  });
  input.addEventListener('input', handlers.onRegionChange);
  const node = field('regionMode', 'field.region', el('div', { className: 'row' }, [mode, input]));
  input.setAttribute('aria-describedby', 'regionMode-hint regionMode-error');
  return node;
}

function bucketField(handlers: FormHandlers): HTMLElement {
  const input = el('input', { id: 'bucket', autocomplete: 'off', spellcheck: 'false', placeholder: 'examplebucket-1250000000' });
  input.addEventListener('input', handlers.onBucketInput);
  const choice = el('select', { id: 'bucketChoice', disabled: true }, [txt('option', 'bucketChoice.none', { value: '' })]);
  trAttr(choice, 'aria-label', 'field.bucketChoice');
  choice.addEventListener('change', handlers.onBucketChoice);
  const buttons = el('div', { className: 'row' }, [
    button('list-buckets', 'button.listBuckets', handlers.listBuckets),
    button('create-bucket', 'button.createBucket', handlers.createBucket),
  ]);
  return field('bucket', 'field.bucket', el('div', { className: 'stack' }, [input, choice, buttons]), 'hint.bucket.cos');
}

function advanced(handlers: FormHandlers): HTMLElement {
  const protocol = select('protocol', [['https', 'protocol.https'], ['http', 'protocol.http']]);
  const port = el('input', { id: 'port', inputmode: 'numeric', autocomplete: 'off', placeholder: '443' });
  protocol.addEventListener('change', handlers.onProtocolOrPort);
  port.addEventListener('change', handlers.onProtocolOrPort);
  const box = el('details', { id: 'advanced' }, [txt('summary', 'advanced')]);
  box.append(
    field('protocol', 'field.protocol', protocol),
    field('port', 'field.port', port, 'hint.port'),
    field('addressing', 'field.addressing', select('addressing', [['auto', 'addressing.auto'], ['virtual', 'addressing.virtual'], ['path', 'addressing.path']])),
    field('signature', 'field.signature', select('signature', [['v4', 'signature.v4'], ['v2', 'signature.v2']])),
    field('caFile', 'field.caFile', el('input', { id: 'caFile', autocomplete: 'off', spellcheck: 'false', placeholder: '/path/to/ca.pem' }), 'hint.caFile'),
    field('proxy', 'field.proxy', el('input', { id: 'proxy', autocomplete: 'off', spellcheck: 'false', placeholder: 'http://proxy:3128' }), 'hint.proxy'),
  );
  return box;
}

function actions(handlers: FormHandlers): HTMLElement {
  const row = el('div', { className: 'actions' }, [
    button('test', 'button.test', handlers.test),
    txt('button', 'button.save', { type: 'submit', id: 'save', className: 'primary' }),
  ]);
  if (handlers.cancel) row.append(button('cancel', 'button.cancel', handlers.cancel));
  return row;
}

export function buildSettingsForm(handlers: FormHandlers): HTMLFormElement {
  const form = el('form', { id: 'settings', noValidate: true });
  const provider = providerSelect();
  provider.addEventListener('change', handlers.onProviderChange);
  form.append(
    field('name', 'field.name', el('input', { id: 'name', value: 'default', required: true, autocomplete: 'off' }), 'hint.name'),
    field('provider', 'field.provider', provider),
    endpointField(handlers),
    field('accessKeyId', 'field.accessKeyId', el('input', { id: 'accessKeyId', autocomplete: 'off', spellcheck: 'false' }), 'hint.accessKeyId'),
    secretField(),
    regionField(handlers),
    bucketField(handlers),
    advanced(handlers),
    actions(handlers),
  );
  return form;
}

/** Shows the parts that only make sense for the chosen provider (the COS region picker, Create bucket). */
export function applyProvider(provider: ProviderId): void {
  const preset = PROVIDERS[provider];
  (document.getElementById('cosRegion') as HTMLElement).hidden = !preset.cosSemantics;
  (document.getElementById('create-bucket') as HTMLElement).hidden = !preset.canCreateBucket;
  const example = preset.endpointTemplate.replace('<region>', preset.fallbackRegion).replace(/^https:\/\//, '');
  (document.getElementById('endpoint') as HTMLInputElement).placeholder = example;
  tr(document.getElementById('endpoint-hint')!, preset.cosSemantics ? 'hint.endpoint.cos' : 'hint.endpoint.other', { example });
  tr(document.getElementById('bucket-hint')!, preset.cosSemantics ? 'hint.bucket.cos' : 'hint.bucket.other');
}
