// The shared bandwidth limit: a token bucket that holds its rate across concurrent takers, serves them in
// order, can be lifted or cancelled while someone waits, and meters an upload body slice by slice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Throttle, THROTTLE_CHUNK, throttledBody } from '../../src/main/engine/sync/throttle.js';

const KiB = 1024;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

describe('Throttle', () => {
  it('0 means unlimited', async () => {
    const throttle = new Throttle(0);
    assert.ok((await timed(() => throttle.take(1e12))) < 20);
  });

  it('holds the rate over many takes, shared by concurrent takers', async () => {
    const throttle = new Throttle(1024 * KiB); // 1 MiB/s, burst 0.1 s
    const each = 64 * KiB;
    const takers = Array.from({ length: 4 }, () => async () => {
      for (let i = 0; i < 4; i++) await throttle.take(each);
    });
    const ms = await timed(() => Promise.all(takers.map((t) => t())));
    // 1 MiB in all, less the initial burst of ~100 KiB: about 0.9 s.
    console.log(`[throttle] 1 MiB through a 1 MiB/s bucket by 4 takers: ${Math.round(ms)} ms`);
    assert.ok(ms > 800 && ms < 1300, `${ms} ms`);
  });

  it('serves takers in the order they came', async () => {
    const throttle = new Throttle(512 * KiB);
    await throttle.take(THROTTLE_CHUNK); // empty the burst
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => throttle.take(32 * KiB).then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2, 3]);
  });

  it('a cancelled wait rejects at once and gives its bytes back', async () => {
    const throttle = new Throttle(100 * KiB);
    await throttle.take(THROTTLE_CHUNK);
    const controller = new AbortController();
    const waiting = throttle.take(1000 * KiB, controller.signal); // ~10 s
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const ms = await timed(() => assert.rejects(waiting, /stop/));
    assert.ok(ms < 500, `${ms} ms`);
    // The refund means the next small take does not wait behind the cancelled 1000 KiB.
    assert.ok((await timed(() => throttle.take(10 * KiB))) < 1000);
  });

  it('lifting the limit releases everyone waiting', async () => {
    const throttle = new Throttle(10 * KiB);
    await throttle.take(THROTTLE_CHUNK);
    const waiting = throttle.take(1000 * KiB); // ~100 s at the old rate
    setTimeout(() => throttle.setRate(0), 30);
    assert.ok((await timed(() => waiting)) < 500);
  });

  it('refuses a negative or infinite rate', () => {
    assert.throws(() => new Throttle(-1), RangeError);
    assert.throws(() => new Throttle(Infinity), RangeError);
  });
});

describe('throttledBody', () => {
  it('passes every byte on, in order, at the rate', async () => {
    const data = randomBytes(300 * KiB + 7);
    const throttle = new Throttle(1024 * KiB);
    const chunks: Buffer[] = [];
    const ms = await timed(async () => {
      for await (const chunk of throttledBody(data, throttle)) chunks.push(chunk as Buffer);
    });
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.ok(chunks.every((c) => c.length <= THROTTLE_CHUNK));
    assert.ok(ms > 150 && ms < 600, `${ms} ms`); // ~300 KiB less the burst, at 1 MiB/s
  });
});
