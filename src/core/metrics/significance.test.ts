import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { pairedRandomizationTest, pairedTTest } from './significance';

// treatment − baseline of a small paired example; reference values from scipy 1.17.1 (ttest_rel) and
// a brute-force enumeration of all 2^8 sign patterns (8 of 256 at least as extreme)
const DELTAS = [0.09, -0.02, 0.08, 0.07, 0.08, -0.01, 0.11, 0.09];

describe('pairedTTest', () => {
  it('matches scipy ttest_rel', () => {
    const r = pairedTTest(DELTAS);
    expect(r.df).toBe(7);
    expect(r.t).toBeCloseTo(3.5696258853462988, 9);
    expect(Math.abs(r.p - 0.009101473008820846)).toBeLessThan(1e-9);
  });

  it('handles degenerate inputs', () => {
    expect(pairedTTest([]).p).toBeNaN();
    expect(pairedTTest([0.3]).p).toBeNaN();
    expect(pairedTTest([0, 0, 0]).p).toBe(1);
    const constant = pairedTTest([0.1, 0.1, 0.1]);
    expect(constant.p).toBe(0);
    expect(constant.t).toBe(Infinity);
  });
});

describe('pairedRandomizationTest', () => {
  it('is exact by enumeration for few differences', () => {
    const r = pairedRandomizationTest(DELTAS, { seed: 1 });
    expect(r.exact).toBe(true);
    expect(r.permutations).toBe(256);
    expect(r.p).toBeCloseTo(8 / 256, 15);
  });

  it('ignores zero differences in the enumeration', () => {
    const r = pairedRandomizationTest([...DELTAS, 0, 0, 0], { seed: 1 });
    expect(r.permutations).toBe(256);
    expect(r.p).toBeCloseTo(8 / 256, 15);
  });

  it('gives p = 1 for no or all-zero differences', () => {
    expect(pairedRandomizationTest([], { seed: 1 }).p).toBe(1);
    expect(pairedRandomizationTest([0, 0, 0, 0], { seed: 1 }).p).toBe(1);
  });

  it('approximates the exact p-value by sampling, deterministically for a seed', () => {
    const a = pairedRandomizationTest(DELTAS, { seed: 42, permutations: 100 });
    const b = pairedRandomizationTest(DELTAS, { seed: 42, permutations: 100 });
    expect(a.exact).toBe(false);
    expect(a).toEqual(b);
    const large = pairedRandomizationTest(DELTAS, { seed: 42, permutations: 200 });
    expect(large.exact).toBe(false);
    // sampled with the +1 correction; ~8/256 expected
    expect(large.p).toBeGreaterThan(0.005);
    expect(large.p).toBeLessThan(0.08);
  });

  it('gives a small p for a large consistent shift and a large p for noise', () => {
    const rng = new SeededRandom(3);
    const shift = Array.from({ length: 150 }, () => 0.1 + 0.01 * rng.normal());
    const shifted = pairedRandomizationTest(shift, { seed: 5 });
    expect(shifted.exact).toBe(false);
    expect(shifted.p).toBeCloseTo(1 / 10_001, 12);
    const noise = Array.from({ length: 150 }, () => rng.normal());
    expect(pairedRandomizationTest(noise, { seed: 5 }).p).toBeGreaterThan(0.01);
  });

  it('depends on the seed only through sampling noise', () => {
    const rng = new SeededRandom(11);
    const deltas = Array.from({ length: 40 }, () => 0.05 + rng.normal() * 0.3);
    const p1 = pairedRandomizationTest(deltas, { seed: 1 }).p;
    const p2 = pairedRandomizationTest(deltas, { seed: 2 }).p;
    expect(p1).not.toBe(p2);
    expect(Math.abs(p1 - p2)).toBeLessThan(0.03);
  });

  it('rejects a bad permutation count and non-finite differences', () => {
    expect(() => pairedRandomizationTest(DELTAS, { seed: 1, permutations: 0 })).toThrow(/permutations/);
    expect(() => pairedRandomizationTest([Infinity], { seed: 1 })).toThrow(/not finite/);
  });
});
