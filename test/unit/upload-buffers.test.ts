// The part buffers every upload of a pair shares: one budget bounds them, first come first served, a part
// larger than the budget still goes alone, a cancelled wait gives its turn away, and an idle pool holds nothing.
// And how small files are read: synchronously while the volume is fast.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PartBuffers } from '../../src/main/engine/sync/upload-buffers.js';
import { SMALL_FILE_BYTES, SmallFileReads } from '../../src/main/engine/sync/upload-single.js';

const never = new AbortController().signal;
const settled = async <T>(p: Promise<T>) => {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('PartBuffers', () => {
  it('hands out buffers of the asked size up to the budget; the next waits for a release and reuses it', async () => {
    const pool = new PartBuffers(30);
    const a = await pool.acquire(10, never);
    const b = await pool.acquire(10, never);
    const c = await pool.acquire(10, never);
    assert.deepEqual([a.length, b.length, c.length, pool.inUse], [10, 10, 10, 30]);
    const d = pool.acquire(10, never);
    assert.equal(await settled(d), false, 'over budget: waits');
    pool.release(b);
    assert.equal(await d, b, 'the released buffer is reused');
    assert.equal(pool.inUse, 30);
  });

  it('serves waiters in order: a small request does not overtake a large one', async () => {
    const pool = new PartBuffers(20);
    const a = await pool.acquire(15, never);
    const big = pool.acquire(20, never);
    const small = pool.acquire(5, never);
    assert.equal(await settled(small), false, 'fits, but waits behind the larger request');
    pool.release(a);
    assert.equal((await big).length, 20);
    assert.equal(await settled(small), false);
  });

  it('a part larger than the whole budget goes when nothing else is out', async () => {
    const pool = new PartBuffers(10);
    const huge = await pool.acquire(25, never);
    assert.equal(huge.length, 25);
    const next = pool.acquire(5, never);
    assert.equal(await settled(next), false);
    pool.release(huge);
    assert.equal((await next).length, 5);
  });

  it('a cancelled wait rejects with the reason and lets the next in line through', async () => {
    const pool = new PartBuffers(10);
    const a = await pool.acquire(10, never);
    const stop = new AbortController();
    const cancelled = pool.acquire(10, stop.signal);
    const after = pool.acquire(10, never);
    stop.abort(new Error('paused'));
    await assert.rejects(cancelled, /paused/);
    pool.release(a);
    assert.equal((await after).length, 10);
    await assert.rejects(pool.acquire(1, stop.signal), /paused/, 'an aborted signal is refused at once');
  });

  it('once idle it keeps no memory: the next buffer is a new one', async () => {
    const pool = new PartBuffers(20);
    const a = await pool.acquire(10, never);
    pool.release(a);
    assert.equal(pool.inUse, 0);
    const b = await pool.acquire(10, never);
    assert.notEqual(b, a);
  });
});

describe('SmallFileReads', () => {
  it('small files go synchronous until three slow reads in a row, then 1,000 go async, then synchronous again', () => {
    const reads = new SmallFileReads();
    assert.equal(reads.useSync(SMALL_FILE_BYTES + 1), false, 'larger files are always read asynchronously');
    assert.equal(reads.useSync(4096), true);
    reads.took(50);
    reads.took(50);
    reads.took(1); // a fast one in between: the count starts over
    reads.took(50);
    reads.took(50);
    assert.equal(reads.useSync(4096), true);
    reads.took(50);
    const next = Array.from({ length: 1001 }, () => reads.useSync(4096));
    assert.equal(next.filter((sync) => !sync).length, 1000);
    assert.equal(next.at(-1), true);
  });
});
