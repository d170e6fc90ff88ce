// A folder pair's settings, opened from its card: delete policy, upload bandwidth limit, files at once, and the
// folder's `.cossyncignore` rules. The bucket and prefix are shown but fixed: a pair's synced state belongs to
// its target, so a new target is a new pair (remove the folder, add it again). Errors show next to the field.
import type { PairView } from '../../shared/ipc/contract.js';
import { DELETE_POLICIES, type DeletePolicy } from '../../shared/pair.js';
import { formatRate, MAX_TRANSFERS, parseRate } from '../../shared/pair-edit.js';
import type { AppError } from '../../shared/result.js';
import { button, el, errorText, field, replace, select, showError, statusLine, txt, type Message } from '../dom.js';
import { t } from '../i18n.js';
import type { StringKey } from '../strings-en.js';

const FIELDS = ['deletePolicy', 'bwlimit', 'transfers', 'ignoreRules', 'bucket', 'prefix'] as const;

/** Builds the form for `view`; `close` is called after Cancel or a successful save. */
export function buildPairEdit(view: PairView, prefix: string, close: (saved: boolean) => void): HTMLElement {
  const id = (name: string) => `${prefix}-${name}`;
  const pair = view.pair;
  const target = el('input', { id: id('target'), readonly: 'readonly', value: `${pair.bucket}/${pair.prefix}` });
  const policy = select(id('deletePolicy'), DELETE_POLICIES.map((p) => [p, `policy.${p}` as StringKey]));
  policy.value = pair.deletePolicy;
  const bwlimit = el('input', { id: id('bwlimit'), autocomplete: 'off', spellcheck: 'false', inputmode: 'decimal', value: formatRate(pair.bandwidthLimit) });
  const transfers = el('input', { id: id('transfers'), type: 'number', min: '1', max: String(MAX_TRANSFERS), step: '1', value: String(pair.fileConcurrency) });
  const rules = el('textarea', { id: id('ignoreRules'), rows: '6', spellcheck: 'false', className: 'rules' });
  rules.disabled = true;
  let loadedRules: string | undefined;
  void window.cosSync.readIgnoreRules({ id: pair.id }).then((result) => {
    rules.disabled = false;
    if (result.ok) rules.value = loadedRules = result.value.text;
    else showFieldError(id('ignoreRules'), result.error);
  });
  const save = txt('button', 'button.save', { type: 'submit', id: id('save'), className: 'primary' });
  const cancel = button(id('cancel'), 'button.cancel', () => close(false));
  const form = el('form', { id: id('form'), className: 'pair-edit', noValidate: true, 'aria-labelledby': id('title') }, [
    txt('h4', 'pairEdit.title', { id: id('title') }),
    field(id('target'), 'field.target', target, 'hint.targetFixed'),
    field(id('deletePolicy'), 'field.deletePolicy', policy),
    field(id('bwlimit'), 'field.bwlimit', bwlimit, 'hint.bwlimit'),
    field(id('transfers'), 'field.transfers', transfers, 'hint.transfers', { max: MAX_TRANSFERS }),
    field(id('ignoreRules'), 'field.ignoreRules', rules, 'hint.ignoreRules'),
    el('div', { className: 'actions' }, [save, cancel]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  async function submit(): Promise<void> {
    [...FIELDS, 'target'].forEach((name) => clearError(id(name)));
    const rate = parseRate(bwlimit.value);
    const files = Number(transfers.value);
    const badFiles = !Number.isInteger(files) || files < 1 || files > MAX_TRANSFERS;
    if (rate === undefined) showLocalError(id('bwlimit'), 'pairEdit.bwlimitInvalid', { value: bwlimit.value.trim() });
    if (badFiles) showLocalError(id('transfers'), 'pairEdit.transfersInvalid', { max: MAX_TRANSFERS });
    if (rate === undefined || badFiles) return focusInvalid(form);
    const changes = { id: pair.id, deletePolicy: policy.value as DeletePolicy, bandwidthLimit: rate, fileConcurrency: files };
    const updated = await window.cosSync.updatePair(changes);
    if (!updated.ok) return failed(updated.error, 'deletePolicy');
    if (loadedRules !== undefined && rules.value !== loadedRules) {
      const saved = await window.cosSync.saveIgnoreRules({ id: pair.id, text: rules.value });
      if (!saved.ok) return failed(saved.error, 'ignoreRules');
      rules.value = loadedRules = saved.value.text;
    }
    close(true);
  }

  /** A refusal from the main process: next to its field, or under the form. */
  function failed(error: AppError, fallback: (typeof FIELDS)[number]): void {
    const name = FIELDS.find((f) => f === error.field) ?? fallback;
    const shown = name === 'bucket' || name === 'prefix' ? 'target' : name;
    showFieldError(id(shown), error);
    replace(id('status'), statusLine(id('status'), () => errorText(error), 'alert'), form);
    focusInvalid(form);
  }

  return form;
}

/** The error box of a field (showError keeps it in the chosen language). */
const showFieldError = (fieldId: string, error: AppError): void => showError(fieldId, error);
const clearError = (fieldId: string): void => showError(fieldId, undefined);
const showLocalError = (fieldId: string, key: StringKey, vars: Record<string, string | number>): void => showError(fieldId, () => t(key, vars));

function focusInvalid(form: HTMLElement): void {
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

export const savedMessage = (view: PairView): Message => ({ key: 'status.pairSaved', vars: { path: view.pair.localPath } });
