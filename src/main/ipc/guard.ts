// The check every IPC call passes before it reaches the API: the sender must be the app's own page, and
// the arguments are then validated by the contract's zod schema (invokeApi). No Electron import, so the
// unit tests drive it with recorded stand-ins for Electron's events.
import type { Method } from '../../shared/ipc/contract.js';
import { appError } from '../../shared/errors.js';
import { fail } from '../../shared/result.js';
import { invokeApi, type ApiHandlers } from '../engine/app-api.js';

export type SenderCheck = (url: string) => boolean;

export interface InvokeEventLike {
  senderFrame?: { url: string } | null;
}

export function guardedInvoke(handlers: ApiHandlers, method: Method, isTrustedSender: SenderCheck) {
  return (event: InvokeEventLike, input: unknown) => {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedSender(url)) {
      return Promise.resolve(fail(appError('access-denied', { message: 'This request did not come from the COS Sync window.' })));
    }
    return invokeApi(handlers, method, input);
  };
}
