// Start at login: the XDG autostart entry on Linux (written to and removed from a real folder), the login
// items on macOS and Windows (through a recorded stand-in for Electron's app), and the engine's preference
// handlers over a real settings file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { autostartFile, desktopEntry, execArgument, HIDDEN_ARG, launchCommand, LoginItemAutostart, startedAtLogin, XdgAutostart, type LoginItems } from '../../src/main/app/autostart.js';
import { SettingsFile } from '../../src/main/engine/config/settings-store.js';
import { preferenceHandlers, storedPreferences } from '../../src/main/engine/preferences.js';
import type { AppPreferences } from '../../src/shared/ipc/contract.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cos-sync-autostart-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('XDG autostart entry', () => {
  test('the file goes under $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    assert.equal(autostartFile({ XDG_CONFIG_HOME: '/x/config' }, '/home/me'), '/x/config/autostart/cos-sync.desktop');
    assert.equal(autostartFile({}, '/home/me'), '/home/me/.config/autostart/cos-sync.desktop');
    assert.equal(autostartFile({ XDG_CONFIG_HOME: 'relative' }, '/home/me'), '/home/me/.config/autostart/cos-sync.desktop');
  });

  test('the command: the AppImage file, the installed executable, or Electron with the app folder', () => {
    const base = { execPath: '/opt/COS Sync/cos-sync-app', appPath: '/src/cos-sync', packaged: true };
    assert.deepEqual(launchCommand({ ...base, env: { APPIMAGE: '/home/me/Apps/COS-Sync.AppImage' } }), ['/home/me/Apps/COS-Sync.AppImage']);
    assert.deepEqual(launchCommand({ ...base, env: {} }), ['/opt/COS Sync/cos-sync-app']);
    assert.deepEqual(launchCommand({ ...base, packaged: false, env: {} }), ['/opt/COS Sync/cos-sync-app', '/src/cos-sync']);
  });

  test('Exec arguments are quoted and escaped as the Desktop Entry Specification asks', () => {
    assert.equal(execArgument('/usr/bin/cos-sync-app'), '/usr/bin/cos-sync-app');
    assert.equal(execArgument('/opt/COS Sync/app'), '"/opt/COS Sync/app"');
    assert.equal(execArgument('/a/$HOME`x`"q"'), '"/a/\\\\$HOME\\\\`x\\\\`\\\\"q\\\\""');
    assert.equal(execArgument('/a/100%/b'), '/a/100%%/b');
    assert.equal(execArgument('/a\\b'), '"/a\\\\\\\\b"');
    assert.throws(() => execArgument('/a\nb'), /line break/);
  });

  test('the entry starts the app hidden, in the tray', () => {
    const text = desktopEntry(['/opt/COS Sync/cos-sync-app']);
    assert.match(text, /^\[Desktop Entry\]\n/);
    assert.match(text, /^Type=Application$/m);
    assert.match(text, /^Name=COS Sync$/m);
    assert.match(text, new RegExp(`^Exec="/opt/COS Sync/cos-sync-app" ${HIDDEN_ARG}$`, 'm'));
    assert.match(text, /^X-GNOME-Autostart-enabled=true$/m);
  });

  test('turning it on writes the entry, turning it off removes it; a desktop’s Hidden=true reads as off', async () => {
    const file = path.join(dir, 'config', 'autostart', 'cos-sync.desktop');
    const autostart = new XdgAutostart(file, ['/usr/bin/cos-sync-app']);
    assert.equal(await autostart.isEnabled(), false);
    await autostart.setEnabled(true);
    assert.equal(await autostart.isEnabled(), true);
    assert.equal(await readFile(file, 'utf8'), desktopEntry(['/usr/bin/cos-sync-app']));
    assert.equal((await stat(file)).mode & 0o777, 0o644);
    await writeFile(file, `${desktopEntry(['/usr/bin/cos-sync-app'])}Hidden=true\n`);
    assert.equal(await autostart.isEnabled(), false);
    await autostart.setEnabled(false);
    await assert.rejects(stat(file), { code: 'ENOENT' });
    await autostart.setEnabled(false); // already off: no error
  });
});

function loginItems(wasOpenedAtLogin = false) {
  const calls: unknown[] = [];
  let open = false;
  const app: LoginItems = {
    getLoginItemSettings: (options) => {
      calls.push(['get', options]);
      return { openAtLogin: open, wasOpenedAtLogin };
    },
    setLoginItemSettings: (settings) => {
      calls.push(['set', settings]);
      open = settings.openAtLogin;
    },
  };
  return { app, calls };
}

describe('login items (macOS, Windows)', () => {
  test('Windows registers the command with the hidden flag, and asks with the same arguments', async () => {
    const { app, calls } = loginItems();
    const autostart = new LoginItemAutostart(app, 'win32');
    await autostart.setEnabled(true);
    assert.equal(await autostart.isEnabled(), true);
    assert.deepEqual(calls, [['set', { openAtLogin: true, args: [HIDDEN_ARG] }], ['get', { args: [HIDDEN_ARG] }]]);
  });

  test('macOS registers the app itself', async () => {
    const { app, calls } = loginItems();
    const autostart = new LoginItemAutostart(app, 'darwin');
    await autostart.setEnabled(true);
    await autostart.setEnabled(false);
    assert.equal(await autostart.isEnabled(), false);
    assert.deepEqual(calls, [['set', { openAtLogin: true }], ['set', { openAtLogin: false }], ['get', undefined]]);
  });

  test('a start at login is told by the hidden flag, or by macOS', () => {
    assert.equal(startedAtLogin(['/app', HIDDEN_ARG], 'linux', loginItems().app), true);
    assert.equal(startedAtLogin(['/app'], 'linux', loginItems(true).app), false);
    assert.equal(startedAtLogin(['/app'], 'darwin', loginItems(true).app), true);
    assert.equal(startedAtLogin(['/app'], 'darwin', loginItems(false).app), false);
  });
});

describe('preferences handlers', () => {
  test('start at login goes to the system, the language to the settings file; both are read back', async () => {
    const settings = new SettingsFile({ file: path.join(dir, 'home', 'settings.json') });
    await settings.load();
    const autostart = new XdgAutostart(path.join(dir, 'autostart', 'cos-sync.desktop'), ['/usr/bin/cos-sync-app']);
    const changes: AppPreferences[] = [];
    const handlers = preferenceHandlers(settings, { autostart, onChange: (p) => changes.push(p) });
    assert.deepEqual(await handlers.preferences(), { ok: true, value: { startAtLogin: false, startAtLoginAvailable: true } });
    const on = await handlers.setPreferences({ startAtLogin: true, locale: 'zh-CN' });
    assert.deepEqual(on, { ok: true, value: { startAtLogin: true, startAtLoginAvailable: true, locale: 'zh-CN' } });
    assert.equal(await autostart.isEnabled(), true);
    const saved = JSON.parse(await readFile(path.join(dir, 'home', 'settings.json'), 'utf8')) as { preferences: unknown };
    assert.deepEqual(saved.preferences, { locale: 'zh-CN' });
    const off = await handlers.setPreferences({ startAtLogin: false });
    assert.equal(off.ok && off.value.startAtLogin, false);
    assert.deepEqual(changes.map((c) => c.startAtLogin), [true, false]);
  });

  test('without the desktop app, start at login is unavailable and setting it says why', async () => {
    const settings = new SettingsFile({ file: path.join(dir, 'settings.json') });
    await settings.load();
    const handlers = preferenceHandlers(settings);
    assert.deepEqual(await handlers.preferences(), { ok: true, value: { startAtLogin: false, startAtLoginAvailable: false } });
    const refused = await handlers.setPreferences({ startAtLogin: true });
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.error.message : '', /only be set in the COS Sync desktop app/);
  });

  test('a failure to write the autostart entry is reported with what to check', async () => {
    const settings = new SettingsFile({ file: path.join(dir, 'settings.json') });
    await settings.load();
    await writeFile(path.join(dir, 'autostart'), 'a file where the folder should be');
    const autostart = new XdgAutostart(path.join(dir, 'autostart', 'cos-sync.desktop'), ['/usr/bin/cos-sync-app']);
    const result = await preferenceHandlers(settings, { autostart }).setPreferences({ startAtLogin: true });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.message, 'Start at login could not be turned on.');
      assert.match(result.error.hint ?? '', /autostart/);
    }
  });

  test('unknown or broken stored values are ignored, not fatal', async () => {
    const file = path.join(dir, 'settings.json');
    await writeFile(file, JSON.stringify({ version: 1, preferences: { locale: 'xx', closeNoticeShown: 'yes', other: 1 } }));
    const settings = new SettingsFile({ file });
    await settings.load();
    assert.deepEqual(storedPreferences(settings), {});
  });
});
