// Quitting stops the engine first: the first quit request is held (before-quit's preventDefault) while the
// sync service finishes its in-flight work and closes the state database, then the quit goes ahead. The
// wait is bounded: an engine that does not stop in time is left to the process exit (SQLite's journal keeps
// the state consistent, and an interrupted multipart upload resumes on the next start).
export interface QuitEvent {
  preventDefault(): void;
}

export interface QuittingApp {
  on(event: 'before-quit', listener: (event: QuitEvent) => void): unknown;
  quit(): void;
}

export interface QuitOptions {
  /** Stops the engine (services.close()). */
  stop(): Promise<void>;
  /** How long to wait for stop() before quitting anyway. */
  timeoutMs: number;
  log(message: string): void;
  /** Timer, injectable for tests. */
  setTimer?: (callback: () => void, ms: number) => { cancel(): void };
}

export type QuitPhase = 'running' | 'stopping' | 'done';

const defaultTimer = (callback: () => void, ms: number) => {
  const timer = setTimeout(callback, ms);
  return { cancel: () => clearTimeout(timer) };
};

export function installQuitSequence(app: QuittingApp, options: QuitOptions): { phase(): QuitPhase } {
  let phase: QuitPhase = 'running';
  const setTimer = options.setTimer ?? defaultTimer;

  const stopThenQuit = async () => {
    let timer: { cancel(): void } | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimer(() => resolve('timeout'), options.timeoutMs);
    });
    const stopped = options.stop().then(
      () => 'stopped' as const,
      (error: unknown) => {
        options.log(`The sync engine did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        return 'failed' as const;
      },
    );
    const outcome = await Promise.race([stopped, timedOut]);
    timer?.cancel();
    if (outcome === 'timeout') options.log(`The sync engine did not stop within ${options.timeoutMs} ms; quitting anyway.`);
    phase = 'done';
    app.quit();
  };

  app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    void stopThenQuit();
  });
  return { phase: () => phase };
}
