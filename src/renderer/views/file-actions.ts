// Per-file actions in the window's file lists: show the file in its folder, copy the object key, copy a
// presigned download link with a chosen lifetime. The main process does each one; links never reach the page.
import { LINK_EXPIRY_CHOICES, type ProfileSummary } from '../../shared/ipc/contract.js';
import { announce, el, errorText, txt, type Message } from '../dom.js';
import { t } from '../i18n.js';
import type { StringKey } from '../strings-en.js';

export interface FileRef {
  pairId: string;
  key: string;
}

export interface FileActionsContext {
  /** The signature the pair's connection uses (it decides how long a link may last). */
  signatureOf(pairId: string): ProfileSummary['profile']['signature'] | undefined;
  /** Shows the result of an action next to the list. */
  say(message: Message, kind: 'status' | 'alert'): void;
}

let counter = 0;
/** Which files' actions are open, so a redraw of the list (new activity, a language switch) keeps them open. */
const open = new Set<string>();
const chosenExpiry = new Map<string, string>();

function expirySelect(id: string, signature: 'v4' | 'v2'): HTMLSelectElement {
  const select = el('select', { id, className: 'link-expiry' }, LINK_EXPIRY_CHOICES[signature].map((seconds) => txt('option', `expiry.${seconds}` as StringKey, { value: String(seconds) })));
  select.value = '86400';
  return select;
}

/** A disclosure with the actions for one file; `describedBy` names the element that says which file. */
export function fileActions(file: FileRef, ctx: FileActionsContext, describedBy: string): HTMLElement {
  const n = ++counter;
  const signature = ctx.signatureOf(file.pairId) ?? 'v4';
  const ref = { id: file.pairId, key: file.key };
  const id = `${file.pairId}\n${file.key}`;
  const expiry = expirySelect(`link-expiry-${n}`, signature);
  if ([...expiry.options].some((o) => o.value === chosenExpiry.get(id))) expiry.value = chosenExpiry.get(id)!;
  expiry.addEventListener('change', () => chosenExpiry.set(id, expiry.value));
  const act = (key: StringKey, className: string, run: () => Promise<void>) => {
    const b = txt('button', key, { type: 'button', className });
    b.setAttribute('aria-describedby', describedBy);
    b.addEventListener('click', () => void run());
    return b;
  };
  const report = (result: { ok: true; message: { key: StringKey; vars: Record<string, string> } } | { ok: false; error: unknown }) => {
    const message: Message = result.ok ? result.message : errorText(result.error as never);
    ctx.say(message, result.ok ? 'status' : 'alert');
    announce(typeof message === 'string' ? message : t(message.key, message.vars));
  };
  const reveal = act('files.reveal', 'reveal', async () => {
    const r = await window.cosSync.revealFile(ref);
    report(r.ok ? { ok: true, message: { key: r.value.isFile ? 'files.revealed' : 'files.revealedFolder', vars: { path: r.value.path } } } : r);
  });
  const copyKey = act('files.copyKey', 'copy-key', async () => {
    const r = await window.cosSync.copyKey(ref);
    report(r.ok ? { ok: true, message: { key: 'files.keyCopied', vars: { key: r.value.copied } } } : r);
  });
  const copyLink = act('files.copyLink', 'copy-link', async () => {
    const r = await window.cosSync.copyLink({ ...ref, expiresInSeconds: Number(expiry.value) });
    const until = r.ok ? new Intl.DateTimeFormat(document.documentElement.lang || 'en', { dateStyle: 'medium', timeStyle: 'short' }).format(r.value.expiresAtMs) : '';
    report(r.ok ? { ok: true, message: { key: 'files.linkCopied', vars: { key: file.key, until } } } : r);
  });
  const summary = txt('summary', 'files.actions');
  summary.setAttribute('aria-describedby', describedBy);
  const details = el('details', { className: 'file-actions', ...(open.has(id) ? { open: '' } : {}) }, [
    summary,
    el('div', { className: 'row' }, [reveal, copyKey, txt('label', 'files.expiry', { htmlFor: expiry.id }), expiry, copyLink]),
  ]);
  details.addEventListener('toggle', () => (details.open ? open.add(id) : open.delete(id)));
  return details;
}
