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

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds the limit.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
