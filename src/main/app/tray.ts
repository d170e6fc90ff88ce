// The Electron side of the tray and the notifications: a Tray with the state's icon, tooltip and menu, and
// system notifications (ShellController decides what they show and when).
import { Menu, Notification, Tray, nativeImage } from 'electron';
import type { ShellNotice } from './notifications.js';
import type { TrayView } from './shell-controller.js';
import { trayIconFile } from './tray-state.js';

export class AppTray {
  readonly #tray: Tray;
  readonly #notices = new Set<Notification>();

  constructor(private readonly assetsDir: string, onClick: () => void) {
    this.#tray = new Tray(this.#icon('idle'));
    // Windows and Linux open the window on a click; macOS shows the menu, as menu-bar apps do.
    if (process.platform !== 'darwin') this.#tray.on('click', onClick);
  }

  show(view: TrayView): void {
    this.#tray.setImage(this.#icon(view.state));
    this.#tray.setToolTip(view.tooltip);
    this.#tray.setContextMenu(Menu.buildFromTemplate(view.menu));
  }

  notify(notice: Pick<ShellNotice, 'title' | 'body'> & { kind?: ShellNotice['kind'] }, onClick: () => void): void {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body, icon: this.#icon(notice.kind === 'error' ? 'error' : 'idle') });
    // Kept referenced until closed, or the click handler may be collected with it.
    this.#notices.add(notification);
    notification.on('click', () => {
      this.#notices.delete(notification);
      onClick();
    });
    notification.on('close', () => this.#notices.delete(notification));
    notification.show();
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #icon(state: TrayView['state']) {
    const image = nativeImage.createFromPath(trayIconFile(this.assetsDir, process.platform, state));
    if (process.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}
