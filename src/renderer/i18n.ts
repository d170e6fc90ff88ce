// The window's languages (English, Simplified Chinese): chosen from the OS locale, switchable, and applied
// in place to every element tagged with a string key, so switching keeps what the user typed.
import { EN, type StringKey } from './strings-en.js';
import { ZH } from './strings-zh.js';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: [Locale, string][] = [['en', 'English'], ['zh-CN', '简体中文']];
export type Vars = Record<string, string | number>;

const TABLES: Record<Locale, Record<StringKey, string>> = { en: EN, 'zh-CN': ZH };
const STORAGE_KEY = 'cos-sync.locale';
const listeners = new Set<() => void>();

function stored(): Locale | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' || value === 'zh-CN' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The OS locale (navigator.languages follows it in Electron): any Chinese one gives Simplified Chinese. */
export function systemLocale(languages: readonly string[] = navigator.languages): Locale {
  return languages[0]?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

let current: Locale = stored() ?? systemLocale();

export const locale = (): Locale => current;

/** A variable that is itself a string key, translated whenever the text is (a state, a policy). */
export const keyVar = (key: StringKey): string => `${KEY_VAR}${key}`;
const KEY_VAR = 'i18n-key:';

function varText(value: string | number): string {
  return typeof value === 'string' && value.startsWith(KEY_VAR) ? t(value.slice(KEY_VAR.length) as StringKey) : String(value);
}

export function t(key: StringKey, vars: Vars = {}): string {
  const text = TABLES[current][key] ?? EN[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (vars[name] !== undefined ? varText(vars[name]) : whole));
}

/** Sets the element's text from a key and remembers the key, so a language switch updates it. */
export function tr<E extends HTMLElement>(node: E, key: StringKey, vars?: Vars): E {
  node.dataset.i18n = key;
  if (vars) node.dataset.i18nVars = JSON.stringify(vars);
  else delete node.dataset.i18nVars;
  node.textContent = t(key, vars);
  return node;
}

/** The same for an attribute (placeholder, aria-label, title). */
export function trAttr<E extends HTMLElement>(node: E, attribute: string, key: StringKey): E {
  node.setAttribute(attribute, t(key));
  const list = (node.dataset.i18nAttrs ?? '').split(' ').filter((a) => a && !a.startsWith(`${attribute}=`));
  node.dataset.i18nAttrs = [...list, `${attribute}=${key}`].join(' ');
  return node;
}

function retranslate(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((node) => {
    const vars = node.dataset.i18nVars ? (JSON.parse(node.dataset.i18nVars) as Vars) : undefined;
    node.textContent = t(node.dataset.i18n as StringKey, vars);
  });
  root.querySelectorAll<HTMLElement>('[data-i18n-attrs]').forEach((node) => {
    for (const pair of (node.dataset.i18nAttrs ?? '').split(' ').filter(Boolean)) {
      const [attribute, key] = pair.split('=') as [string, StringKey];
      node.setAttribute(attribute, t(key));
    }
  });
}

export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // A page without storage still switches; it just does not remember.
  }
  document.documentElement.lang = next;
  retranslate(document);
  listeners.forEach((listener) => listener());
}

/** For views that render text not tagged by key (numbers, dates): called after each switch. */
export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(current, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);
}
