// Adding a folder pair: the folder (the system picker, or typed), the connection, the bucket, the bucket
// prefix (the folder's name unless changed) and what happens to files deleted in the folder (trash by default).
import type { PairView, ProfileSummary } from '../../shared/ipc/contract.js';
import { DELETE_POLICIES } from '../../shared/pair.js';
import { button, el, errorText, field, msg, replace, select, showError, statusLine, txt, value } from '../dom.js';
import type { StringKey } from '../strings-en.js';

const baseName = (folder: string) => folder.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';

export function buildAddPair(profiles: ProfileSummary[], onAdded: (view: PairView) => void): HTMLElement {
  const folder = el('input', { id: 'localPath', autocomplete: 'off', spellcheck: 'false' });
  const prefix = el('input', { id: 'prefix', autocomplete: 'off', spellcheck: 'false' });
  let prefixTouched = false;
  prefix.addEventListener('input', () => (prefixTouched = prefix.value !== ''));
  const followFolder = () => {
    if (!prefixTouched) prefix.value = baseName(folder.value.trim());
  };
  folder.addEventListener('input', followFolder);
  const choose = button('choose-folder', 'button.chooseFolder', () => void chooseFolder(folder, followFolder));
  const profile = el('select', { id: 'pairProfile' }, profiles.map((p) => el('option', { value: p.profile.name, textContent: p.profile.name })));
  const bucket = el('input', { id: 'pairBucket', autocomplete: 'off', spellcheck: 'false', value: profiles[0]?.profile.bucket ?? '' });
  profile.addEventListener('change', () => {
    bucket.value = profiles.find((p) => p.profile.name === profile.value)?.profile.bucket ?? '';
  });
  const policy = select('deletePolicy', DELETE_POLICIES.map((p) => [p, `policy.${p}` as StringKey]));
  const form = el('form', { id: 'add-pair', noValidate: true, 'aria-labelledby': 'add-pair-title' }, [
    field('localPath', 'field.localPath', el('div', { className: 'row' }, [folder, choose])),
    field('pairProfile', 'field.pairProfile', profile),
    field('pairBucket', 'field.pairBucket', bucket),
    field('prefix', 'field.prefix', prefix, 'hint.prefix'),
    field('deletePolicy', 'field.deletePolicy', policy),
    el('div', { className: 'actions' }, [txt('button', 'button.addPair', { type: 'submit', id: 'add-pair-submit', className: 'primary' })]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void addPair(form, () => (prefixTouched = false), onAdded);
  });
  return el('section', { id: 'add-pair-section', 'aria-labelledby': 'add-pair-title' }, [txt('h2', 'pair.add.title', { id: 'add-pair-title' }), form]);
}

async function chooseFolder(folder: HTMLInputElement, followFolder: () => void): Promise<void> {
  const result = await window.cosSync.chooseFolder();
  if (!result.ok) return showError('localPath', result.error);
  if (!result.value.path) return;
  folder.value = result.value.path;
  followFolder();
  folder.focus();
}

async function addPair(form: HTMLFormElement, reset: () => void, onAdded: (view: PairView) => void): Promise<void> {
  const localPath = value('localPath');
  showError('localPath', localPath ? undefined : msg('pair.folderRequired'));
  if (!localPath) return;
  const result = await window.cosSync.addPair({
    localPath,
    profile: value('pairProfile'),
    bucket: value('pairBucket'),
    prefix: value('prefix') || undefined,
    deletePolicy: value('deletePolicy') as (typeof DELETE_POLICIES)[number],
  });
  if (!result.ok) return replace('add-pair-status', statusLine('add-pair-status', () => errorText(result.error), 'alert'), form);
  form.reset();
  reset();
  const profileSelect = document.getElementById('pairProfile') as HTMLSelectElement;
  profileSelect.dispatchEvent(new Event('change'));
  replace('add-pair-status', statusLine('add-pair-status', { key: 'status.pairAdded', vars: { path: result.value.pair.localPath } }), form);
  onAdded(result.value);
}
