// Small DOM builders for the window: labelled fields whose errors are announced to screen readers.
import type { AppError } from '../shared/result.js';

type Props = Record<string, string | boolean | number>;

/** Set as DOM properties; everything else is an HTML attribute (some, like `list`, have no property setter). */
const PROPERTIES = new Set(['textContent', 'className', 'htmlFor', 'value', 'noValidate', 'required', 'type']);

export function el(tag: string, props: Props = {}, children: HTMLElement[] = []): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, val] of Object.entries(props)) {
    if (PROPERTIES.has(key)) (node as unknown as Record<string, unknown>)[key] = val;
    else node.setAttribute(key, String(val));
  }
  node.append(...children);
  return node;
}

export function field(id: string, label: string, control: HTMLElement): HTMLElement[] {
  const error = el('div', { id: `${id}-error`, className: 'error', role: 'alert' });
  const input = control.id === id ? control : control.querySelector(`#${id}`);
  input?.setAttribute('aria-describedby', `${id}-error`);
  return [el('label', { htmlFor: id, textContent: label }), control, error];
}

export function select(id: string, options: [string, string][]): HTMLElement {
  return el('select', { id }, options.map(([value, text]) => el('option', { value, textContent: text })));
}

export function showError(id: string, error: AppError | undefined): void {
  const box = document.getElementById(`${id}-error`);
  if (box) box.textContent = error ? [error.message, error.hint].filter(Boolean).join(' ') : '';
}
