// The main-process side of the window's contract, free of Electron: validates each call's input with the
// contract's schema and turns anything thrown into an error value. IPC (and the end-to-end tests) call it.
import { contract, type InputOf, type Method, type OutputOf } from '../../shared/ipc/contract.js';
import { appError, AppFailure } from '../../shared/errors.js';
import { fail, type Result } from '../../shared/result.js';

export type ApiHandlers = {
  [M in Method]: (input: InputOf<M>) => Promise<Result<OutputOf<M>>>;
};

export async function invokeApi<M extends Method>(
  handlers: ApiHandlers,
  method: M,
  rawInput: unknown,
): Promise<Result<OutputOf<M>>> {
  const parsed = contract[method].input.safeParse(rawInput);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    return fail(appError('invalid-argument', { message: `Invalid request to ${method}: ${issues.join('; ')}` }));
  }
  try {
    return await handlers[method](parsed.data as InputOf<M>);
  } catch (err) {
    if (err instanceof AppFailure) return fail(err.appError);
    return fail(appError('unknown', { detail: err instanceof Error ? err.message : String(err) }));
  }
}
