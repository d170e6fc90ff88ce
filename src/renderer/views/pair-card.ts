// One folder pair at a glance: state, counts, transfers with progress bars, the error and what to do, and a
// held plan with Apply and Keep. Updated in place, so focus stays on the button the user is on.
import type { PairView } from '../../shared/ipc/contract.js';
import type { AppError } from '../../shared/result.js';
import { button, el, errorText, txt } from '../dom.js';
import { formatBytes, keyVar, t, tr } from '../i18n.js';
import { live, sayOr } from '../engine-text.js';
import { buildPairEdit } from './pair-edit.js';
import type { StringKey } from '../strings-en.js';
import type { Transfer } from '../store.js';

export interface PairActions {
  setPaused(view: PairView, paused: boolean): void;
  /** The settings form was saved. */
  edited(view: PairView): void;
  remove(view: PairView): void;
  apply(view: PairView): void;
  keep(view: PairView): void;
  /** Opens the bucket's trash of the pair. */
  openTrash?(view: PairView): void;
}

type Part = 'state' | 'counts' | 'lastRun' | 'problem' | 'held' | 'transfers' | 'policy' | 'limits';

export class PairCard {
  readonly node: HTMLElement;
  #view: PairView;
  readonly #parts: Record<Part, HTMLElement>;
  readonly #pause: HTMLButtonElement;
  readonly #settings: HTMLButtonElement;
  readonly #editor = el('div', { className: 'editor' });
  #signatures: Record<string, string> = {};

  constructor(view: PairView, readonly index: number, private readonly actions: PairActions) {
    this.#view = view;
    const id = `pair-${index}`;
    this.node = el('li', { className: 'card pair', 'data-pair': view.pair.localPath, 'aria-labelledby': `${id}-title` });
    this.#parts = {
      state: el('p', { className: 'state', id: `${id}-state` }),
      counts: el('p', { className: 'counts muted' }),
      lastRun: el('p', { className: 'muted' }),
      problem: el('div', { className: 'problem' }),
      held: el('div', { className: 'held' }),
      transfers: el('div', { className: 'transfers' }),
      policy: el('p', { className: 'muted policy' }),
      limits: el('p', { className: 'muted limits' }),
    };
    this.#pause = button(`${id}-pause`, 'button.pause', () => this.actions.setPaused(this.#view, this.#view.state !== 'paused'), { className: 'pause' });
    const remove = button(`${id}-remove`, 'button.remove', () => this.#confirmRemove(), { className: 'remove' });
    const trash = button(`${id}-trash`, 'button.trash', () => this.actions.openTrash?.(this.#view), { className: 'trash' });
    this.#settings = button(`${id}-settings`, 'button.pairSettings', () => this.#toggleSettings(), { className: 'settings', 'aria-expanded': 'false' });
    for (const b of [this.#pause, this.#settings, remove, trash]) b.setAttribute('aria-describedby', `${id}-title`);
    this.node.append(
      el('h3', { id: `${id}-title`, textContent: view.pair.localPath }),
      tr(el('p', { className: 'target' }), 'pair.target', { bucket: view.pair.bucket, prefix: view.pair.prefix, profile: view.pair.profile }),
      this.#parts.policy, this.#parts.limits,
      this.#parts.state, this.#parts.counts, this.#parts.lastRun,
      el('div', { className: 'row' }, [this.#pause, this.#settings, remove, ...(this.actions.openTrash ? [trash] : [])]), this.#editor,
      this.#parts.problem, this.#parts.held, this.#parts.transfers,
    );
  }

  update(view: PairView, transfers: Transfer[], notice: AppError | undefined): void {
    this.#view = view;
    this.node.dataset.state = view.state;
    tr(this.#parts.state, 'pair.state', { state: keyVar(`state.${view.state}` as StringKey) });
    tr(this.#parts.counts, 'pair.counts', view.counts);
    if (view.lastRun) tr(this.#parts.lastRun, 'pair.lastRun', { done: view.lastRun.done, planned: view.lastRun.planned, failed: view.lastRun.failed });
    tr(this.#pause, view.state === 'paused' ? 'button.resume' : 'button.pause');
    tr(this.#parts.policy, 'pair.policy', { policy: keyVar(`policy.${view.pair.deletePolicy}` as StringKey) });
    const rate = view.pair.bandwidthLimit > 0 ? `${formatBytes(view.pair.bandwidthLimit)}/s` : keyVar('rate.none');
    tr(this.#parts.limits, 'pair.limits', { rate, transfers: view.pair.fileConcurrency });
    this.#redraw('problem', { error: view.error, notice }, () => this.#problem(view.error, notice));
    this.#redraw('held', view.state === 'waiting-for-user' ? view.held : undefined, () => this.#held());
    this.#redraw('transfers', transfers.map((tr) => [tr.key, tr.sentBytes, tr.totalBytes]), () => this.#transfers(transfers));
  }

  /** Rebuilds a part only when what it shows changed (a rebuilt button would lose focus). */
  #redraw(part: Part, data: unknown, build: () => HTMLElement[]): void {
    const signature = JSON.stringify(data ?? null);
    if (this.#signatures[part] === signature) return;
    this.#signatures[part] = signature;
    this.#parts[part].replaceChildren(...build());
  }

  #problem(error: AppError | undefined, notice: AppError | undefined): HTMLElement[] {
    const box = (key: StringKey, e: AppError, role: string) =>
      el('div', { className: `callout ${role === 'alert' ? 'error-box' : 'notice-box'}`, role }, [txt('h4', key), live(el('p'), () => errorText(e))]);
    return [...(error ? [box('error.title', error, 'alert')] : []), ...(notice ? [box('notice.title', notice, 'status')] : [])];
  }

  #held(): HTMLElement[] {
    const held = this.#view.held;
    if (!held) return [];
    const id = `pair-${this.index}-held`;
    const gates = held.gates.map((g) => el('div', { className: 'gate', 'data-gate': g.id }, [
      live(el('p', { className: 'gate-message' }), () => sayOr(g.i18n?.message, g.message)),
      live(el('p', { className: 'gate-hint' }), () => sayOr(g.i18n?.hint, g.hint)),
    ]));
    // A long plan scrolls: focusable, so it scrolls from the keyboard too, and named by its summary.
    const plan = el('ul', { className: 'plan', id: `${id}-plan`, tabindex: '0', 'aria-labelledby': `${id}-summary` }, held.operations.map((op) =>
      el('li', {}, [txt('strong', `op.${op.kind}` as StringKey), live(el('span'), () => ` ${op.key}: ${sayOr(op.why, op.reason)}`)])));
    const apply = button(`${id}-apply`, 'button.apply', () => this.actions.apply(this.#view), { className: 'apply' });
    const keep = button(`${id}-keep`, 'button.keep', () => this.actions.keep(this.#view), { className: 'keep primary' });
    return [el('section', { className: 'callout gate-box', 'aria-labelledby': `${id}-title` }, [
      txt('h4', 'gate.title', { id: `${id}-title` }), ...gates,
      el('details', { open: '' }, [txt('summary', 'gate.plan', { id: `${id}-summary` }, { count: held.operations.length }), plan]),
      txt('p', 'gate.choice'), el('div', { className: 'row' }, [apply, keep]),
    ])];
  }

  #transfers(transfers: Transfer[]): HTMLElement[] {
    if (transfers.length === 0) return [];
    const items = transfers.map((x) => {
      const label = t('transfer.progress', { key: x.key, sent: formatBytes(x.sentBytes), total: formatBytes(x.totalBytes) });
      const bar = el('progress', { max: String(Math.max(1, x.totalBytes)), value: String(x.sentBytes), 'aria-label': label, 'data-key': x.key });
      return el('li', {}, [el('span', { textContent: label }), bar]);
    });
    return [txt('h4', 'transfers.title'), el('ul', { className: 'transfer-list' }, items)];
  }

  #toggleSettings(): void {
    const open = this.#editor.childElementCount === 0;
    this.#settings.setAttribute('aria-expanded', String(open));
    if (!open) return void this.#editor.replaceChildren();
    this.#editor.replaceChildren(buildPairEdit(this.#view, `pair-${this.index}-edit`, (saved) => {
      this.#editor.replaceChildren();
      this.#settings.setAttribute('aria-expanded', 'false');
      this.#settings.focus();
      if (saved) this.actions.edited(this.#view);
    }));
    this.#editor.querySelector<HTMLElement>('select')?.focus();
  }

  #confirmRemove(): void {
    const id = `pair-${this.index}-confirm`;
    document.getElementById(id)?.remove();
    const box = el('div', { className: 'confirm', id, role: 'group', 'aria-labelledby': `${id}-text` }, [txt('p', 'pair.removeConfirm', { id: `${id}-text` })]);
    const yes = button(`${id}-yes`, 'button.confirmRemove', () => this.actions.remove(this.#view), { className: 'danger' });
    const no = button(`${id}-no`, 'button.cancel', () => box.remove());
    box.append(el('div', { className: 'row' }, [yes, no]));
    this.#parts.problem.before(box);
    yes.focus();
  }
}
