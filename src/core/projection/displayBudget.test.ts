import { describe, expect, it } from 'vitest';
import { selectForDisplay } from './displayBudget';

describe('selectForDisplay', () => {
  it('draws everything when the points fit the budget', () => {
    const s = selectForDisplay(5, 5, [1, 4], 0);
    expect(Array.from(s.indices)).toEqual([0, 1, 2, 3, 4]);
    expect(s).toMatchObject({ total: 5, truncated: false, mustKeepExceedsBudget: false });
    expect(selectForDisplay(0, 10, [], 0).indices.length).toBe(0);
  });

  it('keeps every must-keep point and fills the budget with a seeded sample of the rest, ascending', () => {
    const mustKeep = [3, 97, 50, 3];
    const s = selectForDisplay(100, 20, mustKeep, 42);
    const indices = Array.from(s.indices);
    expect(indices.length).toBe(20);
    for (const i of mustKeep) expect(indices).toContain(i);
    expect(new Set(indices).size).toBe(20);
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    expect(indices.every((i) => i >= 0 && i < 100)).toBe(true);
    expect(s).toMatchObject({ total: 100, truncated: true, mustKeepExceedsBudget: false });
    // The same seed gives the same points; another seed other points.
    expect(Array.from(selectForDisplay(100, 20, mustKeep, 42).indices)).toEqual(indices);
    expect(Array.from(selectForDisplay(100, 20, mustKeep, 43).indices)).not.toEqual(indices);
  });

  it('samples the rest uniformly', () => {
    const hits = new Float64Array(50);
    const runs = 2000;
    for (let seed = 0; seed < runs; seed++)
      for (const i of selectForDisplay(50, 10, [0], seed).indices) hits[i]++;
    expect(hits[0]).toBe(runs);
    // Each of the other 49 is drawn with probability 9/49: about 367 times in 2,000 runs (sd ≈ 17).
    for (let i = 1; i < 50; i++) expect(Math.abs(hits[i] - (runs * 9) / 49)).toBeLessThan(90);
  });

  it('keeps all must-keep points when they alone exceed the budget, and says so', () => {
    const s = selectForDisplay(10, 3, [9, 1, 5, 7], 1);
    expect(Array.from(s.indices)).toEqual([1, 5, 7, 9]);
    expect(s).toMatchObject({ total: 10, truncated: true, mustKeepExceedsBudget: true });
    const exact = selectForDisplay(10, 4, [9, 1, 5, 7], 1);
    expect(Array.from(exact.indices)).toEqual([1, 5, 7, 9]);
    expect(exact.mustKeepExceedsBudget).toBe(false);
    expect(Array.from(selectForDisplay(10, 0, [], 1).indices)).toEqual([]);
  });

  it('accepts any iterable of indices and rejects indices that are not points', () => {
    expect(Array.from(selectForDisplay(6, 2, new Set([4, 2]), 0).indices)).toEqual([2, 4]);
    expect(() => selectForDisplay(6, 2, [6], 0)).toThrow('must-keep index 6');
    expect(() => selectForDisplay(6, 2, [-1], 0)).toThrow('must-keep index -1');
    expect(() => selectForDisplay(6, -1, [], 0)).toThrow('budget');
    expect(() => selectForDisplay(1.5, 2, [], 0)).toThrow('count');
  });
});
