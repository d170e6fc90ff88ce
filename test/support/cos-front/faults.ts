// Injected failures for sync tests: the next n matching requests get an error (or a dropped
// connection) from the front instead of reaching the upstream server.
import type { CosError } from './errors.js';
import type { RecordedRequest } from './exchange.js';

export type FaultMatch = Partial<Pick<RecordedRequest, 'method' | 'op' | 'bucket' | 'key'>>;

export interface Fault {
  /** Default 503. A 200 with `code` gives a 200 carrying an <Error> body (Complete/Copy style). */
  status?: number;
  /** Default 'SlowDown'. */
  code?: string;
  message?: string;
  /** Which requests it applies to: fields that must be equal, or a predicate. Default: any. */
  match?: FaultMatch | ((request: RecordedRequest) => boolean);
  /** Drop the connection without an answer, like a reset, instead of answering an error. */
  reset?: boolean;
}

interface Pending {
  remaining: number;
  fault: Fault;
}

function matches(fault: Fault, request: RecordedRequest): boolean {
  const { match } = fault;
  if (match === undefined) return true;
  if (typeof match === 'function') return match(request);
  return (Object.keys(match) as (keyof FaultMatch)[]).every((field) => match[field] === request[field]);
}

export class FaultQueue {
  private readonly pending: Pending[] = [];

  add(count: number, fault: Fault): void {
    if (count > 0) this.pending.push({ remaining: count, fault });
  }

  /** The fault for this request, if one is due; each use counts against its n. */
  take(request: RecordedRequest): Fault | undefined {
    const due = this.pending.find((p) => matches(p.fault, request));
    if (!due) return undefined;
    due.remaining -= 1;
    if (due.remaining === 0) this.pending.splice(this.pending.indexOf(due), 1);
    return due.fault;
  }
}

export function faultError(fault: Fault): CosError {
  return {
    status: fault.status ?? 503,
    code: fault.code ?? 'SlowDown',
    message: fault.message ?? 'cos-front: injected fault.',
  };
}
