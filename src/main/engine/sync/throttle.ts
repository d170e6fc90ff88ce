// The bandwidth limit: one token bucket (bytes/s, 0 = unlimited) shared by every transfer, and the metered
// body an upload request sends through it as it goes out (request-options.ts), instead of in bursts of a part.
import { Readable } from 'node:stream';

/** Slice a metered body is sent in: small enough for a smooth rate, large enough to keep syscalls few. */
export const THROTTLE_CHUNK = 64 * 1024;
/** How much may go out at once after an idle spell: a tenth of a second's worth (at least one slice). */
const BURST_SECONDS = 0.1;

export interface ThrottleOptions {
  /** Monotonic milliseconds; injectable for tests. */
  clock?: () => number;
}

/**
 * Token bucket with reservations: a caller takes its bytes at once (the balance may go negative) and
 * waits until the balance would have been paid back, so callers are served in arrival order.
 */
export class Throttle {
  #rate = 0;
  #tokens = 0;
  #last: number;
  readonly #clock: () => number;
  /** Waiters to release when the limit is lifted (setRate(0)). */
  readonly #waiting = new Set<() => void>();

  constructor(bytesPerSecond = 0, options: ThrottleOptions = {}) {
    this.#clock = options.clock ?? (() => performance.now());
    this.#last = this.#clock();
    this.setRate(bytesPerSecond);
  }

  get bytesPerSecond(): number {
    return this.#rate;
  }

  /** Changes the limit for what is taken from now on; 0 lifts it and releases everyone waiting. */
  setRate(bytesPerSecond: number): void {
    if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) throw new RangeError('The bandwidth limit must be 0 or more bytes per second.');
    this.#refill();
    this.#rate = bytesPerSecond;
    this.#tokens = Math.min(this.#tokens, this.#capacity());
    if (bytesPerSecond === 0) {
      for (const release of this.#waiting) release();
      this.#waiting.clear();
    }
  }

  /** Resolves when `bytes` may be sent; rejects with the signal's reason (and gives the bytes back) if aborted. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#rate === 0 || bytes <= 0) return;
    this.#refill();
    this.#tokens -= bytes;
    if (this.#tokens >= 0) return;
    try {
      await this.#sleep((-this.#tokens / this.#rate) * 1000, signal);
    } catch (err) {
      this.#tokens += bytes;
      throw err;
    }
  }

  #capacity(): number {
    return Math.max(THROTTLE_CHUNK, this.#rate * BURST_SECONDS);
  }

  #refill(): void {
    const now = this.#clock();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    if (this.#rate > 0) this.#tokens = Math.min(this.#capacity(), this.#tokens + (elapsed / 1000) * this.#rate);
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiting.delete(done);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.#waiting.delete(done);
        reject(signal!.reason);
      };
      const timer = setTimeout(done, Math.ceil(ms));
      this.#waiting.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The bytes of `data` as a stream that draws each slice from the throttle before passing it on. */
export function throttledBody(data: Uint8Array, throttle: Throttle, signal?: AbortSignal): Readable {
  async function* slices(): AsyncGenerator<Uint8Array> {
    for (let offset = 0; offset < data.length; offset += THROTTLE_CHUNK) {
      const slice = data.subarray(offset, offset + THROTTLE_CHUNK);
      await throttle.take(slice.length, signal);
      yield slice; // a view: no copy of the part is made
    }
  }
  const body = Readable.from(slices(), { objectMode: false, highWaterMark: THROTTLE_CHUNK });
  // An abort rejects the pending take() and so errors this stream, often after its request was answered (an early
  // 403) or aborted, when nothing reads it: unheard, that error would be an uncaught exception. The request is
  // aborted by the same signal, so nothing is lost by listening here.
  body.on('error', () => undefined);
  return body;
}

/** Slice an unmetered body goes out in over TLS: each is encrypted as it is written, not a whole part at once. */
export const TLS_SLICE = 256 * 1024;

/**
 * The bytes of `data` as a stream of views (no copy). Over TLS a socket write is encrypted whole before any of
 * it leaves, so a part written at once holds a second, encrypted copy of itself in memory while it drains.
 */
export function slicedBody(data: Uint8Array, sliceBytes = TLS_SLICE): Readable {
  function* slices(): Generator<Uint8Array> {
    for (let offset = 0; offset < data.length; offset += sliceBytes) yield data.subarray(offset, offset + sliceBytes);
  }
  const body = Readable.from(slices(), { objectMode: false, highWaterMark: sliceBytes });
  body.on('error', () => undefined); // as throttledBody: an aborted request may error it when nothing reads it
  return body;
}
