// The shared bandwidth limit: a token bucket that holds its rate across concurrent takers, serves them in
// order, can be lifted or cancelled while someone waits, and meters an upload body slice by slice.
// Time is virtual: the bucket's clock and its timers are driven by the test millisecond by millisecond, so the
// waits measured are exactly the ones the bucket asked for, whatever the machine's load.
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setImmediate as turn } from 'node:timers/promises';
import { Throttle, THROTTLE_CHUNK, throttledBody } from '../../src/main/engine/sync/throttle.js';

const KiB = 1024;

let now = 0;
const clock = () => now;

beforeEach(() => {
  now = 0;
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => mock.timers.reset());

/** Lets pending promise work run, then moves virtual time on by 1 ms, until `work` settles; the virtual ms it took. */
async function virtualMs(work: Promise<unknown>, limitMs = 120_000): Promise<number> {
  let settled = false;
  let failure: unknown;
  const started = now;
  work.then(() => (settled = true), (err: unknown) => { settled = true; failure = err ?? new Error('rejected'); });
  await turn();
  while (!settled) {
    if (now - started > limitMs) throw new Error(`still waiting after ${limitMs} virtual ms`);
    now += 1;
    mock.timers.tick(1);
    await turn();
  }
  if (failure !== undefined) throw failure;
  return now - started;
}

/** Moves virtual time on by ms, letting promise work run at each step. */
async function advance(ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    now += 1;
    mock.timers.tick(1);
    await turn();
  }
}

describe('Throttle', () => {
  it('0 means unlimited', async () => {
    const throttle = new Throttle(0, { clock });
    assert.equal(await virtualMs(throttle.take(1e12)), 0);
  });

  it('holds the rate over many takes, shared by concurrent takers', async () => {
    const throttle = new Throttle(1024 * KiB, { clock }); // 1 MiB/s, starting with an empty bucket
    const each = 64 * KiB;
    const finished: number[] = [];
    const takers = Array.from({ length: 4 }, () => async () => {
      for (let i = 0; i < 4; i++) await throttle.take(each);
      finished.push(now);
    });
    const ms = await virtualMs(Promise.all(takers.map((t) => t())));
    // 1 MiB in all at 1 MiB/s: one second, give or take the millisecond steps.
    assert.ok(ms >= 1000 && ms <= 1004, `${ms} virtual ms`);
    // Shared fairly: every taker ends in the last quarter second, not one after another.
    assert.ok(Math.min(...finished) >= 750, `first taker done at ${Math.min(...finished)} ms`);
  });

  it('serves takers in the order they came', async () => {
    const throttle = new Throttle(512 * KiB, { clock });
    await virtualMs(throttle.take(THROTTLE_CHUNK)); // empty the burst
    const order: number[] = [];
    await virtualMs(Promise.all([0, 1, 2, 3].map((i) => throttle.take(32 * KiB).then(() => order.push(i)))));
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('a cancelled wait rejects at once and gives its bytes back', async () => {
    const throttle = new Throttle(100 * KiB, { clock });
    await virtualMs(throttle.take(THROTTLE_CHUNK));
    const controller = new AbortController();
    const waiting = throttle.take(1000 * KiB, controller.signal); // 10 s at this rate
    const rejected = assert.rejects(waiting, /stop/);
    await advance(50);
    controller.abort(new Error('stop'));
    assert.equal(await virtualMs(rejected), 0, 'the abort rejects at once');
    // The refund means the next small take waits for its own 10 KiB only, not behind the cancelled 1000 KiB.
    const ms = await virtualMs(throttle.take(10 * KiB));
    assert.ok(ms <= 100, `${ms} virtual ms`);
  });

  it('lifting the limit releases everyone waiting', async () => {
    const throttle = new Throttle(10 * KiB, { clock });
    await virtualMs(throttle.take(THROTTLE_CHUNK));
    const waiting = throttle.take(1000 * KiB); // 100 s at the old rate
    await advance(30);
    throttle.setRate(0);
    assert.equal(await virtualMs(waiting), 0);
  });

  it('refuses a negative or infinite rate', () => {
    assert.throws(() => new Throttle(-1), RangeError);
    assert.throws(() => new Throttle(Infinity), RangeError);
  });
});

describe('throttledBody', () => {
  it('passes every byte on, in order, at the rate', async () => {
    const data = randomBytes(300 * KiB + 7);
    const throttle = new Throttle(1024 * KiB, { clock });
    const chunks: Buffer[] = [];
    const ms = await virtualMs((async () => {
      for await (const chunk of throttledBody(data, throttle)) chunks.push(chunk as Buffer);
    })());
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.ok(chunks.every((c) => c.length <= THROTTLE_CHUNK));
    // 300 KiB at 1 MiB/s is 293 ms; the last slice is let through once the one before it is paid for.
    assert.ok(ms >= 230 && ms <= 300, `${ms} virtual ms`);
  });
});
