import { describe, expect, it } from 'vitest';
import type { RankingMetrics } from '../metrics/rankingMetrics';
import { clearestGain } from './clearestGain';

const m = (map: number, ndcg = 0) => ({ map, ndcg_at_10: ndcg }) as RankingMetrics;

describe('clearestGain', () => {
  it('picks the largest MAP gain, then the larger nDCG@10 gain, then the first', () => {
    expect(
      clearestGain([
        { id: 'a', metrics: { original: m(0.5), optimized: m(0.6) } },
        { id: 'b', metrics: { original: m(0.25), optimized: m(0.5, 0.1) } },
        { id: 'c', metrics: { original: m(0.125), optimized: m(0.375, 0.3) } },
        { id: 'd', metrics: { original: m(0.9), optimized: m(0.95) } },
      ]),
    ).toBe('c');
    const same = { original: m(0.2), optimized: m(0.3) };
    expect(
      clearestGain([
        { id: 'x', metrics: same },
        { id: 'y', metrics: same },
      ]),
    ).toBe('x');
  });

  it('falls back to the first query without refined metrics, and to nothing without queries', () => {
    expect(clearestGain([{ id: 'only', metrics: { original: m(0.1) } }])).toBe('only');
    expect(clearestGain([])).toBeUndefined();
  });
});
