import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { aggregateRuns, pairedComparison, pairedDeltas, summarizeMetric, summarizeRun } from './aggregate';
import { METRIC_NAMES, computeRankingMetrics, type RankingMetrics } from './rankingMetrics';

const BASELINE = [0.61, 0.42, 0.77, 0.55, 0.3, 0.66, 0.48, 0.71];
const TREATMENT = [0.7, 0.4, 0.85, 0.62, 0.38, 0.65, 0.59, 0.8];

describe('summarizeMetric', () => {
  it('averages the defined values and counts the skipped ones', () => {
    const s = summarizeMetric([1, NaN, 2, 3, NaN]);
    expect(s.mean).toBe(2);
    expect(s.n).toBe(3);
    expect(s.skipped).toBe(2);
    expect(s.std).toBeCloseTo(1, 15);
    expect(s.stderr).toBeCloseTo(1 / Math.sqrt(3), 15);
  });

  it('gives NaN without values', () => {
    const s = summarizeMetric([NaN]);
    expect(s.mean).toBeNaN();
    expect(s.n).toBe(0);
    expect(s.std).toBeNaN();
  });
});

describe('pairedComparison', () => {
  it('reports mean delta, wins/losses/ties and both tests (scipy ttest_rel reference)', () => {
    const c = pairedComparison(BASELINE, TREATMENT, { seed: 1 });
    expect(c.n).toBe(8);
    expect(c.meanDelta).toBeCloseTo(0.06125, 12);
    expect(c.wins).toBe(6);
    expect(c.losses).toBe(2);
    expect(c.ties).toBe(0);
    expect(Math.abs(c.pTTest - 0.009101473008820846)).toBeLessThan(1e-9);
    expect(c.t).toBeCloseTo(3.5696258853462988, 9);
    expect(c.randomizationExact).toBe(true);
    expect(c.pRandomization).toBeCloseTo(8 / 256, 15);
    expect(c.deltas).toHaveLength(8);
  });

  it('skips pairs with an undefined value', () => {
    const c = pairedComparison([0.5, NaN, 0.2, 0.4], [0.6, 0.3, NaN, 0.4], { seed: 1 });
    expect(c.n).toBe(2);
    expect(c.deltas[1]).toBeNaN();
    expect(c.meanDelta).toBeCloseTo(0.05, 15);
    expect(c.wins).toBe(1);
    expect(c.ties).toBe(1);
  });

  it('gives p = 1 for identical runs', () => {
    const rng = new SeededRandom(9);
    const values = Array.from({ length: 150 }, () => rng.next());
    const c = pairedComparison(values, values.slice(), { seed: 1 });
    expect(c.meanDelta).toBe(0);
    expect(c.ties).toBe(150);
    expect(c.pRandomization).toBe(1);
    expect(c.pTTest).toBe(1);
  });

  it('gives small p-values for a large consistent gain, deterministically for a seed', () => {
    const rng = new SeededRandom(4);
    const baseline = Array.from({ length: 150 }, () => rng.next() * 0.5);
    const treatment = baseline.map((b) => b + 0.2 + 0.05 * rng.normal());
    const a = pairedComparison(baseline, treatment, { seed: 123 });
    const b = pairedComparison(baseline, treatment, { seed: 123 });
    expect(a).toEqual(b);
    expect(a.pRandomization).toBeLessThan(0.001);
    expect(a.pTTest).toBeLessThan(1e-10);
    expect(a.wins).toBeGreaterThan(140);
  });

  it('rejects runs of different lengths', () => {
    expect(() => pairedDeltas([1, 2], [1])).toThrow(/baseline has 2/);
  });
});

describe('aggregateRuns', () => {
  function runOf(seed: number, queries: number, shift: number): RankingMetrics[] {
    const rng = new SeededRandom(seed);
    return Array.from({ length: queries }, () => {
      const labels = Array.from({ length: 80 }, () => (rng.next() < 0.1 ? 1 : 0));
      const scores = labels.map((l) => rng.normal() + shift * l);
      return computeRankingMetrics(labels, scores);
    });
  }

  it('summarises and compares every metric', () => {
    const baseline = runOf(1, 30, 0.5);
    const treatment = runOf(1, 30, 2);
    const result = aggregateRuns(baseline, treatment, { seed: 7, permutations: 2000 });
    expect(Object.keys(result)).toEqual([...METRIC_NAMES]);
    for (const name of METRIC_NAMES) {
      const r = result[name];
      expect(r.baseline.n + r.baseline.skipped).toBe(30);
      expect(r.baseline.mean).toBeCloseTo(summarizeRun(baseline)[name].mean, 15);
      if (r.paired.n > 0) {
        expect(r.paired.meanDelta).toBeCloseTo(r.treatment.mean - r.baseline.mean, 12);
      }
    }
    expect(result.roc_auc.paired.meanDelta).toBeGreaterThan(0);
    expect(result.roc_auc.paired.pRandomization).toBeLessThan(0.01);
    expect(aggregateRuns(baseline, treatment, { seed: 7, permutations: 2000 })).toEqual(result);
  });

  it('rejects runs over different queries', () => {
    expect(() => aggregateRuns(runOf(1, 3, 0), runOf(1, 4, 0), { seed: 1 })).toThrow(/3 queries/);
  });
});
