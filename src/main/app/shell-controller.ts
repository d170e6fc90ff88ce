// Keeps the tray and the notifications in step with the folder pairs: redraws the icon, tooltip and menu
// when a pair's state changes, and shows each new error or held plan once (NotificationPolicy). Talks to
// Electron only through ShellPorts, so it is tested with recorded stand-ins.
import type { MenuItemConstructorOptions } from 'electron';
import type { PairView, SyncEventView } from '../../shared/ipc/sync-view.js';
import { NotificationPolicy, type ShellNotice } from './notifications.js';
import { shellText, type ShellLocale, type ShellText } from './shell-strings.js';
import { trayMenuTemplate } from './tray-menu.js';
import { stateLine, summarize, type TrayState } from './tray-state.js';

export interface TrayView {
  state: TrayState;
  tooltip: string;
  menu: MenuItemConstructorOptions[];
}

export interface ShellPorts {
  pairs(): PairView[];
  showTray(view: TrayView): void;
  /** Shows a system notification; `onClick` runs when the user clicks it. */
  notify(notice: ShellNotice, onClick: () => void): void;
  /** Opens (or focuses) the window, on the given pair's card when there is one. */
  openWindow(pairId?: string): void;
  setAllPaused(paused: boolean): Promise<void>;
  quit(): void;
}

/** Events after which the pairs' states may differ (progress and outcomes change no state). */
const REFRESHING: ReadonlySet<SyncEventView['type']> = new Set(['state', 'gated', 'run', 'notice', 'pairs-changed']);

export class ShellController {
  readonly #policy = new NotificationPolicy();
  #text: ShellText;
  #last: TrayView | undefined;

  constructor(private readonly ports: ShellPorts, locale: ShellLocale) {
    this.#text = shellText(locale);
  }

  get text(): ShellText {
    return this.#text;
  }

  setLocale(locale: ShellLocale): void {
    this.#text = shellText(locale);
    this.#last = undefined;
    this.refresh({ notify: false });
  }

  onEvent(event: SyncEventView): void {
    if (REFRESHING.has(event.type)) this.refresh();
  }

  /** Redraws the tray when what it shows changed, and shows the notifications the pairs call for. */
  refresh(options: { notify?: boolean } = {}): void {
    const pairs = this.ports.pairs();
    const summary = summarize(pairs);
    const view: TrayView = {
      state: summary.state,
      tooltip: this.#text('tooltip', { line: stateLine(summary, this.#text) }),
      menu: trayMenuTemplate(summary, this.#text, {
        open: () => this.ports.openWindow(),
        pauseAll: () => void this.ports.setAllPaused(true),
        resumeAll: () => void this.ports.setAllPaused(false),
        quit: () => this.ports.quit(),
      }),
    };
    if (!this.#last || !sameView(this.#last, view)) {
      this.#last = view;
      this.ports.showTray(view);
    }
    const notices = this.#policy.observe(pairs, this.#text);
    if (options.notify === false) return;
    for (const notice of notices) this.ports.notify(notice, () => this.ports.openWindow(notice.pairId));
  }
}

/** Same icon, tooltip and menu labels and states (the click handlers are always the same actions). */
function sameView(a: TrayView, b: TrayView): boolean {
  const items = (view: TrayView) => JSON.stringify(view.menu.map(({ id, label, enabled, type }) => [id, label, enabled, type]));
  return a.state === b.state && a.tooltip === b.tooltip && items(a) === items(b);
}
