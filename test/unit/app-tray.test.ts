// The tray: its state from the pairs' states, the state line and menu in both languages, the icon file per
// platform, and the controller that redraws it and shows each new error or held plan once.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import type { PairStateView, PairView } from '../../src/shared/ipc/sync-view.js';
import { summarize, stateLine, trayIconFile, TRAY_STATES } from '../../src/main/app/tray-state.js';
import { trayMenuTemplate } from '../../src/main/app/tray-menu.js';
import { pickShellLocale, SHELL_STRING_TABLES, shellText } from '../../src/main/app/shell-strings.js';
import { closeToTrayNotice, NotificationPolicy } from '../../src/main/app/notifications.js';
import { ShellController, type ShellPorts, type TrayView } from '../../src/main/app/shell-controller.js';
import type { ShellNotice } from '../../src/main/app/notifications.js';

const en = shellText('en');
const zh = shellText('zh-CN');

function pairView(id: string, state: PairStateView, extra: Partial<PairView> = {}): PairView {
  return {
    pair: { id, localPath: `/home/me/${id}`, profile: 'work', bucket: 'b-1250000000', prefix: id, deletePolicy: 'trash', paused: state === 'paused' } as PairView['pair'],
    state,
    counts: { synced: 0, failing: 0 },
    ...extra,
  };
}
const pairs = (...states: PairStateView[]) => states.map((state, i) => pairView(`p${i}`, state));

describe('tray state', () => {
  test('error and gates win, then syncing, then all paused, else idle', () => {
    assert.equal(summarize([]).state, 'idle');
    assert.equal(summarize(pairs('idle', 'idle')).state, 'idle');
    assert.equal(summarize(pairs('idle', 'paused')).state, 'idle');
    assert.equal(summarize(pairs('paused', 'paused')).state, 'paused');
    assert.equal(summarize(pairs('idle', 'scanning')).state, 'syncing');
    assert.equal(summarize(pairs('paused', 'syncing')).state, 'syncing');
    assert.equal(summarize(pairs('syncing', 'error')).state, 'error');
    assert.equal(summarize(pairs('paused', 'waiting-for-user', 'syncing')).state, 'error');
  });

  test('the state line counts folders, in English and Chinese', () => {
    assert.equal(stateLine(summarize([]), en), 'No folders yet');
    assert.equal(stateLine(summarize(pairs('idle')), en), 'Up to date: 1 folder');
    assert.equal(stateLine(summarize(pairs('idle', 'idle', 'paused')), en), 'Up to date: 2 folders, 1 paused');
    assert.equal(stateLine(summarize(pairs('syncing', 'idle')), en), 'Syncing: 1 of 2 folders');
    assert.equal(stateLine(summarize(pairs('paused', 'paused')), en), 'Paused: 2 folders');
    assert.equal(stateLine(summarize(pairs('error', 'waiting-for-user', 'idle')), en), 'Needs attention: 2 folders');
    assert.equal(stateLine(summarize(pairs('syncing', 'idle')), zh), '正在同步 1/2 个文件夹');
    assert.equal(stateLine(summarize(pairs('error', 'paused')), zh), '1 个文件夹需要处理，1 个已暂停');
  });

  test('each platform gets its icon format: template PNG on macOS, .ico on Windows, PNG on Linux', () => {
    assert.equal(trayIconFile('/a', 'darwin', 'syncing'), path.join('/a', 'tray', 'syncingTemplate.png'));
    assert.equal(trayIconFile('/a', 'win32', 'error'), path.join('/a', 'tray', 'error.ico'));
    assert.equal(trayIconFile('/a', 'linux', 'paused'), path.join('/a', 'tray', 'paused.png'));
    assert.deepEqual([...TRAY_STATES], ['idle', 'syncing', 'paused', 'error']);
  });
});

describe('shell strings', () => {
  test('both languages have every string, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((n) => n !== 's').sort();
    const english = SHELL_STRING_TABLES.en;
    const chinese = SHELL_STRING_TABLES['zh-CN'];
    assert.deepEqual(Object.keys(chinese).sort(), Object.keys(english).sort());
    for (const key of Object.keys(english) as (keyof typeof english)[]) {
      assert.deepEqual(placeholders(chinese[key]), placeholders(english[key]), key);
      assert.notEqual(chinese[key], english[key], `${key} is translated`);
    }
  });

  test('the window’s language wins; otherwise any Chinese OS locale gives Simplified Chinese', () => {
    assert.equal(pickShellLocale('zh-CN', ['en-US']), 'zh-CN');
    assert.equal(pickShellLocale('en', ['zh-CN']), 'en');
    assert.equal(pickShellLocale(undefined, ['zh-TW', 'en']), 'zh-CN');
    assert.equal(pickShellLocale(undefined, ['de-DE', 'zh-CN']), 'en');
    assert.equal(pickShellLocale('fr', []), 'en');
  });
});

describe('tray menu', () => {
  const recorded: string[] = [];
  const actions = { open: () => recorded.push('open'), pauseAll: () => recorded.push('pause'), resumeAll: () => recorded.push('resume'), quit: () => recorded.push('quit') };
  const byId = (menu: MenuItemConstructorOptions[], id: string) => menu.find((item) => item.id === id)!;
  const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

  test('state line, open, pause all, resume all, quit; each item runs its action', () => {
    const menu = trayMenuTemplate(summarize(pairs('idle', 'paused')), en, actions);
    assert.deepEqual(menu.map((item) => item.id ?? item.type), ['state', 'separator', 'open', 'pause-all', 'resume-all', 'separator', 'quit']);
    assert.deepEqual(menu.map((item) => item.label).filter(Boolean), ['Up to date: 1 folder, 1 paused', 'Open COS Sync', 'Pause all', 'Resume all', 'Quit COS Sync']);
    assert.equal(byId(menu, 'state').enabled, false);
    recorded.length = 0;
    for (const id of ['open', 'pause-all', 'resume-all', 'quit']) click(byId(menu, id));
    assert.deepEqual(recorded, ['open', 'pause', 'resume', 'quit']);
  });

  test('pause all is off when everything is paused, resume all when nothing is', () => {
    const allPaused = trayMenuTemplate(summarize(pairs('paused', 'paused')), en, actions);
    assert.equal(byId(allPaused, 'pause-all').enabled, false);
    assert.equal(byId(allPaused, 'resume-all').enabled, true);
    const running = trayMenuTemplate(summarize(pairs('syncing', 'idle')), en, actions);
    assert.equal(byId(running, 'pause-all').enabled, true);
    assert.equal(byId(running, 'resume-all').enabled, false);
    const none = trayMenuTemplate(summarize([]), en, actions);
    assert.equal(byId(none, 'pause-all').enabled, false);
    assert.equal(byId(none, 'resume-all').enabled, false);
  });

  test('in Chinese', () => {
    const menu = trayMenuTemplate(summarize(pairs('idle')), zh, actions);
    assert.deepEqual(menu.map((item) => item.label).filter(Boolean), ['已是最新：1 个文件夹', '打开 COS Sync', '全部暂停', '全部继续', '退出 COS Sync']);
  });
});

const diskFull = { code: 'unknown' as const, message: 'The disk is full.', hint: 'Free some space.' };
const gated = (id: string, gateIds: string[]) => pairView(id, 'waiting-for-user', {
  held: { gates: gateIds.map((g) => ({ id: g, message: `Gate ${g} held it.`, hint: 'Look first.', held: 3 })), operations: [{ kind: 'delete', key: 'a.txt', reason: 'gone' }] },
});

describe('notification policy', () => {
  test('one notice per new error, not one per pass; scanning between passes changes nothing', () => {
    const policy = new NotificationPolicy();
    const first = policy.observe([pairView('p1', 'error', { error: diskFull })], en);
    assert.deepEqual(first, [{ pairId: 'p1', kind: 'error', title: 'Sync stopped: p1', body: 'The disk is full. Free some space.' }]);
    assert.deepEqual(policy.observe([pairView('p1', 'scanning')], en), []);
    assert.deepEqual(policy.observe([pairView('p1', 'error', { error: diskFull })], en), []);
    const other = policy.observe([pairView('p1', 'error', { error: { ...diskFull, message: 'Access denied.' } })], en);
    assert.equal(other.length, 1, 'a different error is news');
  });

  test('the same error after the pair was in sync again is news again', () => {
    const policy = new NotificationPolicy();
    assert.equal(policy.observe([pairView('p1', 'error', { error: diskFull })], en).length, 1);
    assert.deepEqual(policy.observe([pairView('p1', 'idle')], en), []);
    assert.equal(policy.observe([pairView('p1', 'error', { error: diskFull })], en).length, 1);
  });

  test('gates: once per new set of gates, per pair, in the window’s language', () => {
    const policy = new NotificationPolicy();
    const notices = policy.observe([gated('p1', ['mass-delete']), gated('p2', ['empty-folder'])], zh);
    assert.deepEqual(notices.map((n) => [n.pairId, n.kind, n.title]), [['p1', 'gate', '等待您确认：p1'], ['p2', 'gate', '等待您确认：p2']]);
    assert.match(notices[0]!.body, /Gate mass-delete held it\./);
    assert.deepEqual(policy.observe([gated('p1', ['mass-delete']), pairView('p2', 'syncing')], zh), []);
    assert.equal(policy.observe([gated('p1', ['mass-delete', 'all-changed'])], zh).length, 1);
  });

  test('a removed pair is forgotten', () => {
    const policy = new NotificationPolicy();
    assert.equal(policy.observe([pairView('p1', 'error', { error: diskFull })], en).length, 1);
    assert.deepEqual(policy.observe([], en), []);
    assert.equal(policy.observe([pairView('p1', 'error', { error: diskFull })], en).length, 1);
  });

  test('closing the window says once that syncing goes on, naming the menu bar on macOS', () => {
    assert.deepEqual(closeToTrayNotice(false, 'linux', en)?.title, 'COS Sync is still syncing');
    assert.match(closeToTrayNotice(false, 'darwin', en)!.body, /menu bar/);
    assert.match(closeToTrayNotice(false, 'win32', zh)!.body, /托盘/);
    assert.equal(closeToTrayNotice(true, 'linux', en), undefined);
  });
});

describe('shell controller', () => {
  function harness(initial: PairView[]) {
    const record = { trays: [] as TrayView[], notices: [] as ShellNotice[], opened: [] as (string | undefined)[], paused: [] as boolean[], quits: 0, clicks: [] as (() => void)[] };
    let current = initial;
    const ports: ShellPorts = {
      pairs: () => current,
      showTray: (view) => record.trays.push(view),
      notify: (notice, onClick) => {
        record.notices.push(notice);
        record.clicks.push(onClick);
      },
      openWindow: (pairId) => record.opened.push(pairId),
      setAllPaused: async (paused) => void record.paused.push(paused),
      quit: () => record.quits++,
    };
    return { record, ports, set: (next: PairView[]) => (current = next) };
  }

  test('redraws the tray only when it changes, and notifies once per error; a click opens that pair', () => {
    const { record, ports, set } = harness(pairs('idle'));
    const shell = new ShellController(ports, 'en');
    shell.refresh();
    assert.deepEqual(record.trays.map((t) => [t.state, t.tooltip]), [['idle', 'COS Sync: Up to date: 1 folder']]);
    shell.onEvent({ type: 'progress', pairId: 'p0', key: 'a', sentBytes: 1, totalBytes: 2 });
    shell.onEvent({ type: 'state', pairId: 'p0', state: 'idle' });
    assert.equal(record.trays.length, 1, 'nothing changed, nothing redrawn');
    set([pairView('p0', 'error', { error: diskFull })]);
    shell.onEvent({ type: 'state', pairId: 'p0', state: 'error', error: diskFull });
    shell.onEvent({ type: 'run', pairId: 'p0', phase: 'finished' });
    assert.deepEqual(record.trays.map((t) => t.state), ['idle', 'error']);
    assert.equal(record.notices.length, 1);
    record.clicks[0]!();
    assert.deepEqual(record.opened, ['p0']);
  });

  test('the menu’s actions reach the ports; a language switch redraws without notifying again', async () => {
    const { record, ports } = harness([pairView('p0', 'error', { error: diskFull })]);
    const shell = new ShellController(ports, 'en');
    shell.refresh();
    const menu = record.trays.at(-1)!.menu;
    for (const id of ['open', 'pause-all', 'resume-all', 'quit']) (menu.find((i) => i.id === id)!.click as () => void)();
    assert.deepEqual(record.opened, [undefined]);
    assert.deepEqual(record.paused, [true, false]);
    assert.equal(record.quits, 1);
    shell.setLocale('zh-CN');
    assert.equal(record.trays.at(-1)!.tooltip, 'COS Sync：1 个文件夹需要处理');
    assert.equal(record.notices.length, 1);
  });
});
