// Recent activity: one line per item with its outcome and reason (and the error's fix), newest first,
// filterable by outcome and by file name.
import { OUTCOME_KINDS, type OutcomeView } from '../../shared/ipc/sync-view.js';
import { el, errorText, txt } from '../dom.js';
import { sayOr } from '../engine-text.js';
import { formatTime, onLocaleChange, t, trAttr } from '../i18n.js';
import type { StringKey } from '../strings-en.js';

const PROBLEMS = new Set(['failed', 'refused', 'deferred']);
/** Per-file actions for a line (built by file-actions.ts); `describedBy` is the id of the line's key. */
export type LineActions = (item: OutcomeView, describedBy: string) => HTMLElement | undefined;
let lineIds = 0;
const SHOWN = 200;

export class ActivityView {
  readonly node: HTMLElement;
  readonly #list = el('ol', { id: 'activity-list', className: 'activity' });
  readonly #kind: HTMLSelectElement;
  readonly #search: HTMLInputElement;
  #items: OutcomeView[] = [];
  #signature = '';

  constructor(private readonly pathOf: (pairId: string) => string, private readonly actionsFor?: LineActions) {
    this.#kind = el('select', { id: 'activity-filter' }, [
      txt('option', 'activity.filter.all', { value: '' }),
      txt('option', 'activity.filter.problems', { value: 'problems' }),
      ...OUTCOME_KINDS.map((kind) => txt('option', `outcome.${kind}` as StringKey, { value: kind })),
    ]);
    this.#search = el('input', { id: 'activity-search', type: 'search', autocomplete: 'off' });
    trAttr(this.#search, 'aria-label', 'activity.search');
    trAttr(this.#search, 'placeholder', 'activity.search');
    this.#kind.addEventListener('change', () => this.#draw(true));
    this.#search.addEventListener('input', () => this.#draw(true));
    const stop = onLocaleChange(() => (this.node.isConnected ? this.#draw(true) : stop()));
    this.node = el('section', { id: 'activity', 'aria-labelledby': 'activity-title' }, [
      txt('h2', 'activity.title', { id: 'activity-title' }),
      el('div', { className: 'row filters' }, [txt('label', 'activity.filter', { htmlFor: 'activity-filter' }), this.#kind, this.#search]),
      this.#list,
    ]);
  }

  update(items: OutcomeView[]): void {
    this.#items = items;
    this.#draw(false);
  }

  #matches(item: OutcomeView): boolean {
    const kind = this.#kind.value;
    const search = this.#search.value.trim().toLowerCase();
    if (kind === 'problems' ? !PROBLEMS.has(item.kind) : kind && item.kind !== kind) return false;
    return !search || item.key.toLowerCase().includes(search);
  }

  #draw(force: boolean): void {
    const shown = this.#items.filter((item) => this.#matches(item)).slice(-SHOWN).reverse();
    const signature = `${this.#items.length}:${shown.length}:${shown[0]?.atMs ?? ''}`;
    if (!force && signature === this.#signature) return;
    this.#signature = signature;
    if (shown.length === 0) return void this.#list.replaceChildren(txt('li', 'activity.empty', { className: 'muted' }));
    this.#list.replaceChildren(...shown.map((item) => this.#line(item)));
  }

  #line(item: OutcomeView): HTMLElement {
    const outcome = t(`outcome.${item.kind}` as StringKey);
    const line = el('li', { className: `outcome ${item.kind}`, 'data-kind': item.kind, 'data-key': item.key }, [
      el('time', { dateTime: new Date(item.atMs).toISOString(), textContent: formatTime(item.atMs) }),
      el('span', { className: 'kind', textContent: outcome }),
      el('span', { className: 'key', textContent: item.key, id: `activity-key-${++lineIds}` }),
      el('span', { className: 'reason', textContent: sayOr(item.why, item.reason) }),
    ]);
    line.title = this.pathOf(item.pairId);
    if (item.error) line.append(el('span', { className: 'fix', textContent: errorText(item.error) }));
    const actions = this.actionsFor?.(item, `activity-key-${lineIds}`);
    if (actions) line.append(actions);
    return line;
  }
}
