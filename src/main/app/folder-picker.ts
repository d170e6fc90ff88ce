// The system's folder picker behind the contract's chooseFolder (Electron only, so the app registers it
// beside the engine's handlers).
import { BrowserWindow, dialog } from 'electron';
import { ok, type Result } from '../../shared/result.js';

export async function chooseFolder(): Promise<Result<{ path?: string }>> {
  const parent = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  const options: Electron.OpenDialogOptions = { properties: ['openDirectory', 'createDirectory'] };
  const picked = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  const [first] = picked.filePaths;
  return ok(picked.canceled || !first ? {} : { path: first });
}
