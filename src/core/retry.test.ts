import { describe, expect, it } from 'vitest';
import { withRetries } from './retry';

const failure = (retryable: boolean) => (thrown: unknown, retry: number) => ({
  error: thrown as Error,
  retryable,
  delayMs: 100 * 2 ** retry,
});

describe('withRetries', () => {
  it('tries again after the pauses the failures name, and gives up after the last retry', async () => {
    const pauses: number[] = [];
    const retried: number[] = [];
    let tries = 0;
    const flaky = () => (++tries < 3 ? Promise.reject(new Error(`try ${tries}`)) : Promise.resolve('ok'));
    const options = {
      failure: failure(true),
      wait: async (ms: number) => void pauses.push(ms),
      onRetry: (_: Error, retry: number) => void retried.push(retry),
    };
    await expect(withRetries(flaky, { ...options, retries: 2 })).resolves.toBe('ok');
    expect(pauses).toEqual([100, 200]);
    expect(retried).toEqual([1, 2]);
    tries = 0;
    await expect(
      withRetries(flaky, { ...options, retries: 1, giveUp: (e, made) => new Error(`${e.message}, ${made}`) }),
    ).rejects.toThrow('try 2, 1');
  });

  it('does not retry what is not retryable, nor after the signal aborted', async () => {
    let tries = 0;
    const failing = () => Promise.reject(new Error(`try ${++tries}`));
    await expect(withRetries(failing, { retries: 3, failure: failure(false) })).rejects.toThrow('try 1');
    const controller = new AbortController();
    controller.abort();
    await expect(
      withRetries(failing, { retries: 3, failure: failure(true), signal: controller.signal }),
    ).rejects.toThrow('try 2');
  });
});
