// Quit stops the engine first: the quit is held until services.close() ends (or a bounded wait runs out),
// then goes ahead once. Electron's app is a recorded stand-in; the timer is driven by the test.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { installQuitSequence, type QuitEvent } from '../../src/main/app/quit.js';

class RecordedApp extends EventEmitter {
  quits = 0;
  prevented = 0;
  /** What a quit request does in Electron: before-quit, and the quit goes on unless a listener prevented it. */
  requestQuit(): boolean {
    let prevented = false;
    const event: QuitEvent = { preventDefault: () => { prevented = true; this.prevented++; } };
    this.emit('before-quit', event);
    return !prevented;
  }
  quit(): void {
    this.quits++;
    this.requestQuit();
  }
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const manualTimer = () => {
  const timers: { fire: () => void; ms: number; cancelled: boolean }[] = [];
  const setTimer = (fire: () => void, ms: number) => {
    const timer = { fire, ms, cancelled: false };
    timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  };
  return { timers, setTimer };
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('quit sequence', () => {
  test('holds the quit until the engine has stopped, then quits once', async () => {
    const app = new RecordedApp();
    const stop = deferred();
    let stops = 0;
    const { timers, setTimer } = manualTimer();
    const logs: string[] = [];
    const sequence = installQuitSequence(app, { stop: () => { stops++; return stop.promise; }, timeoutMs: 10_000, log: (m) => logs.push(m), setTimer });
    assert.equal(app.requestQuit(), false, 'the first quit is held');
    assert.equal(sequence.phase(), 'stopping');
    assert.equal(app.requestQuit(), false, 'a second quit while stopping is held too');
    await settle();
    assert.equal(stops, 1, 'the engine is stopped once');
    assert.equal(app.quits, 0);
    stop.resolve();
    await settle();
    assert.equal(sequence.phase(), 'done');
    assert.equal(app.quits, 1, 'then the quit goes ahead');
    assert.equal(app.requestQuit(), true, 'and is no longer held');
    assert.equal(timers[0]?.ms, 10_000);
    assert.equal(timers[0]?.cancelled, true, 'the bounded wait is cancelled');
    assert.deepEqual(logs, []);
  });

  test('an engine that does not stop in time does not keep the app open', async () => {
    const app = new RecordedApp();
    const { timers, setTimer } = manualTimer();
    const logs: string[] = [];
    const sequence = installQuitSequence(app, { stop: () => new Promise<void>(() => undefined), timeoutMs: 5000, log: (m) => logs.push(m), setTimer });
    app.requestQuit();
    await settle();
    assert.equal(app.quits, 0);
    timers[0]!.fire();
    await settle();
    assert.equal(sequence.phase(), 'done');
    assert.equal(app.quits, 1);
    assert.deepEqual(logs, ['The sync engine did not stop within 5000 ms; quitting anyway.']);
  });

  test('an engine that fails to stop is logged, and the app quits', async () => {
    const app = new RecordedApp();
    const stop = deferred();
    const logs: string[] = [];
    installQuitSequence(app, { stop: () => stop.promise, timeoutMs: 5000, log: (m) => logs.push(m), setTimer: manualTimer().setTimer });
    app.requestQuit();
    stop.reject(new Error('database is locked'));
    await settle();
    assert.equal(app.quits, 1);
    assert.deepEqual(logs, ['The sync engine did not stop cleanly: database is locked']);
  });
});
