// The connections screen: every saved profile with its endpoint, bucket and whether its secret is in the
// keychain; Edit opens the form, Remove asks first and deletes the secret from the keychain too.
import type { ProfileSummary } from '../../shared/ipc/contract.js';
import { button, el, errorText, replace, statusLine, txt } from '../dom.js';
import type { StringKey } from '../strings-en.js';
import { preferencesSection } from './app-preferences.js';

export interface ConnectionsScreen {
  profiles: ProfileSummary[];
  onAdd(): void;
  onEdit(summary: ProfileSummary): void;
  onRemoved(name: string): void;
}

function confirmRemove(item: HTMLElement, name: string, screen: ConnectionsScreen, view: HTMLElement): void {
  const id = `remove-${item.dataset.index}`;
  const box = el('div', { className: 'confirm', role: 'group', 'aria-labelledby': `${id}-text` }, [txt('p', 'connections.removeConfirm', { id: `${id}-text` }, { name })]);
  const yes = button(`${id}-yes`, 'button.remove', () => void remove(name, screen, view), { className: 'danger' });
  const no = button(`${id}-no`, 'button.cancel', () => {
    box.remove();
    (item.querySelector('.remove') as HTMLElement | null)?.focus();
  });
  box.append(el('div', { className: 'row' }, [yes, no]));
  item.querySelector('.confirm')?.remove();
  item.append(box);
  yes.focus();
}

async function remove(name: string, screen: ConnectionsScreen, view: HTMLElement): Promise<void> {
  const result = await window.cosSync.removeProfile({ name });
  if (!result.ok) return replace('connections-status', statusLine('connections-status', () => errorText(result.error), 'alert'), view);
  screen.onRemoved(name);
}

function profileItem(summary: ProfileSummary, index: number, screen: ConnectionsScreen, view: HTMLElement): HTMLElement {
  const { profile } = summary;
  const item = el('li', { className: 'card', 'data-profile': profile.name, 'data-index': String(index) });
  const secretKey: StringKey = summary.hasSecret ? 'connections.secretStored' : 'connections.noSecret';
  item.append(
    el('h3', { textContent: profile.name }),
    el('p', {}, [txt('span', `provider.${profile.provider}` as StringKey), ` · ${profile.endpoint || '—'}${profile.bucket ? ` · ${profile.bucket}` : ''}`]),
    txt('p', secretKey, { className: 'muted' }),
  );
  const edit = button(`edit-${index}`, 'button.edit', () => screen.onEdit(summary), { className: 'edit' });
  const removeButton = button(`remove-${index}-ask`, 'button.remove', () => confirmRemove(item, profile.name, screen, view), { className: 'remove' });
  edit.setAttribute('aria-describedby', `profile-${index}-name`);
  item.querySelector('h3')!.id = `profile-${index}-name`;
  removeButton.setAttribute('aria-describedby', `profile-${index}-name`);
  item.append(el('div', { className: 'row' }, [edit, removeButton]));
  return item;
}

export function renderConnections(view: HTMLElement, screen: ConnectionsScreen): void {
  const list = el('ul', { className: 'cards', id: 'profiles' });
  screen.profiles.forEach((summary, index) => list.append(profileItem(summary, index, screen, view)));
  view.replaceChildren(
    txt('h2', 'connections.title', { id: 'screen-title', tabindex: '-1' }),
    screen.profiles.length ? list : txt('p', 'connections.empty'),
    button('add-connection', 'connections.add', screen.onAdd, { className: 'primary' }),
    preferencesSection(),
  );
}
