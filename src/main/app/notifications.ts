// When to notify: once for each new error a pair stops on and once for each new set of safety gates that
// holds a plan back, never again for the same one on the next pass (a pair passes through scanning and
// syncing between two passes, so those states change nothing). Once a pair is in sync again (idle) it is
// forgotten, so the same trouble coming back later is news again.
import path from 'node:path';
import type { PairView } from '../../shared/ipc/sync-view.js';
import type { ShellText } from './shell-strings.js';

export interface ShellNotice {
  pairId: string;
  kind: 'error' | 'gate';
  title: string;
  body: string;
}

export class NotificationPolicy {
  /** Per pair, what we last notified about. */
  readonly #told = new Map<string, string>();

  /** The notices the pairs' current views call for; remembers them so they are not repeated. */
  observe(pairs: readonly PairView[], text: ShellText): ShellNotice[] {
    const notices: ShellNotice[] = [];
    const present = new Set<string>();
    for (const view of pairs) {
      const id = view.pair.id;
      present.add(id);
      const notice = noticeFor(view, text);
      if (!notice) {
        if (view.state === 'idle') this.#told.delete(id);
        continue;
      }
      if (this.#told.get(id) === notice.identity) continue;
      this.#told.set(id, notice.identity);
      notices.push(notice.notice);
    }
    for (const id of [...this.#told.keys()]) if (!present.has(id)) this.#told.delete(id);
    return notices;
  }
}

function noticeFor(view: PairView, text: ShellText): { identity: string; notice: ShellNotice } | undefined {
  const folder = path.basename(view.pair.localPath) || view.pair.localPath;
  const pairId = view.pair.id;
  if (view.state === 'error' && view.error) {
    const { code, message, hint } = view.error;
    return {
      identity: `error\n${code}\n${message}`,
      notice: { pairId, kind: 'error', title: text('notify.errorTitle', { folder }), body: [message, hint].filter(Boolean).join(' ') },
    };
  }
  if (view.state === 'waiting-for-user' && view.held) {
    const gates = view.held.gates;
    const message = gates.map((g) => g.message).join(' ');
    return {
      identity: `gate\n${gates.map((g) => g.id).sort().join(',')}`,
      notice: { pairId, kind: 'gate', title: text('notify.gateTitle', { folder }), body: text('notify.gateBody', { message }) },
    };
  }
  return undefined;
}

/** The one-time word that closing the window did not stop syncing; undefined once it has been said. */
export function closeToTrayNotice(alreadyShown: boolean, platform: NodeJS.Platform, text: ShellText): Pick<ShellNotice, 'title' | 'body'> | undefined {
  if (alreadyShown) return undefined;
  return { title: text('notify.closedTitle'), body: text(platform === 'darwin' ? 'notify.closedBodyMac' : 'notify.closedBody') };
}
