// resolvePaths on every OS: the override, the OS conventions, and bad environment values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolvePaths } from '../../src/main/engine/config/paths.js';

describe('resolvePaths', () => {
  test('Linux uses ~/.config/cos-sync', () => {
    assert.deepEqual(resolvePaths({}, 'linux', '/home/ann'), {
      home: '/home/ann/.config/cos-sync',
      settingsFile: '/home/ann/.config/cos-sync/settings.json',
      stateDir: '/home/ann/.config/cos-sync/state',
      logsDir: '/home/ann/.config/cos-sync/logs',
    });
  });

  test('Linux honours an absolute XDG_CONFIG_HOME', () => {
    const paths = resolvePaths({ XDG_CONFIG_HOME: '/srv/cfg' }, 'linux', '/home/ann');
    assert.equal(paths.home, '/srv/cfg/cos-sync');
    assert.equal(paths.settingsFile, '/srv/cfg/cos-sync/settings.json');
  });

  test('Linux ignores a relative or empty XDG_CONFIG_HOME, as the XDG spec says', () => {
    assert.equal(resolvePaths({ XDG_CONFIG_HOME: 'cfg' }, 'linux', '/home/ann').home, '/home/ann/.config/cos-sync');
    assert.equal(resolvePaths({ XDG_CONFIG_HOME: '' }, 'linux', '/home/ann').home, '/home/ann/.config/cos-sync');
  });

  test('other Unix systems follow the Linux convention', () => {
    assert.equal(resolvePaths({}, 'freebsd', '/home/ann').home, '/home/ann/.config/cos-sync');
  });

  test('macOS uses Application Support, with logs in ~/Library/Logs', () => {
    assert.deepEqual(resolvePaths({ XDG_CONFIG_HOME: '/ignored' }, 'darwin', '/Users/ann'), {
      home: '/Users/ann/Library/Application Support/COS Sync',
      settingsFile: '/Users/ann/Library/Application Support/COS Sync/settings.json',
      stateDir: '/Users/ann/Library/Application Support/COS Sync/state',
      logsDir: '/Users/ann/Library/Logs/COS Sync',
    });
  });

  test('Windows uses %APPDATA%\\COS Sync', () => {
    const paths = resolvePaths({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann');
    assert.deepEqual(paths, {
      home: 'C:\\Users\\ann\\AppData\\Roaming\\COS Sync',
      settingsFile: 'C:\\Users\\ann\\AppData\\Roaming\\COS Sync\\settings.json',
      stateDir: 'C:\\Users\\ann\\AppData\\Roaming\\COS Sync\\state',
      logsDir: 'C:\\Users\\ann\\AppData\\Roaming\\COS Sync\\logs',
    });
  });

  test('Windows without APPDATA falls back to the Roaming folder under the profile', () => {
    assert.equal(resolvePaths({}, 'win32', 'D:\\Home\\ann').home, 'D:\\Home\\ann\\AppData\\Roaming\\COS Sync');
    assert.equal(resolvePaths({ APPDATA: 'rel' }, 'win32', 'D:\\Home\\ann').home, 'D:\\Home\\ann\\AppData\\Roaming\\COS Sync');
  });

  test('COS_SYNC_HOME overrides the convention on every OS, logs included', () => {
    for (const [platform, home, override] of [
      ['linux', '/home/ann', '/data/cos'],
      ['darwin', '/Users/ann', '/Volumes/x/cos'],
      ['win32', 'C:\\Users\\ann', 'E:\\portable\\cos'],
    ] as const) {
      const paths = resolvePaths({ COS_SYNC_HOME: override, APPDATA: 'C:\\x', XDG_CONFIG_HOME: '/x' }, platform, home);
      assert.equal(paths.home, override, platform);
      assert.ok(paths.settingsFile.startsWith(override), platform);
      assert.ok(paths.logsDir.startsWith(override), platform);
      assert.ok(paths.stateDir.startsWith(override), platform);
    }
  });

  test('a relative COS_SYNC_HOME is taken from cwd, or from home when no cwd is given', () => {
    assert.equal(resolvePaths({ COS_SYNC_HOME: 'cfg' }, 'linux', '/home/ann', '/work').home, '/work/cfg');
    assert.equal(resolvePaths({ COS_SYNC_HOME: './cfg/' }, 'linux', '/home/ann').home, '/home/ann/cfg');
    assert.equal(resolvePaths({ COS_SYNC_HOME: 'cfg' }, 'win32', 'C:\\Users\\ann', 'C:\\w').home, 'C:\\w\\cfg');
  });

  test('an empty COS_SYNC_HOME counts as unset', () => {
    assert.equal(resolvePaths({ COS_SYNC_HOME: '' }, 'linux', '/home/ann').home, '/home/ann/.config/cos-sync');
  });
});
