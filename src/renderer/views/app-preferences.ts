// The app's own settings, under the connections: start at login (opt-in). Greyed out, with the reason,
// where the window runs outside the desktop app.
import { el, errorText, replace, statusLine, txt } from '../dom.js';

export function preferencesSection(): HTMLElement {
  const box = el('input', { type: 'checkbox', id: 'start-at-login', disabled: true });
  box.setAttribute('aria-describedby', 'start-at-login-hint');
  const section = el('section', { id: 'app-preferences', 'aria-labelledby': 'app-preferences-title' }, [
    txt('h3', 'prefs.title', { id: 'app-preferences-title' }),
    el('div', { className: 'check-row' }, [box, ' ', txt('label', 'prefs.startAtLogin', { htmlFor: 'start-at-login' })]),
    txt('p', 'prefs.startAtLoginHint', { id: 'start-at-login-hint', className: 'hint' }),
  ]);
  const say = (text: string) => replace('prefs-status', statusLine('prefs-status', text, 'alert'), section);
  void window.cosSync.preferences().then((result) => {
    if (!result.ok) return say(errorText(result.error));
    box.checked = result.value.startAtLogin;
    box.disabled = !result.value.startAtLoginAvailable;
    if (!result.value.startAtLoginAvailable) replace('prefs-status', statusLine('prefs-status', { key: 'prefs.unavailable' }), section);
  });
  box.addEventListener('change', () => {
    const wanted = box.checked;
    void window.cosSync.setPreferences({ startAtLogin: wanted }).then((result) => {
      if (result.ok) {
        box.checked = result.value.startAtLogin;
        document.getElementById('prefs-status')?.remove();
      } else {
        box.checked = !wanted;
        say(errorText(result.error));
      }
    });
  });
  return section;
}
