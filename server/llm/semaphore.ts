import { abortReason } from '../../src/core/progress';
/** At most `limit` tasks at once; the rest wait in order. `peak` is the most that ever ran at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  peak = 0;

  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new Error(`concurrency must be ≥ 1, got ${limit}`);
  }

  get running(): number {
    return this.active;
  }

  /** `task` once a slot is free; a `signal` that aborts while it waits takes it out of the queue (rejects). */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.active < this.limit) this.active++;
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds the limit.
    else await this.queue(signal);
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private queue(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const take = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const at = this.waiting.indexOf(take);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(abortReason(signal!));
      };
      this.waiting.push(take);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }
}
