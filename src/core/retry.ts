import { abortableDelay } from './progress';

/** What a failed attempt means for the retry loop. */
export interface AttemptFailure<E extends Error> {
  /** The error to retry on or to give up with. */
  error: E;
  retryable: boolean;
  /** The pause before the next try. */
  delayMs: number;
}

export interface RetryOptions<E extends Error> {
  /** How many times a retryable failure is tried again. */
  retries: number;
  /** Reads what an attempt threw (`retry`: 0 for the first failure, 1 for the second ...). */
  failure: (thrown: unknown, retry: number) => AttemptFailure<E>;
  /** The error thrown when the loop gives up (`retries`: how many retries were made); default the failure. */
  giveUp?: (error: E, retries: number) => Error;
  /** Called before each pause, with the retry's number (1-based). */
  onRetry?: (error: E, retry: number, delayMs: number) => void;
  /** How to pause (tests pass one that does not); default `abortableDelay`. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Once it aborts, a failure is not retried (it is given up with) and a pause ends at once. */
  signal?: AbortSignal;
}

/**
 * `attempt`'s result, tried again with pauses while its failures are retryable: the one retry loop of the
 * upstream LLM and embedding calls and of dataset downloads.
 */
export async function withRetries<T, E extends Error>(
  attempt: () => Promise<T>,
  options: RetryOptions<E>,
): Promise<T> {
  const { retries, signal } = options;
  const wait = options.wait ?? abortableDelay;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (thrown) {
      const { error, retryable, delayMs } = options.failure(thrown, retry);
      if (!retryable || retry >= retries || signal?.aborted)
        throw options.giveUp ? options.giveUp(error, retry) : error;
      options.onRetry?.(error, retry + 1, delayMs);
      await wait(delayMs, signal);
    }
  }
}
