// The tray / menu-bar menu: the state line, then Open, Pause all, Resume all, Quit. A plain template (no
// Electron objects), so it is built and tested without Electron; the tray turns it into a Menu.
import type { MenuItemConstructorOptions } from 'electron';
import { stateLine, type TraySummary } from './tray-state.js';
import type { ShellText } from './shell-strings.js';

export interface TrayActions {
  open(): void;
  pauseAll(): void;
  resumeAll(): void;
  quit(): void;
}

export function trayMenuTemplate(summary: TraySummary, text: ShellText, actions: TrayActions): MenuItemConstructorOptions[] {
  const running = summary.total - summary.paused;
  return [
    { id: 'state', label: stateLine(summary, text), enabled: false },
    { type: 'separator' },
    { id: 'open', label: text('menu.open'), click: () => actions.open() },
    { id: 'pause-all', label: text('menu.pauseAll'), enabled: running > 0, click: () => actions.pauseAll() },
    { id: 'resume-all', label: text('menu.resumeAll'), enabled: summary.paused > 0, click: () => actions.resumeAll() },
    { type: 'separator' },
    { id: 'quit', label: text('menu.quit'), click: () => actions.quit() },
  ];
}
