// The tray's and the notifications' words, in English and Simplified Chinese. The language is the window's
// (it tells the main process when it starts and on every switch), else the OS's: any Chinese locale gives
// Simplified Chinese, as in the window.
export const SHELL_LOCALES = ['en', 'zh-CN'] as const;
export type ShellLocale = (typeof SHELL_LOCALES)[number];

const EN = {
  'menu.open': 'Open COS Sync',
  'menu.pauseAll': 'Pause all',
  'menu.resumeAll': 'Resume all',
  'menu.quit': 'Quit COS Sync',
  'state.none': 'No folders yet',
  'state.idle': 'Up to date: {count} folder{s}',
  'state.syncing': 'Syncing: {count} of {total} folder{s}',
  'state.paused': 'Paused: {count} folder{s}',
  'state.error': 'Needs attention: {count} folder{s}',
  'state.pausedSome': ', {count} paused',
  'tooltip': 'COS Sync: {line}',
  'notify.errorTitle': 'Sync stopped: {folder}',
  'notify.gateTitle': 'Waiting for you: {folder}',
  'notify.gateBody': 'A plan was held back: {message} Open COS Sync to apply or keep it.',
  'notify.closedTitle': 'COS Sync is still syncing',
  'notify.closedBody': 'Closing the window keeps syncing in the background. Open it again or quit from the COS Sync icon in the tray.',
  'notify.closedBodyMac': 'Closing the window keeps syncing in the background. Open it again or quit from the COS Sync icon in the menu bar.',
} as const;

export type ShellStringKey = keyof typeof EN;

const ZH: Record<ShellStringKey, string> = {
  'menu.open': '打开 COS Sync',
  'menu.pauseAll': '全部暂停',
  'menu.resumeAll': '全部继续',
  'menu.quit': '退出 COS Sync',
  'state.none': '尚未添加文件夹',
  'state.idle': '已是最新：{count} 个文件夹',
  'state.syncing': '正在同步 {count}/{total} 个文件夹',
  'state.paused': '已暂停：{count} 个文件夹',
  'state.error': '{count} 个文件夹需要处理',
  'state.pausedSome': '，{count} 个已暂停',
  'tooltip': 'COS Sync：{line}',
  'notify.errorTitle': '同步已停止：{folder}',
  'notify.gateTitle': '等待您确认：{folder}',
  'notify.gateBody': '一个计划被暂缓执行：{message} 打开 COS Sync 选择执行或保留。',
  'notify.closedTitle': 'COS Sync 仍在同步',
  'notify.closedBody': '关闭窗口后仍在后台同步。可从托盘中的 COS Sync 图标重新打开或退出。',
  'notify.closedBodyMac': '关闭窗口后仍在后台同步。可从菜单栏中的 COS Sync 图标重新打开或退出。',
};

const TABLES: Record<ShellLocale, Record<ShellStringKey, string>> = { en: EN, 'zh-CN': ZH };

export type ShellText = (key: ShellStringKey, vars?: Record<string, string | number>) => string;

/** `{name}` takes the variable; `{s}` is the English plural ending for `total`, else `count`. */
export function shellText(locale: ShellLocale): ShellText {
  const table = TABLES[locale];
  return (key, vars = {}) => {
    const amount = vars.total ?? vars.count;
    const all: Record<string, string | number> = { s: amount === 1 ? '' : 's', ...vars };
    return table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (all[name] !== undefined ? String(all[name]) : whole));
  };
}

/** The window's language when it has told us one, else the OS's preferred languages (app.getPreferredSystemLanguages). */
export function pickShellLocale(chosen: string | undefined, systemLanguages: readonly string[]): ShellLocale {
  if (chosen === 'en' || chosen === 'zh-CN') return chosen;
  return systemLanguages[0]?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const SHELL_STRING_TABLES = TABLES;
