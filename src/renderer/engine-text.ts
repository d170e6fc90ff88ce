// The engine's messages in the window's language: message ids with parameters (messages.ts) and error codes
// (errors.ts) are translated here; English is the engine's own text. An error that carries no id shows its
// code's translation (followed by the specific English message, when it has one).
import { catalogueEntry } from '../shared/errors.js';
import { fill, MESSAGES, type MessageId, type Msg } from '../shared/messages.js';
import { ERRORS_ZH, MESSAGES_ZH } from '../shared/messages-zh.js';
import type { ErrorCode } from '../shared/errors.js';
import type { AppError } from '../shared/result.js';
import { locale, onLocaleChange } from './i18n.js';

function template(m: Msg, chinese: boolean): string {
  if (m.id.startsWith('code:')) {
    const code = m.id.slice(5) as ErrorCode;
    return (chinese ? ERRORS_ZH[code]?.message : undefined) ?? catalogueEntry(code)?.message ?? m.id;
  }
  const id = m.id as MessageId;
  return (chinese ? MESSAGES_ZH[id] : undefined) ?? MESSAGES[id] ?? m.id;
}

/** A message in the chosen language. */
export function say(m: Msg): string {
  const chinese = locale() === 'zh-CN';
  const render = (inner: Msg): string => fill(template(inner, chinese), inner.params, render);
  return render(m);
}

/** A message if there is one, else the engine's English text (for data that predates message ids). */
export const sayOr = (m: Msg | undefined, english: string): string => (m ? say(m) : english);

/** An error's message and hint in the chosen language. */
export function errorParts(error: AppError): { message: string; hint?: string } {
  if (locale() !== 'zh-CN') return { message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  const zh = ERRORS_ZH[error.code];
  // A specific English message without an id (a few checks still word their own) follows its code's translation.
  const specific = error.message !== catalogueEntry(error.code)?.message;
  const message = error.i18n?.message ? say(error.i18n.message) : zh ? (specific ? `${zh.message}（${error.message}）` : zh.message) : error.message;
  const hint = error.i18n?.hint ? say(error.i18n.hint) : error.hint ? zh?.hint ?? error.hint : undefined;
  return { message, ...(hint ? { hint } : {}) };
}

/** Nodes whose text is an engine message: rewritten when the language changes. */
const liveNodes = new Map<HTMLElement, () => string>();
onLocaleChange(() => {
  for (const [node, text] of liveNodes) {
    if (node.isConnected) node.textContent = text();
    else liveNodes.delete(node);
  }
});

/** Sets the node's text from `text` now and after every language switch. */
export function live<E extends HTMLElement>(node: E, text: () => string): E {
  node.textContent = text();
  if (liveNodes.size > 5000) for (const old of liveNodes.keys()) if (!old.isConnected) liveNodes.delete(old);
  liveNodes.set(node, text);
  return node;
}
