// The simulation's fault injector: per remote call, seeded by (seed, epoch, call, key, nth time), it decides
// whether the call fails (503, 500, reset before or after the effect), is slow, hangs, or "crashes" the process.
import { appError, AppFailure } from '../../src/shared/errors.js';
import type { ErrorCode } from '../../src/shared/errors.js';
import { Rng } from './sim-random.js';

export type Fault =
  | 'none'
  | 'throttled' // 503 SlowDown, before the effect
  | 'server-error' // 500, before the effect
  | 'network' // connection reset before the request arrived
  | 'network-after' // reset after the service applied it: the effect happened, the answer is lost
  | 'slow' // answers late (real milliseconds)
  | 'hang' // no answer: a client timeout, the user quitting, or a crash ends it
  | 'crash-before' // the process dies before the request leaves
  | 'crash-after'; // the process dies after the service applied it

export type RemoteOp = 'list' | 'head' | 'upload' | 'copy' | 'delete';

export interface FaultProfile {
  /** Share of calls that get a fault. */
  rate: number;
  weights: Readonly<Record<Exclude<Fault, 'none'>, number>>;
  /** Process deaths (crashes, quits) per scenario at most, so every scenario makes progress. */
  maxDeaths: number;
}

export interface Decision {
  fault: Fault;
  /** A stream of its own for this call's further choices (delays, how a hang ends). */
  rng: Rng;
}

const RATES = [0, 0.04, 0.1, 0.2, 0.3];

/** A profile drawn from the seed: some scenarios without faults, most with a few, some with many. */
export function profileFor(seed: number): FaultProfile {
  const rng = Rng.keyed(seed, 'fault-profile');
  return {
    rate: rng.pick(RATES),
    weights: {
      throttled: rng.range(1, 3), 'server-error': rng.range(1, 3), network: rng.range(1, 3), 'network-after': rng.range(1, 3),
      slow: rng.range(0, 2), hang: rng.range(0, 2), 'crash-before': rng.range(0, 2), 'crash-after': rng.range(0, 2),
    },
    maxDeaths: rng.range(1, 4),
  };
}

export class FaultInjector {
  enabled = true;
  /** Bumped per scenario step, so a retried call in a later step meets other faults. */
  epoch = 0;
  deaths = 0;
  readonly seen = new Map<Fault | 'crash-at-write', number>();
  readonly #calls = new Map<string, number>();

  constructor(
    readonly seed: number,
    readonly profile: FaultProfile,
  ) {}

  decide(op: RemoteOp, key: string): Decision {
    const id = `${this.epoch}:${op}:${key}`;
    const nth = (this.#calls.get(id) ?? 0) + 1;
    this.#calls.set(id, nth);
    const rng = Rng.keyed(this.seed, 'call', id, nth);
    let fault: Fault = this.enabled && rng.chance(this.profile.rate) ? rng.weighted(this.profile.weights) : 'none';
    if ((fault === 'crash-before' || fault === 'crash-after' || fault === 'hang') && !this.mayDie()) fault = 'network';
    this.seen.set(fault, (this.seen.get(fault) ?? 0) + 1);
    return { fault, rng };
  }

  /** Whether the process dies right before this state write (a crash between two steps that touch no bucket). */
  crashAtWrite(write: string, key: string): boolean {
    if (!this.enabled || !this.mayDie()) return false;
    const id = `${this.epoch}:state:${write}:${key}`;
    const nth = (this.#calls.get(id) ?? 0) + 1;
    this.#calls.set(id, nth);
    const crash = Rng.keyed(this.seed, 'write', id, nth).chance(this.profile.rate * this.profile.weights['crash-before'] * 0.05);
    if (crash) this.seen.set('crash-at-write', (this.seen.get('crash-at-write') ?? 0) + 1);
    return crash;
  }

  /** Whether another process death is allowed (hangs may end in one). */
  mayDie(): boolean {
    return this.deaths < this.profile.maxDeaths;
  }
}

/** A retryable failure as the S3 error mapping would give it. */
export function transient(code: Extract<ErrorCode, 'throttled' | 'server-error' | 'network' | 'connect-timeout'>, what: string): AppFailure {
  return new AppFailure(appError(code, { detail: `simulated: ${what}` }));
}

/** Thrown by a call that "crashed the process": the scenario drops the runner and starts a new one. */
export class SimCrash extends Error {
  constructor(what: string) {
    super(`simulated process crash at ${what}`);
    this.name = 'SimCrash';
  }
}
