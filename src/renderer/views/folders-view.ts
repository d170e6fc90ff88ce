// The folders and status screen: one card per folder pair (kept across redraws), the form to add a folder,
// and the recent activity. Pause, resume, remove, and Apply or Keep for a held plan.
import type { PairView, ProfileSummary } from '../../shared/ipc/contract.js';
import { announce, el, errorText, replace, statusLine, txt, type Message } from '../dom.js';
import { t } from '../i18n.js';
import type { SyncStore } from '../store.js';
import { ActivityView } from './activity-view.js';
import { buildAddPair } from './add-pair.js';
import { PairCard, type PairActions } from './pair-card.js';
import { fileActions } from './file-actions.js';
import { savedMessage } from './pair-edit.js';

export interface FoldersScreen {
  store: SyncStore;
  profiles: ProfileSummary[];
  /** Opens the bucket's trash of a pair. */
  onTrash?: (pair: PairView) => void;
}

function say(view: HTMLElement, message: Message, kind: 'status' | 'alert' = 'status'): void {
  replace('folders-status', statusLine('folders-status', message, kind), view.querySelector('#folders-head') as HTMLElement);
}

function actions(view: HTMLElement, store: SyncStore, onTrash?: (pair: PairView) => void): PairActions {
  const act = async (call: Promise<{ ok: boolean; error?: { message: string; hint?: string } }>, done?: Message) => {
    const result = await call;
    if (!result.ok) return say(view, () => errorText(result.error as never), 'alert');
    if (done) say(view, done);
    await store.refresh();
  };
  return {
    setPaused: (pair, paused) => void act(window.cosSync.setPaused({ id: pair.pair.id, paused })),
    remove: (pair) => void act(window.cosSync.removePair({ id: pair.pair.id }), { key: 'status.pairRemoved', vars: { path: pair.pair.localPath } }),
    apply: (pair) => void act(window.cosSync.approvePair({ id: pair.pair.id }), { key: 'status.applied', vars: { path: pair.pair.localPath } }),
    keep: (pair) => void keep(view, store, pair),
    edited: (pair) => void store.refresh().then(() => say(view, savedMessage(pair))),
    ...(onTrash ? { openTrash: onTrash } : {}),
  };
}

/** Keep on a held plan: the engine declines it (nothing is deleted) and says whether the folder stays paused. */
async function keep(view: HTMLElement, store: SyncStore, pair: PairView): Promise<void> {
  const result = await window.cosSync.declinePair({ id: pair.pair.id });
  if (!result.ok) return say(view, () => errorText(result.error), 'alert');
  say(view, { key: result.value.paused ? 'status.kept' : 'status.keptGoing', vars: { path: pair.pair.localPath } });
  await store.refresh();
}

/** Keeps one card per pair; new pairs get a card, removed ones lose theirs, all are updated in place. */
function drawCards(list: HTMLElement, cards: Map<string, PairCard>, store: SyncStore, pairActions: PairActions): void {
  const seen = new Set<string>();
  store.pairs.forEach((view, index) => {
    seen.add(view.pair.id);
    let card = cards.get(view.pair.id);
    if (!card) {
      card = new PairCard(view, index, pairActions);
      cards.set(view.pair.id, card);
      list.append(card.node);
    }
    const wasHeld = card.node.dataset.state === 'waiting-for-user';
    const transfers = [...store.transfers.values()].filter((x) => x.pairId === view.pair.id);
    card.update(view, transfers, store.notices.get(view.pair.id));
    if (!wasHeld && view.state === 'waiting-for-user') announce(`${view.pair.localPath}: ${t('gate.title')}`);
  });
  for (const [id, card] of cards) {
    if (!seen.has(id)) {
      card.node.remove();
      cards.delete(id);
    }
  }
}

/** Outcomes after which the object is in the bucket: the per-file actions apply. */
const FILE_KINDS = new Set(['uploaded', 'adopted', 'copied']);

export function renderFolders(view: HTMLElement, screen: FoldersScreen): () => void {
  const { store } = screen;
  const head = el('div', { id: 'folders-head' }, [txt('h2', 'folders.title', { id: 'screen-title', tabindex: '-1' })]);
  const list = el('ul', { className: 'cards', id: 'pairs', 'aria-labelledby': 'screen-title' });
  const empty = txt('p', 'folders.empty', { id: 'pairs-empty' });
  const cards = new Map<string, PairCard>();
  const pairActions = actions(view, store, screen.onTrash);
  const activity = new ActivityView((id) => store.pairs.find((p) => p.pair.id === id)?.pair.localPath ?? '', (item, describedBy) => {
    if (!FILE_KINDS.has(item.kind)) return undefined;
    const signatureOf = (pairId: string) => {
      const profile = store.pairs.find((p) => p.pair.id === pairId)?.pair.profile;
      return screen.profiles.find((s) => s.profile.name === profile)?.profile.signature;
    };
    const say = (message: Message, kind: 'status' | 'alert') => {
      const line = statusLine('activity-status', message, kind);
      const old = document.getElementById('activity-status');
      if (old) old.replaceWith(line);
      else activity.node.querySelector('#activity-list')?.before(line);
    };
    return fileActions(item, { signatureOf, say }, describedBy);
  });
  const adding = screen.profiles.length
    ? buildAddPair(screen.profiles, (added: PairView) => void store.refresh().then(() => announce(added.pair.localPath)))
    : txt('p', 'folders.needConnection');
  view.replaceChildren(head, list, empty, adding, activity.node);
  const draw = () => {
    drawCards(list, cards, store, pairActions);
    empty.hidden = store.pairs.length > 0;
    activity.update(store.activity);
  };
  draw();
  return store.subscribe(draw);
}
