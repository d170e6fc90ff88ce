// The bucket's trash of one folder pair: what deletions moved there (original name, when, size, why), a filter,
// check boxes for files and whole folders, and Restore, which puts them back in the bucket and the folder.
import type { PairView, RestoreOutcomeView, TrashEntryView } from '../../shared/ipc/contract.js';
import { button, el, errorText, replace, statusLine, txt, type Message } from '../dom.js';
import { formatBytes, onLocaleChange, t, tr, trAttr } from '../i18n.js';
import { live, sayOr } from '../engine-text.js';

export interface TrashScreen {
  pair: PairView;
  onBack: () => void;
}

/** Folders of the trashed files (`a/`, `a/b/`), each with how many distinct files were under it. */
function foldersOf(entries: readonly TrashEntryView[]): [string, number][] {
  const files = new Map<string, Set<string>>();
  for (const e of entries) {
    const parts = e.originalKey.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const folder = `${parts.slice(0, i).join('/')}/`;
      files.set(folder, (files.get(folder) ?? new Set()).add(e.originalKey));
    }
  }
  return [...files].map(([folder, keys]) => [folder, keys.size] as [string, number]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const formatWhen = (ms: number) => new Intl.DateTimeFormat(document.documentElement.lang || 'en', { dateStyle: 'medium', timeStyle: 'short' }).format(ms);

export class TrashView {
  readonly #view: HTMLElement;
  readonly #pair: PairView;
  readonly #search = el('input', { id: 'trash-search', type: 'search', autocomplete: 'off' });
  readonly #all = el('input', { id: 'trash-all', type: 'checkbox' });
  readonly #list = el('div', { id: 'trash-list' });
  readonly #count = el('span', { id: 'trash-count', className: 'muted', 'aria-live': 'polite' });
  readonly #restore: HTMLButtonElement;
  #entries: TrashEntryView[] = [];
  readonly #chosen = new Set<string>();

  constructor(view: HTMLElement, screen: TrashScreen) {
    this.#view = view;
    this.#pair = screen.pair;
    const { localPath, bucket, prefix } = screen.pair.pair;
    trAttr(this.#search, 'aria-label', 'trash.search');
    trAttr(this.#search, 'placeholder', 'trash.search');
    this.#search.addEventListener('input', () => this.#draw());
    this.#all.addEventListener('change', () => this.#selectShown(this.#all.checked));
    this.#restore = button('trash-restore', 'button.restore', () => void this.#restoreChosen(), { className: 'primary', disabled: true });
    const head = el('div', { id: 'trash-head' }, [
      txt('h2', 'trash.title', { id: 'screen-title', tabindex: '-1' }),
      tr(el('p', { className: 'target' }), 'trash.of', { path: localPath, bucket, prefix }),
      txt('p', 'trash.intro', { className: 'muted' }),
    ]);
    const tools = el('div', { className: 'row filters' }, [
      this.#search,
      el('span', { className: 'row' }, [this.#all, txt('label', 'trash.selectShown', { htmlFor: 'trash-all' })]),
    ]);
    const actions = el('div', { className: 'row' }, [this.#restore, this.#count, button('trash-back', 'button.back', screen.onBack)]);
    view.replaceChildren(head, tools, this.#list, actions, this.#emptyBlock());
    const stop = onLocaleChange(() => (view.contains(this.#list) ? this.#draw() : stop()));
  }

  async load(): Promise<void> {
    this.#say({ key: 'trash.loading' });
    const listed = await window.cosSync.listTrash({ id: this.#pair.pair.id });
    document.getElementById('trash-status')?.remove();
    if (!listed.ok) return this.#say(errorText(listed.error), 'alert');
    this.#entries = listed.value;
    const present = new Set([...this.#entries.map((e) => e.trashKey), ...foldersOf(this.#entries).map(([f]) => f)]);
    for (const item of [...this.#chosen]) if (!present.has(item)) this.#chosen.delete(item);
    this.#draw();
  }

  #say(message: Message, kind: 'status' | 'alert' = 'status'): void {
    replace('trash-status', statusLine('trash-status', message, kind), this.#view.querySelector('#trash-head') as HTMLElement);
  }

  #filter(): string {
    return this.#search.value.trim().toLowerCase();
  }

  #shown(): { folders: [string, number][]; files: TrashEntryView[] } {
    const q = this.#filter();
    return {
      folders: foldersOf(this.#entries).filter(([f]) => !q || f.toLowerCase().includes(q)),
      files: this.#entries.filter((e) => !q || e.originalKey.toLowerCase().includes(q)),
    };
  }

  #draw(): void {
    const { folders, files } = this.#shown();
    if (this.#entries.length === 0) this.#list.replaceChildren(txt('p', 'trash.empty', { id: 'trash-empty' }));
    else if (folders.length + files.length === 0) this.#list.replaceChildren(txt('p', 'trash.noMatch', { className: 'muted' }));
    else {
      this.#list.replaceChildren(
        ...(folders.length ? [this.#group('folders', 'trash.folders', folders.map(([f, n], i) => this.#folderRow(f, n, i)))] : []),
        ...(files.length ? [this.#group('files', 'trash.files', files.map((e, i) => this.#fileRow(e, i)))] : []),
      );
    }
    this.#update();
  }

  #group(id: string, titleKey: 'trash.folders' | 'trash.files', rows: HTMLElement[]): HTMLElement {
    return el('fieldset', { className: 'trash-group', id: `trash-${id}` }, [txt('legend', titleKey), el('ul', { className: 'trash-items' }, rows)]);
  }

  #checkbox(id: string, item: string): HTMLInputElement {
    const box = el('input', { type: 'checkbox', id, 'data-item': item, checked: this.#chosen.has(item) });
    box.addEventListener('change', () => {
      if (box.checked) this.#chosen.add(item);
      else this.#chosen.delete(item);
      this.#update();
    });
    return box;
  }

  #folderRow(folder: string, count: number, index: number): HTMLElement {
    const id = `trash-folder-${index}`;
    return el('li', { className: 'trash-item folder', 'data-folder': folder }, [
      this.#checkbox(id, folder), tr(el('label', { htmlFor: id, className: 'key' }), 'trash.folderItem', { folder, count }),
    ]);
  }

  #fileRow(entry: TrashEntryView, index: number): HTMLElement {
    const id = `trash-file-${index}`;
    const details = el('div', { className: 'trash-details muted', id: `${id}-details` }, [
      el('span', { textContent: t('trash.when', { when: formatWhen(entry.trashedAtMs) }) }),
      el('span', { textContent: formatBytes(entry.size) }),
      entry.reason ? live(el('span', { className: 'reason' }), () => sayOr(entry.why, entry.reason ?? '')) : txt('span', 'trash.otherComputer', { className: 'reason' }),
    ]);
    const box = this.#checkbox(id, entry.trashKey);
    box.setAttribute('aria-describedby', `${id}-details`);
    return el('li', { className: 'trash-item file', 'data-key': entry.originalKey, 'data-trash-key': entry.trashKey }, [
      box, el('label', { htmlFor: id, className: 'key', textContent: entry.originalKey }), details,
    ]);
  }

  #selectShown(on: boolean): void {
    const { folders, files } = this.#shown();
    for (const item of [...folders.map(([f]) => f), ...files.map((e) => e.trashKey)]) {
      if (on) this.#chosen.add(item);
      else this.#chosen.delete(item);
    }
    this.#draw();
  }

  #update(): void {
    this.#restore.disabled = this.#chosen.size === 0;
    tr(this.#count, 'trash.selected', { count: this.#chosen.size });
    const { folders, files } = this.#shown();
    const shown = [...folders.map(([f]) => f), ...files.map((e) => e.trashKey)];
    this.#all.checked = shown.length > 0 && shown.every((item) => this.#chosen.has(item));
    this.#all.disabled = shown.length === 0;
  }

  async #restoreChosen(): Promise<void> {
    const items = [...this.#chosen];
    this.#restore.disabled = true;
    this.#say({ key: 'trash.restoring', vars: { count: items.length } });
    const result = await window.cosSync.restoreTrash({ id: this.#pair.pair.id, items });
    if (!result.ok) {
      this.#restore.disabled = false;
      return this.#say(errorText(result.error), 'alert');
    }
    this.#chosen.clear();
    await this.load();
    this.#report(result.value);
  }

  /** Deleting old items for good: a number of days, then a confirmation that says how many go. */
  #emptyBlock(): HTMLElement {
    const days = el('input', { id: 'trash-days', type: 'number', min: '0', max: '36500', step: '1', value: '30', inputmode: 'numeric' });
    const go = button('trash-empty-old', 'button.emptyTrash', () => this.#confirmEmpty(days.value), { className: 'danger' });
    return el('details', { id: 'trash-old' }, [
      txt('summary', 'trash.emptyTitle'),
      el('div', { className: 'row' }, [txt('label', 'trash.emptyDays', { htmlFor: 'trash-days' }), days, go]),
    ]);
  }

  #confirmEmpty(text: string): void {
    document.getElementById('trash-empty-confirm')?.remove();
    document.getElementById('trash-status')?.remove();
    const days = Number(text);
    if (text.trim() === '' || !Number.isInteger(days) || days < 0) return this.#say({ key: 'trash.emptyBadDays' }, 'alert');
    const count = this.#entries.filter((e) => e.trashedAtMs <= Date.now() - days * 86_400_000).length;
    if (count === 0) return this.#say({ key: 'trash.emptyNone', vars: { days } });
    const box = el('div', { className: 'confirm', id: 'trash-empty-confirm', role: 'group', 'aria-labelledby': 'trash-empty-confirm-text' }, [
      txt('p', 'trash.emptyConfirm', { id: 'trash-empty-confirm-text' }, { count, days }),
    ]);
    const yes = button('trash-empty-yes', 'button.confirmEmpty', () => void this.#empty(days, box), { className: 'danger' });
    const no = button('trash-empty-no', 'button.cancel', () => box.remove());
    box.append(el('div', { className: 'row' }, [yes, no]));
    document.getElementById('trash-old')?.append(box);
    no.focus();
  }

  async #empty(days: number, box: HTMLElement): Promise<void> {
    box.remove();
    const result = await window.cosSync.emptyTrash({ id: this.#pair.pair.id, olderThanDays: days, confirm: true });
    if (!result.ok) return this.#say(errorText(result.error), 'alert');
    await this.load();
    this.#say({ key: 'trash.emptied', vars: { count: result.value.deleted } });
  }

  /** What came back where, with the notes (restored beside a taken name, bucket only) and any failure. */
  #report(outcomes: RestoreOutcomeView[]): void {
    const failed = outcomes.filter((o) => o.error);
    const line = statusLine('trash-summary', { key: 'trash.restored', vars: { done: outcomes.length - failed.length, count: outcomes.length } }, failed.length ? 'alert' : 'status');
    const lines = outcomes.map((o) => {
      const line = el('li', { 'data-key': o.originalKey, className: o.error ? 'failed' : 'restored' });
      if (o.error) {
        const error = o.error;
        live(line, () => `${o.originalKey}: ${errorText(error)}`);
      }
      else {
        line.append(tr(el('span'), 'trash.restoredItem', { from: o.originalKey, to: o.restoredKey ?? '' }));
        if (!o.inFolder) line.append(' ', txt('span', 'trash.bucketOnly'));
        if (o.note) line.append(' ', live(el('span', { className: 'note' }), () => sayOr(o.why, o.note ?? '')));
      }
      return line;
    });
    // The list sits beside the status line, not in it: a language switch rewrites the line's text.
    const box = el('div', { id: 'trash-status' }, [line, el('ul', { id: 'trash-restored' }, lines)]);
    replace('trash-status', box, this.#view.querySelector('#trash-head') as HTMLElement);
  }
}

export function renderTrash(view: HTMLElement, screen: TrashScreen): void {
  void new TrashView(view, screen).load();
}
