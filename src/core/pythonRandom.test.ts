import { describe, expect, it } from 'vitest';
import { PythonRandom } from './pythonRandom';
import { readReferenceGolden } from '../testing/sharedFolder';

const golden = readReferenceGolden();

describe('PythonRandom against CPython 3.11', () => {
  it('reproduces random() and getrandbits for small, negative and large seeds', () => {
    expect(new PythonRandom(42).random()).toBe(0.6394267984578837);
    expect(new PythonRandom(0).random()).toBe(0.8444218515250481);
    expect(new PythonRandom(42).getrandbits(32)).toBe(2746317213n);
    // Python seeds with the absolute value.
    expect(new PythonRandom(-7).random()).toBe(0.32383276483316237);
    expect(new PythonRandom(7).random()).toBe(0.32383276483316237);
    expect(new PythonRandom(Number.MAX_SAFE_INTEGER).random()).toBe(0.09425040007102303);
    const big = new PythonRandom(2n ** 64n + 5n);
    expect([big.getrandbits(32), big.getrandbits(32), big.getrandbits(32)]).toEqual([
      2192917427n,
      3085273184n,
      3778534651n,
    ]);
  });

  it('builds getrandbits words least significant first, the last from the top bits of its output', () => {
    const r = new PythonRandom(12345);
    expect(r.getrandbits(64)).toBe(13515657874892102023n);
    expect(r.getrandbits(1)).toBe(0n);
    expect(r.getrandbits(0)).toBe(0n);
    expect(r.getrandbits(100)).toBe(380520853016479263018850908268n);
    expect(r.getrandbits(33)).toBe(3672791226n);
  });

  it('draws _randbelow below 2^32 and up to 2^53', () => {
    const small = new PythonRandom(3);
    expect(Array.from({ length: 5 }, () => small.randbelow(1000))).toEqual([243, 606, 557, 133, 378]);
    const large = new PythonRandom(3);
    expect(Array.from({ length: 5 }, () => large.randbelow(10 ** 12 + 39))).toEqual([
      649562111997, 144071367498, 522284859645, 638342608038, 666001375193,
    ]);
    const largest = new PythonRandom(3);
    expect(Array.from({ length: 3 }, () => largest.randbelow(Number.MAX_SAFE_INTEGER))).toEqual([
      5338035485622269, 1174744612379466, 8250096893649316,
    ]);
  });

  it('samples as random.sample does, k = 0 and k = n included', () => {
    expect(new PythonRandom(5).sample(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 3)).toEqual(['e', 'c', 'f']);
    const r = new PythonRandom(5);
    expect(r.sampleRange(0, 10, 10)).toEqual([9, 4, 5, 6, 7, 8, 0, 1, 3, 2]);
    expect(r.sampleRange(0, 10, 0)).toEqual([]);
    expect(r.random()).toBe(0.9009004917506227); // the draws consumed match too
    expect(new PythonRandom(1).sampleRange(0, 3, 3)).toEqual([0, 2, 1]);
  });

  it('switches between the pool and the set branch where CPython does', () => {
    // Each pair straddles the threshold (21 for k <= 5; 21 + 4^ceil(log4 3k) above), with a seed whose two
    // branches would disagree.
    expect(new PythonRandom(2).sampleRange(0, 21, 5)).toEqual([1, 2, 19, 11, 5]); // pool
    expect(new PythonRandom(2).sampleRange(0, 22, 5)).toEqual([1, 2, 11, 5, 21]); // set
    expect(new PythonRandom(5).sampleRange(0, 85, 6)).toEqual([79, 32, 45, 67, 3, 59]); // pool
    expect(new PythonRandom(2).sampleRange(0, 86, 6)).toEqual([7, 11, 10, 46, 21, 85]); // set
  });

  it('rejects a sample larger than the population, or negative', () => {
    expect(() => new PythonRandom(1).sampleRange(5, 8, 4)).toThrow(
      /Sample larger than population or is negative/,
    );
    expect(() => new PythonRandom(1).sample([1, 2], -1)).toThrow(/Sample larger than population/);
    expect(() => new PythonRandom(2 ** 53)).toThrow(/safe integer/);
  });

  it('reproduces every golden document sample: range(top) + Random(seed).sample(range(top, n), total - top)', () => {
    expect(golden.document_samples.length).toBeGreaterThan(0);
    for (const c of golden.document_samples) {
      const top = Array.from({ length: c.scores_from_top }, (_, i) => i);
      const drawn = new PythonRandom(c.seed).sampleRange(
        c.scores_from_top,
        c.candidates,
        c.total_scores - c.scores_from_top,
      );
      expect([...top, ...drawn], `seed ${c.seed}, n ${c.candidates}`).toEqual(c.indices);
    }
  });

  it('reproduces every golden corpus cap: Random(42).sample(sorted(other ids), k)', () => {
    expect(golden.corpus_caps.length).toBeGreaterThan(0);
    for (const c of golden.corpus_caps) {
      // "doc000000..doc029999 (zero-padded to 6 digits)": already in sorted order.
      const [, first, last] = /^doc(\d{6})\.\.doc(\d{6}) /.exec(c.sorted_other_ids) ?? [];
      expect(Number(first)).toBe(0);
      expect(Number(last) + 1).toBe(c.count);
      const ids = Array.from({ length: c.count }, (_, i) => `doc${String(i).padStart(6, '0')}`);
      const sample = new PythonRandom(42).sample(ids, c.k);
      expect(sample).toHaveLength(c.k);
      expect(sample.slice(0, 50)).toEqual(c.first_50.slice(0, Math.min(50, c.k)));
      expect(sample.slice(-10)).toEqual(c.last_10);
      // The golden file leaves the 30,000-id sum out; CPython 3.11 gives 359802599.
      const sum = sample.reduce((s, id) => s + Number(id.slice(3)), 0);
      expect(sum).toBe(c.sum_of_positions ?? 359802599);
    }
  });
});
