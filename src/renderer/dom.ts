// Small DOM builders for the window: labelled fields with a hint and an error line, both tied to the control
// with aria-describedby so screen readers read them, and one polite live region for announcements.
import type { AppError } from '../shared/result.js';
import { errorParts, live } from './engine-text.js';
import { locale, t, tr, type Vars } from './i18n.js';
import type { StringKey } from './strings-en.js';

type Props = Record<string, string | boolean | number>;

/** Set as DOM properties; everything else is an HTML attribute (some, like `list`, have no property setter). */
const PROPERTIES = new Set(['textContent', 'className', 'htmlFor', 'value', 'noValidate', 'required', 'type', 'hidden', 'disabled', 'checked']);

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, children: (Node | string)[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, val] of Object.entries(props)) {
    if (PROPERTIES.has(key)) (node as unknown as Record<string, unknown>)[key] = val;
    else node.setAttribute(key, String(val));
  }
  node.append(...children);
  return node;
}

/** An element whose text comes from the string table (and follows a language switch). */
export function txt<K extends keyof HTMLElementTagNameMap>(tag: K, key: StringKey, props: Props = {}, vars?: Vars): HTMLElementTagNameMap[K] {
  return tr(el(tag, props), key, vars);
}

export function button(id: string, key: StringKey, onClick: () => void, props: Props = {}): HTMLButtonElement {
  const node = txt('button', key, { type: 'button', id, ...props });
  node.addEventListener('click', onClick);
  return node;
}

/**
 * A grid row: the label, then the control with its hint and error line under it. The control (or the element
 * with id `id` inside it) is described by both.
 */
export function field(id: string, labelKey: StringKey, control: HTMLElement, hintKey?: StringKey, hintVars?: Vars): HTMLElement {
  const hint = el('div', { id: `${id}-hint`, className: 'hint' });
  if (hintKey) tr(hint, hintKey, hintVars);
  const error = el('div', { id: `${id}-error`, className: 'error' });
  const input = control.id === id ? control : control.querySelector(`#${id}`);
  input?.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
  const label = txt('label', labelKey, { htmlFor: id, id: `${id}-label` });
  return el('div', { className: 'field', id: `${id}-field` }, [label, el('div', { className: 'control' }, [control, hint, error])]);
}

export function select(id: string, options: [string, StringKey][]): HTMLSelectElement {
  return el('select', { id }, options.map(([value, key]) => txt('option', key, { value })));
}

/** An error's message and what to do, in the chosen language. */
export function errorText(error: AppError | undefined): string {
  if (!error) return '';
  const { message, hint } = errorParts(error);
  // Chinese sentences end in "。" and follow each other without a space.
  return [message, hint].filter(Boolean).join(locale() === 'zh-CN' ? '' : ' ');
}

/** Shows (or clears) a field's error; the field is marked invalid for assistive technology. */
export function showError(id: string, error: AppError | string | (() => string) | undefined): void {
  const box = document.getElementById(`${id}-error`);
  // An error from the engine (or a function) is written again in the new language after a switch.
  const render = typeof error === 'function' ? error : typeof error === 'string' ? () => error : () => errorText(error);
  const text = render();
  if (box) live(box, render);
  const input = document.getElementById(id);
  if (input && input.tagName !== 'DIV') {
    if (text) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

export function value(id: string): string {
  const node = document.getElementById(id) as HTMLInputElement | HTMLSelectElement | null;
  return node ? node.value.trim() : '';
}

/** Says something to screen-reader users without moving focus. */
export function announce(text: string): void {
  const region = document.getElementById('announce');
  if (region) region.textContent = text;
}

/** A fixed text, a string key, or an engine message rendered anew in each language (`() => errorText(e)`). */
export type Message = string | { key: StringKey; vars?: Vars } | (() => string);

/** A status line inside a view: `role=status` for progress, `role=alert` for failures. */
export function statusLine(id: string, message: Message, kind: 'status' | 'alert' = 'status'): HTMLElement {
  const node = el('p', { id, role: kind, className: kind === 'alert' ? 'status failed' : 'status' });
  if (typeof message === 'string') node.textContent = message;
  else if (typeof message === 'function') live(node, message);
  else tr(node, message.key, message.vars);
  return node;
}

export function replace(id: string, node: HTMLElement, parent: HTMLElement): void {
  const old = document.getElementById(id);
  if (old) old.replaceWith(node);
  else parent.append(node);
}

export const msg = (key: StringKey, vars?: Vars) => t(key, vars);
