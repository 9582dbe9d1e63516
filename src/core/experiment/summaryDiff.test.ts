import { describe, expect, it } from 'vitest';
import type { ExperimentSummary, TypeSummary } from './outputs';
import { compareSummaries } from './summaryDiff';

function summary(
  map: number,
  ndcg: number | null,
  extra: Partial<ExperimentSummary> = {},
): ExperimentSummary {
  const mean = { map, ndcg_at_10: ndcg } as unknown as TypeSummary['mean'];
  return {
    experiment: 'x',
    dataset: 'demo',
    queries: 10,
    documents: 350,
    types: { original: { queries: 10, mean }, optimized: { queries: 10, mean } },
    timings_ms: {},
    ...extra,
  };
}

describe('compareSummaries', () => {
  it('passes within the tolerance and fails beyond it, per type and metric', () => {
    expect(compareSummaries(summary(0.5, 0.7), summary(0.504, 0.7)).passed).toBe(true);
    const diff = compareSummaries(summary(0.5, 0.7), summary(0.506, 0.7), 0.005);
    expect(diff.passed).toBe(false);
    expect(diff.failures.map((f) => [f.type, f.metric])).toEqual([
      ['original', 'map'],
      ['optimized', 'map'],
    ]);
    expect(diff.failures[0].delta).toBeCloseTo(0.006, 12);
    expect(compareSummaries(summary(0.5, 0.7), summary(0.506, 0.7), 0.01).passed).toBe(true);
  });

  it('treats NaN means (null in JSON) as equal only to NaN', () => {
    expect(compareSummaries(summary(0.5, null), summary(0.5, null)).passed).toBe(true);
    const diff = compareSummaries(summary(0.5, null), summary(0.5, 0.7));
    expect(diff.failures).toHaveLength(2);
    expect(diff.failures[0].delta).toBeNull();
  });

  it('fails when the re-run computed something else', () => {
    const current = summary(0.5, 0.7, { queries: 9 });
    delete current.types.optimized;
    const diff = compareSummaries(summary(0.5, 0.7), current);
    expect(diff.passed).toBe(false);
    expect(diff.problems.join('\n')).toMatch(/queries: the baseline has 10, the re-run 9/);
    expect(diff.problems.join('\n')).toMatch(/type optimized: in the baseline, not computed/);
    expect(() => compareSummaries(summary(0.5, 0.7), summary(0.5, 0.7), -1)).toThrow(/tolerance/);
  });
});
