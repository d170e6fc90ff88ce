// The window: a header with the sections and the language, and one screen at a time (first-run setup,
// connections, folders and status). Talks only through window.cosSync; sync events keep the store current.
import type { PairView, ProfileSummary } from '../shared/ipc/contract.js';
import { el, statusLine, txt, type Message } from './dom.js';
import { LOCALES, locale, onLocaleChange, setLocale, trAttr, type Locale } from './i18n.js';
import { SyncStore } from './store.js';
import type { StringKey } from './strings-en.js';
import { renderConnections } from './views/connections-view.js';
import { renderFolders } from './views/folders-view.js';
import { renderSettings } from './views/settings-view.js';
import { renderTrash } from './views/trash-view.js';

type Route = { screen: 'folders' } | { screen: 'connections' } | { screen: 'trash'; pair: PairView } | { screen: 'setup'; editing?: ProfileSummary; firstRun?: boolean };

const store = new SyncStore();
const view = el('main', { id: 'view' });
let profiles: ProfileSummary[] = [];
let leave: (() => void) | undefined;

async function loadProfiles(): Promise<void> {
  const result = await window.cosSync.listProfiles();
  profiles = result.ok ? result.value : [];
}

function render(route: Route): void {
  leave?.();
  leave = undefined;
  if (route.screen === 'folders') leave = renderFolders(view, { store, profiles, onTrash: (pair) => go({ screen: 'trash', pair }) });
  else if (route.screen === 'trash') renderTrash(view, { pair: route.pair, onBack: () => go({ screen: 'folders' }) });
  else if (route.screen === 'connections') {
    renderConnections(view, {
      profiles,
      onAdd: () => go({ screen: 'setup' }),
      onEdit: (editing) => go({ screen: 'setup', editing }),
      onRemoved: (name) => void loadProfiles().then(() => go({ screen: 'connections' }, { key: 'connections.removed', vars: { name } })),
    });
  } else {
    renderSettings(view, {
      firstRun: route.firstRun ?? false,
      ...(route.editing ? { editing: route.editing } : {}),
      onSaved: (_summary, message) => void loadProfiles().then(() => go(route.firstRun ? { screen: 'folders' } : { screen: 'connections' }, message)),
      ...(route.firstRun ? {} : { onCancel: () => go({ screen: 'connections' }) }),
    });
  }
  markCurrent(route.screen === 'setup' ? 'connections' : route.screen === 'trash' ? 'folders' : route.screen);
}

/** Shows a screen, says what just happened under its title, and moves focus to the title. */
function go(route: Route, flash?: Message): void {
  render(route);
  const title = document.getElementById('screen-title');
  if (flash) title?.after(statusLine('flash', flash, typeof flash === 'object' && flash.key === 'status.savedFailed' ? 'alert' : 'status'));
  title?.focus();
}

function markCurrent(section: 'folders' | 'connections'): void {
  document.querySelectorAll<HTMLElement>('nav button').forEach((b) => {
    if (b.dataset.section === section) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  });
}

function header(): HTMLElement {
  const nav = el('nav', {}, (['folders', 'connections'] as const).map((section) => {
    const b = txt('button', `nav.${section}` as StringKey, { type: 'button', id: `nav-${section}`, 'data-section': section });
    b.addEventListener('click', () => go(section === 'folders' ? { screen: 'folders' } : profiles.length ? { screen: 'connections' } : { screen: 'setup', firstRun: true }));
    return b;
  }));
  trAttr(nav, 'aria-label', 'nav.label');
  const language = el('select', { id: 'language' }, LOCALES.map(([id, name]) => el('option', { value: id, textContent: name, lang: id })));
  language.value = locale();
  language.addEventListener('change', () => setLocale(language.value as Locale));
  const languageLabel = txt('label', 'lang.label', { htmlFor: 'language' });
  return el('header', {}, [txt('h1', 'app.title'), nav, el('div', { className: 'language' }, [languageLabel, language])]);
}

async function start(): Promise<void> {
  document.documentElement.lang = locale();
  const app = document.getElementById('app') as HTMLElement;
  app.replaceChildren(header(), view, el('div', { id: 'announce', role: 'status', className: 'visually-hidden' }));
  const showPair = (pairId: string) => void started.then(() => {
    go({ screen: 'folders' });
    const view = store.pairs.find((p) => p.pair.id === pairId);
    const card = view && [...document.querySelectorAll<HTMLElement>('[data-pair]')].find((node) => node.dataset.pair === view.pair.localPath);
    card?.querySelector<HTMLElement>('h3')?.setAttribute('tabindex', '-1');
    card?.querySelector<HTMLElement>('h3')?.focus();
  });
  window.cosSync.onEvent((event) => (event.type === 'show-pair' ? showPair(event.pairId) : store.apply(event)));
  // The tray and the notifications speak the window's language.
  const tellLanguage = () => void window.cosSync.setPreferences({ locale: locale() });
  tellLanguage();
  onLocaleChange(tellLanguage);
  const started = Promise.all([loadProfiles(), store.load()]);
  await started;
  render(profiles.length ? { screen: 'folders' } : { screen: 'setup', firstRun: true });
}

void start();
