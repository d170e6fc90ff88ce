// The desktop actions of the window, done with Electron's shell and clipboard.
import { clipboard, shell } from 'electron';
import type { Desktop } from '../engine/desktop.js';

export const electronDesktop: Desktop = {
  showItemInFolder: (path) => shell.showItemInFolder(path),
  openFolder: (path) => shell.openPath(path),
  writeClipboard: (text) => clipboard.writeText(text),
};
