// The tray icon's state from the folder pairs' states: error when any pair stopped on an error or waits for
// the user, syncing when any pair scans or syncs, paused when every pair is paused, idle otherwise.
import path from 'node:path';
import type { PairView } from '../../shared/ipc/sync-view.js';
import type { ShellText } from './shell-strings.js';

export const TRAY_STATES = ['idle', 'syncing', 'paused', 'error'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export interface TraySummary {
  state: TrayState;
  total: number;
  /** Pairs scanning or syncing. */
  busy: number;
  paused: number;
  /** Pairs stopped on an error or waiting for the user at a safety gate. */
  attention: number;
}

export function summarize(pairs: readonly Pick<PairView, 'state'>[]): TraySummary {
  const count = (...states: PairView['state'][]) => pairs.filter((p) => states.includes(p.state)).length;
  const summary = { total: pairs.length, busy: count('scanning', 'syncing'), paused: count('paused'), attention: count('error', 'waiting-for-user') };
  const state: TrayState = summary.attention > 0 ? 'error'
    : summary.busy > 0 ? 'syncing'
      : summary.total > 0 && summary.paused === summary.total ? 'paused'
        : 'idle';
  return { state, ...summary };
}

/** The first, disabled line of the tray menu (and the tooltip): what the icon means, in numbers. */
export function stateLine(summary: TraySummary, text: ShellText): string {
  const { state, total, busy, paused, attention } = summary;
  if (total === 0) return text('state.none');
  const somePaused = paused > 0 && state !== 'paused' ? text('state.pausedSome', { count: paused }) : '';
  switch (state) {
    case 'error': return text('state.error', { count: attention }) + somePaused;
    case 'syncing': return text('state.syncing', { count: busy, total }) + somePaused;
    case 'paused': return text('state.paused', { count: paused });
    case 'idle': return text('state.idle', { count: total - paused }) + somePaused;
  }
}

/**
 * The icon file for a state, as scripts/make-icons.mjs names them: macOS gets the template image (Electron
 * loads its @2x sibling on Retina screens and tints it for the menu bar), Windows the .ico with every DPI's
 * size, Linux a 32-pixel PNG.
 */
export function trayIconFile(assetsDir: string, platform: NodeJS.Platform, state: TrayState): string {
  const name = platform === 'darwin' ? `${state}Template.png` : platform === 'win32' ? `${state}.ico` : `${state}.png`;
  return path.join(assetsDir, 'tray', name);
}
