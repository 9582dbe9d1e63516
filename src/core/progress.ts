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

/** Why `signal` aborted, as an Error: its reason when that is one, else "Cancelled". */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/** `promise`, or a rejection as soon as `signal` aborts (the work itself may go on in the background). */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
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
