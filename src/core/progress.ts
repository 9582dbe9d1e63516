/** Progress of one long stage, reported by the engine and shown by the CLI or the UI. */
export interface ProgressEvent {
  stage: string;
  done: number;
  total: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** What every long-running engine function accepts: progress reports and cancellation. */
export interface LongTaskOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
}

/**
 * Waits `ms`, or less when `signal` aborts (retry back-off: the caller's loop then sees the abort and
 * stops).
 */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
