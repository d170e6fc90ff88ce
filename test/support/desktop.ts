// A Desktop that records what the window asked of the file manager and the clipboard, for the tests.
import type { Desktop } from '../../src/main/engine/desktop.js';

export class RecordingDesktop implements Desktop {
  readonly shown: string[] = [];
  readonly opened: string[] = [];
  readonly clipboard: string[] = [];

  showItemInFolder(path: string): void {
    this.shown.push(path);
  }

  async openFolder(path: string): Promise<string> {
    this.opened.push(path);
    return '';
  }

  writeClipboard(text: string): void {
    this.clipboard.push(text);
  }
}
