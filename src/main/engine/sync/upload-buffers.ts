// Part buffers of multipart uploads, shared by every upload of a pair: one memory budget bounds them whatever
// the number of files in flight, and a buffer is reused by the next part instead of left to the GC.

/** What part buffers may take in all by default: 16 parts of 8 MiB. */
export const PART_MEMORY_BUDGET = 128 * 1024 * 1024;

interface Waiter {
  size: number;
  resolve: (buffer: Buffer) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

export class PartBuffers {
  readonly #free: Buffer[] = [];
  readonly #waiting: Waiter[] = [];
  /** Bytes handed out, and bytes allocated (handed out plus free). */
  #inUse = 0;
  #held = 0;

  constructor(readonly budget = PART_MEMORY_BUDGET) {}

  /** Bytes handed out now (for tests and diagnostics). */
  get inUse(): number {
    return this.#inUse;
  }

  /**
   * A buffer of exactly `size` bytes once the budget allows it (first come, first served). A part larger than
   * the whole budget still gets one when nothing else is out, so no upload waits forever.
   */
  acquire(size: number, signal: AbortSignal): Promise<Buffer> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#waiting.length === 0 && this.#fits(size)) return Promise.resolve(this.#take(size));
    return new Promise<Buffer>((resolve, reject) => {
      const waiter: Waiter = {
        size, resolve, reject, signal,
        onAbort: () => {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
          reject(signal.reason);
          this.#grant(); // the next in line may fit now
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  release(buffer: Buffer): void {
    this.#inUse -= buffer.length;
    if (this.#inUse === 0 && this.#waiting.length === 0) {
      // Idle: give the memory back rather than hold a budget's worth between transfers.
      this.#free.length = 0;
      this.#held = 0;
      return;
    }
    this.#free.push(buffer);
    this.#grant();
  }

  #fits(size: number): boolean {
    return this.#inUse === 0 || this.#inUse + size <= this.budget;
  }

  #take(size: number): Buffer {
    this.#inUse += size;
    const at = this.#free.findIndex((b) => b.length === size);
    if (at >= 0) return this.#free.splice(at, 1)[0]!;
    // Free buffers of other sizes go first when a new one would exceed the budget.
    while (this.#free.length > 0 && this.#held + size > this.budget) this.#held -= this.#free.pop()!.length;
    this.#held += size;
    return Buffer.allocUnsafeSlow(size);
  }

  #grant(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.size)) {
      const next = this.#waiting.shift()!;
      next.signal.removeEventListener('abort', next.onAbort);
      next.resolve(this.#take(next.size));
    }
  }
}
