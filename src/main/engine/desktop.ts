// The desktop actions the window asks of the main process (show a file, use the clipboard), as an interface:
// the app implements it with Electron's shell and clipboard, the tests with one that records what was asked.

export interface Desktop {
  /** Shows a file selected in the system's file manager. */
  showItemInFolder(path: string): void;
  /** Opens a folder in the system's file manager; resolves to '' or the reason it could not. */
  openFolder(path: string): Promise<string>;
  writeClipboard(text: string): void;
}
