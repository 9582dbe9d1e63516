/** mulberry32's state moves on by this constant at each draw. */
const STEP = 0x6d2b79f5;

/**
 * A small seeded pseudo-random generator (mulberry32 seeded through splitmix32), so that every random
 * choice of the engine the reference does not make (noisy teachers, randomized SVD, UMAP, permutation tests)
 * is reproducible from one integer seed in the browser, in workers and in Node alike. The reference's own
 * draws (the teacher's documents, the corpus caps, the latency queries) use `PythonRandom`.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // splitmix32 scrambles the seed so that nearby seeds give unrelated streams.
    let z = (seed | 0) + 0x9e3779b9;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    this.state = (z ^ (z >>> 16)) >>> 0;
  }

  /** The generator's state, for `restoreState` (on another thread: the draws continue the same stream). */
  saveState(): number {
    return this.state;
  }

  /** Continues from a state that `saveState` returned (any integer: it is read as an unsigned 32-bit one). */
  restoreState(state: number): void {
    this.state = state >>> 0;
  }

  /** Moves on as `draws` calls of `next` would, without making them (state n is the seed's + n steps). */
  skip(draws: number): void {
    this.state = (this.state + Math.imul(draws, STEP)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + STEP) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `k` distinct items of `items`, drawn uniformly without replacement (partial Fisher–Yates). */
  sample<T>(items: readonly T[], k: number): T[] {
    const pool = items.slice();
    const n = Math.min(k, pool.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(pool.length - i);
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return pool.slice(0, n);
  }
}
