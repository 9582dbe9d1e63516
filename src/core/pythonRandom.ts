/**
 * CPython's `random.Random` (the Mersenne Twister MT19937 and the draws built on it), reproduced bit for bit so
 * that the draws the reference code makes — the documents a teacher scores, the corpus caps' samples — are the
 * same here. Only what those draws need is here; everything else random in the engine uses `SeededRandom`.
 * Checked against CPython 3.11 (`pythonRandom.test.ts`).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_32 = 4294967296;

export class PythonRandom {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /**
   * Seeded as `random.Random(seed)` is for an int: the absolute value, split into 32-bit words (least
   * significant first; 0 gives one word, 0), goes through MT19937's `init_by_array`. A `number` seed must be
   * a safe integer; larger seeds are given as `bigint`.
   */
  constructor(seed: number | bigint) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed))
      throw new Error(`PythonRandom: the seed must be a safe integer or a bigint, got ${seed}`);
    let rest = BigInt(seed);
    if (rest < 0n) rest = -rest;
    const key: number[] = [];
    do {
      key.push(Number(rest & 0xffffffffn));
      rest >>= 32n;
    } while (rest > 0n);
    this.initByArray(key);
  }

  /** The next 32-bit output (`genrand_uint32`). */
  private next32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[(kk + 1) % N] & LOWER_MASK);
        mt[kk] = mt[(kk + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = Math.imul(1812433253, prev) + i; // the Uint32Array keeps it modulo 2^32
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) >>> 0) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) >>> 0) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
  }

  /** `random()`: uniform in [0, 1) with 53 random bits, from two outputs. */
  random(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * `getrandbits(k)`: a `k`-bit integer. Each 32-bit word of it is one output, least significant word first;
   * the last word, when it has fewer than 32 bits, takes the top bits of its output.
   */
  getrandbits(k: number): bigint {
    if (!Number.isInteger(k) || k < 0)
      throw new Error(`getrandbits: k must be a non-negative integer, got ${k}`);
    let result = 0n;
    for (let shift = 0; shift < k; shift += 32) {
      const bits = Math.min(32, k - shift);
      result |= BigInt(this.next32() >>> (32 - bits)) << BigInt(shift);
    }
    return result;
  }

  /**
   * `_randbelow(n)` (`_randbelow_with_getrandbits`): `getrandbits(n.bit_length())` drawn until below `n`.
   * Exact for every `n` from 1 to 2^53 − 1; below 2^32 a draw is one output.
   */
  randbelow(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new Error(`randbelow: n must be a safe integer >= 1, got ${n}`);
    const k = bitLength(n);
    for (;;) {
      let r: number;
      if (k <= 32) r = this.next32() >>> (32 - k);
      else r = this.next32() + (this.next32() >>> (64 - k)) * TWO_32; // low word first; at most 53 bits
      if (r < n) return r;
    }
  }

  /** `sample(population, k)`: `k` distinct items of `population`, in the order CPython 3.11 draws them. */
  sample<T>(population: readonly T[], k: number): T[] {
    return this.samplePositions(population.length, k).map((j) => population[j]);
  }

  /** `sample(range(start, stop), k)`, without building the range. */
  sampleRange(start: number, stop: number, k: number): number[] {
    return this.samplePositions(Math.max(0, stop - start), k).map((j) => start + j);
  }

  /**
   * The positions in a population of `n` that `sample` picks. CPython keeps a pool (a list of what is left)
   * when `n` is small next to the set a `k`-item sample would need, and otherwise re-draws positions already
   * picked; the two branches draw differently, so the switch point must be CPython's too.
   */
  private samplePositions(n: number, k: number): number[] {
    if (!Number.isInteger(k) || k < 0 || k > n)
      throw new Error(`Sample larger than population or is negative (k = ${k}, population ${n})`);
    const result = new Array<number>(k);
    if (n <= sampleSetSize(k)) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j];
        pool[j] = pool[n - i - 1]; // the last unpicked item fills the vacancy
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }
}

/**
 * CPython's `setsize` in `sample`: 21, plus `4 ** ceil(log(3k, 4))` when k > 5. The smallest power of 4 not
 * below 3k is that power exactly: 3k is never a power of 4, and for any k an array can hold, 3k is too far
 * from one for the floating-point logarithm to round across it.
 */
function sampleSetSize(k: number): number {
  if (k <= 5) return 21;
  let power = 1;
  while (power < 3 * k) power *= 4;
  return 21 + power;
}

/** `int.bit_length()` of a positive safe integer. */
function bitLength(n: number): number {
  return n < TWO_32 ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / TWO_32));
}
