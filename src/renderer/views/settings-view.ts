// The connection screen (first-run setup, new and edit): Test connection shows the diagnosis checklist with
// each failed line's fix; Save works without a passing test but says what failed; buckets are listed and created.
import type { Diagnosis } from '../../shared/diagnosis.js';
import type { ProfileSummary } from '../../shared/ipc/contract.js';
import { PROVIDERS } from '../../shared/providers.js';
import { el, errorText, replace, statusLine, txt, type Message } from '../dom.js';
import { tr } from '../i18n.js';
import { live, say as sayMsg, sayOr } from '../engine-text.js';
import { msg } from '../../shared/messages.js';
import type { StringKey } from '../strings-en.js';
import { applyProvider, buildSettingsForm } from './settings-form.js';
import { checkBucket, fillForm, pickCosRegion, providerOf, readDraft, syncFromEndpoint, syncToEndpoint, updateResolution, type Draft } from './settings-draft.js';

export interface SettingsScreen {
  /** The profile being edited; absent for a new one. */
  editing?: ProfileSummary;
  firstRun: boolean;
  onSaved(summary: ProfileSummary, message: Message): void;
  onCancel?: () => void;
}

/** The last diagnosis and the draft it was made for, so Save can say whether that draft failed. */
let lastTest: { signature: string; diagnosis: Diagnosis } | undefined;
const signatureOf = (draft: Draft) => JSON.stringify(draft);

function say(view: HTMLElement, message: Message, kind: 'status' | 'alert' = 'status'): void {
  replace('setup-status', statusLine('setup-status', message, kind), view);
}

function renderDiagnosis(view: HTMLElement, diagnosis: Diagnosis): void {
  const list = el('ol', { className: 'checks', id: 'checks' });
  for (const check of diagnosis.checks) {
    const item = el('li', { className: `check ${check.status}`, 'data-check': check.id });
    item.append(el('span', { className: 'mark', 'aria-hidden': 'true', textContent: MARKS[check.status] }),
      txt('span', `checkStatus.${check.status}` as StringKey, { className: 'visually-hidden' }),
      live(el('span', { className: 'title' }), () => sayMsg(msg(`check.${check.id}`))));
    if (check.detail) item.append(live(el('span', { className: 'detail' }), () => `: ${sayOr(check.i18n?.detail, check.detail ?? '')}`));
    if (check.error) item.append(el('span', { className: 'fix' }, [txt('strong', 'checks.fix'), live(el('span'), () => ` ${errorText(check.error)}`)]));
    list.append(item);
  }
  const section = el('section', { id: 'diagnosis', 'aria-labelledby': 'checks-title' }, [txt('h3', 'checks.title', { id: 'checks-title' }), list]);
  replace('diagnosis', section, view);
}

const MARKS = { pass: '✔', fail: '✘', warn: '!', skip: '–' } as const;

async function testConnection(view: HTMLElement): Promise<void> {
  const draft = readDraft();
  if (!draft) return;
  say(view, { key: 'status.testing' });
  const result = await window.cosSync.testConnection({ ...draft, profile: draft.profile as never, bucket: draft.profile.bucket });
  if (!result.ok) return say(view, () => errorText(result.error), 'alert');
  lastTest = { signature: signatureOf(draft), diagnosis: result.value };
  say(view, { key: result.value.ok ? 'status.allPassed' : 'status.someFailed' }, result.value.ok ? 'status' : 'alert');
  renderDiagnosis(view, result.value);
}

async function listBuckets(view: HTMLElement): Promise<void> {
  const draft = readDraft();
  if (!draft) return;
  const result = await window.cosSync.listBuckets({ ...draft, profile: draft.profile as never });
  if (!result.ok) return say(view, () => errorText(result.error), 'alert');
  const choice = document.getElementById('bucketChoice') as HTMLSelectElement;
  const names = result.value.buckets.map((b) => b.name);
  choice.replaceChildren(txt('option', 'bucketChoice.pick', { value: '' }), ...names.map((name) => el('option', { value: name, textContent: name })));
  choice.disabled = false;
  choice.value = names.includes(draft.profile.bucket ?? '') ? draft.profile.bucket! : '';
  const elsewhere = result.value.elsewhere.length;
  say(view, { key: elsewhere ? 'status.bucketsElsewhere' : 'status.buckets', vars: { count: names.length, elsewhere } });
}

async function createBucket(view: HTMLElement): Promise<void> {
  const draft = readDraft();
  if (!draft?.profile.bucket) return;
  const result = await window.cosSync.createBucket({ ...draft, profile: draft.profile as never, bucket: draft.profile.bucket });
  if (!result.ok) return say(view, () => errorText(result.error), 'alert');
  say(view, { key: 'status.bucketCreated', vars: { bucket: result.value.bucket, region: result.value.region } });
}

/** What Save says: saved, and whether the draft's last test failed (and on what) or was never run. */
function savedMessage(name: string, draft: Draft): Message {
  if (!lastTest || lastTest.signature !== signatureOf(draft)) return { key: 'status.savedUntested', vars: { name } };
  const failed = lastTest.diagnosis.checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) return { key: 'status.saved', vars: { name } };
  const checks = failed.map((c) => [sayMsg(msg(`check.${c.id}`)), errorText(c.error)].filter(Boolean).join(': ')).join('; ');
  return { key: 'status.savedFailed', vars: { name, checks } };
}

async function save(view: HTMLElement, screen: SettingsScreen): Promise<void> {
  const draft = readDraft();
  if (!draft) return;
  const previousName = screen.editing?.profile.name;
  const result = await window.cosSync.saveProfile({ ...draft, profile: draft.profile as never, ...(previousName ? { previousName } : {}) });
  if (!result.ok) return say(view, () => errorText(result.error), 'alert');
  (document.getElementById('secret') as HTMLInputElement).value = '';
  screen.onSaved(result.value, savedMessage(result.value.profile.name, draft));
}

function heading(screen: SettingsScreen): HTMLElement[] {
  const key: StringKey = screen.firstRun ? 'setup.firstRun.title' : screen.editing ? 'setup.edit.title' : 'setup.new.title';
  const title = txt('h2', key, { id: 'screen-title', tabindex: '-1' }, screen.editing ? { name: screen.editing.profile.name } : undefined);
  return screen.firstRun ? [title, txt('p', 'setup.firstRun.intro', { className: 'intro' })] : [title];
}

export function renderSettings(view: HTMLElement, screen: SettingsScreen): void {
  lastTest = undefined;
  const form = buildSettingsForm({
    onProviderChange: () => (applyProvider(providerOf()), syncFromEndpoint()),
    onEndpointChange: syncFromEndpoint,
    onCosRegion: pickCosRegion,
    onRegionChange: updateResolution,
    onBucketInput: () => void checkBucket(),
    onBucketChoice: () => {
      const chosen = (document.getElementById('bucketChoice') as HTMLSelectElement).value;
      if (chosen) (document.getElementById('bucket') as HTMLInputElement).value = chosen;
      checkBucket();
    },
    onProtocolOrPort: syncToEndpoint,
    listBuckets: () => void listBuckets(view),
    createBucket: () => void createBucket(view),
    test: () => void testConnection(view),
    ...(screen.onCancel ? { cancel: screen.onCancel } : {}),
  });
  form.addEventListener('submit', (event) => (event.preventDefault(), void save(view, screen)));
  view.replaceChildren(...heading(screen), form);
  applyProvider('cos');
  if (screen.editing) {
    fillForm(screen.editing.profile);
    applyProvider(screen.editing.profile.provider);
    if (screen.editing.hasSecret) tr(document.getElementById('secret-hint')!, 'hint.secret.stored');
  }
  updateResolution();
}

export const providerLabel = (id: keyof typeof PROVIDERS) => PROVIDERS[id].label;
