import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import {
  CUTOFFS,
  IR_MEASURES_NAMES,
  METRIC_NAMES,
  computeRankingMetrics,
  rankByScore,
  type MetricName,
} from './rankingMetrics';
import { readReferenceJson } from '../../testing/sharedFolder';

interface GoldenCase {
  name: string;
  labels: number[];
  scores: number[];
  expected: Record<string, number>;
}

const golden = readReferenceJson<{ meta: unknown; cases: GoldenCase[] }>('metrics-golden.json');

const TOLERANCE = 1e-9;

function expectClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(
    TOLERANCE,
  );
}

describe('computeRankingMetrics against scikit-learn golden values', () => {
  it('has cases', () => {
    expect(golden.cases.length).toBeGreaterThan(0);
  });

  for (const c of golden.cases) {
    it(`matches every expected metric of ${c.name}`, () => {
      const metrics = computeRankingMetrics(c.labels, c.scores);
      const keys = Object.keys(c.expected);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(METRIC_NAMES).toContain(key);
        expectClose(metrics[key as MetricName], c.expected[key], `${c.name} ${key}`);
      }
    });

    it(`gives the same values from typed arrays for ${c.name}`, () => {
      const fromArrays = computeRankingMetrics(c.labels, c.scores);
      const fromTyped = computeRankingMetrics(Float32Array.from(c.labels), Float64Array.from(c.scores));
      expect(fromTyped).toEqual(fromArrays);
    });
  }

  it('covers every metric name in the golden file', () => {
    const goldenKeys = new Set(golden.cases.flatMap((c) => Object.keys(c.expected)));
    expect([...goldenKeys].sort()).toEqual([...METRIC_NAMES].sort());
  });
});

describe('METRIC_NAMES', () => {
  it('lists the metrics in column order', () => {
    expect(METRIC_NAMES.slice(0, 8)).toEqual([
      'roc_auc',
      'map',
      'mrr',
      'ndcg_at_10',
      'ndcg',
      'precision_at_5',
      'recall_at_5',
      'match_at_5',
    ]);
    expect(METRIC_NAMES).toHaveLength(5 + 3 * CUTOFFS.length);
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
  });

  it('is exactly the key set of a result', () => {
    const m = computeRankingMetrics([1, 0], [0.2, 0.1]);
    expect(Object.keys(m).sort()).toEqual([...METRIC_NAMES].sort());
  });
});

describe('rankByScore', () => {
  it('sorts descending and keeps candidate order among ties', () => {
    expect([...rankByScore([0.5, 0.9, 0.5, 0.1, 0.9])]).toEqual([1, 4, 0, 2, 3]);
  });

  it('rejects NaN scores', () => {
    expect(() => rankByScore([0.1, NaN])).toThrow(/NaN/);
    expect(() => rankByScore(Float32Array.of(0.1, NaN))).toThrow(/NaN/);
  });

  it('ranks float32 scores (radix sort) exactly as the comparator does, ties, signed zeros and infinities included', () => {
    const rng = new SeededRandom(3);
    for (let t = 0; t < 50; t++) {
      const scores = Float32Array.from({ length: 1 + Math.floor(rng.next() * 5000) }, () => {
        const r = rng.next();
        if (r < 0.1) return r < 0.05 ? 0 : -0;
        if (r < 0.14) return r < 0.12 ? Infinity : -Infinity;
        if (r < 0.5) return Math.round((rng.next() * 2 - 1) * 8) / 8;
        return (rng.next() * 2 - 1) * 10 ** Math.floor(rng.next() * 40 - 20);
      });
      // Array.from makes plain numbers: the comparator path.
      expect([...rankByScore(scores)]).toEqual([...rankByScore(Array.from(scores))]);
    }
  });
});

describe('computeRankingMetrics edge cases (hand-computed)', () => {
  it('counts tied relevant/non-relevant pairs as 0.5 in roc_auc and groups ties in map', () => {
    // ranking (stable): c3 (0.9, -), c0 (0.5, +), c1 (0.5, -), c2 (0.2, +)
    const m = computeRankingMetrics([1, 0, 1, 0], [0.5, 0.5, 0.2, 0.9]);
    // pairs: (c0,c1) tie 0.5, (c0,c3) 0, (c2,c1) 0, (c2,c3) 0
    expectClose(m.roc_auc, 0.125, 'roc_auc');
    // thresholds 0.9: P 0/1; 0.5: P 1/3, R 1/2; 0.2: P 2/4, R 1  →  1/2·1/3 + 1/2·1/2
    expectClose(m.map, 5 / 12, 'map');
    expectClose(m.mrr, 1 / 2, 'mrr');
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const ideal = 1 + 1 / Math.log2(3);
    expectClose(m.ndcg, dcg / ideal, 'ndcg');
    expectClose(m.ndcg_at_10, dcg / ideal, 'ndcg_at_10');
    // 4 candidates: the top 5 holds 4, so precision divides by 4 (unitxt)
    expectClose(m.precision_at_5, 2 / 4, 'precision_at_5');
    expectClose(m.recall_at_5, 1, 'recall_at_5');
    expectClose(m.match_at_5, 1, 'match_at_5');
  });

  it('reads position metrics off the stable ranking when the tie order changes', () => {
    // same scores, the tied pair's labels swapped: c0 (-) now precedes c1 (+)
    const m = computeRankingMetrics([0, 1, 1, 0], [0.5, 0.5, 0.2, 0.9]);
    expectClose(m.roc_auc, 0.125, 'roc_auc');
    expectClose(m.map, 5 / 12, 'map');
    expectClose(m.mrr, 1 / 3, 'mrr');
    const dcg = 1 / Math.log2(4) + 1 / Math.log2(5);
    expectClose(m.ndcg, dcg / (1 + 1 / Math.log2(3)), 'ndcg');
  });

  it('treats all-tied scores as one threshold', () => {
    const m = computeRankingMetrics([0, 1, 0, 1], [3, 3, 3, 3]);
    expectClose(m.roc_auc, 0.5, 'roc_auc');
    expectClose(m.map, 0.5, 'map');
    expectClose(m.mrr, 1 / 2, 'mrr');
  });

  it('gives NaN roc_auc and 0 elsewhere without relevant candidates', () => {
    const m = computeRankingMetrics([0, 0, 0], [0.3, 0.2, 0.1]);
    expect(m.roc_auc).toBeNaN();
    for (const name of METRIC_NAMES) if (name !== 'roc_auc') expect(m[name], name).toBe(0);
  });

  it('gives NaN roc_auc and perfect scores when every candidate is relevant', () => {
    const m = computeRankingMetrics([1, 2, 1], [0.1, 0.3, 0.2]);
    expect(m.roc_auc).toBeNaN();
    expect(m.map).toBe(1);
    expect(m.mrr).toBe(1);
    expectClose(m.ndcg, 1, 'ndcg');
    expectClose(m.ndcg_at_10, 1, 'ndcg_at_10');
    // precision divides by min(k, candidates), as unitxt's RetrievalAtK
    expect(m.precision_at_5).toBe(1);
    expect(m.precision_at_50).toBe(1);
    expect(m.recall_at_5).toBe(1);
    expect(m.match_at_5).toBe(1);
  });

  it('handles an empty candidate list', () => {
    const m = computeRankingMetrics([], []);
    expect(m.roc_auc).toBeNaN();
    expect(m.map).toBe(0);
    expect(m.precision_at_5).toBe(0);
  });

  it('uses binary relevance for graded labels', () => {
    const graded = computeRankingMetrics([0, 3, 1, 0, 2], [0.9, 0.8, 0.7, 0.6, 0.5]);
    const binary = computeRankingMetrics([0, 1, 1, 0, 1], [0.9, 0.8, 0.7, 0.6, 0.5]);
    expect(graded).toEqual(binary);
  });

  it('cuts ndcg_at_10 and the at-k metrics at k', () => {
    // 12 candidates in score order, relevant at ranks 1, 11 and 12
    const labels = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const scores = labels.map((_, i) => 12 - i);
    const m = computeRankingMetrics(labels, scores);
    expectClose(m.ndcg_at_10, 1 / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 'ndcg_at_10');
    expectClose(m.precision_at_10, 1 / 10, 'precision_at_10');
    expectClose(m.recall_at_10, 1 / 3, 'recall_at_10');
    expectClose(m.precision_at_15, 3 / 12, 'precision_at_15'); // 12 candidates in the top 15
    expectClose(m.recall_at_15, 1, 'recall_at_15');
  });

  it('rejects mismatched lengths', () => {
    expect(() => computeRankingMetrics([1, 0], [0.1])).toThrow(/2 labels but 1 scores/);
  });

  it('agrees with brute-force roc_auc (pairs) and map (thresholds) on heavily tied random data', () => {
    const rng = new SeededRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + rng.int(60);
      const labels = Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
      const scores = Array.from({ length: n }, () => rng.int(5));
      let pairs = 0;
      let wins = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (labels[i] !== 1 || labels[j] !== 0) continue;
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      }
      // average precision as scikit-learn defines it: one point per distinct score threshold
      const numRelevant = labels.filter((l) => l === 1).length;
      const thresholds = [...new Set(scores)].sort((a, b) => b - a);
      let ap = 0;
      let previousRecall = 0;
      for (const v of thresholds) {
        const above = scores.map((s, i) => (s >= v ? i : -1)).filter((i) => i >= 0);
        const tp = above.filter((i) => labels[i] === 1).length;
        const recall = numRelevant === 0 ? 0 : tp / numRelevant;
        ap += (recall - previousRecall) * (tp / above.length);
        previousRecall = recall;
      }
      const m = computeRankingMetrics(labels, scores);
      if (pairs === 0) expect(m.roc_auc).toBeNaN();
      else expectClose(m.roc_auc, wins / pairs, `trial ${trial} roc_auc`);
      expectClose(m.map, ap, `trial ${trial} map`);
    }
  });
});

describe('IR_MEASURES_NAMES', () => {
  it('names every metric as ir_measures does, null where it has no equivalent', () => {
    expect(Object.keys(IR_MEASURES_NAMES).sort()).toEqual([...METRIC_NAMES].sort());
    expect(IR_MEASURES_NAMES.map).toBe('AP');
    expect(IR_MEASURES_NAMES.mrr).toBe('RR');
    expect(IR_MEASURES_NAMES.ndcg_at_10).toBe('nDCG@10');
    expect(IR_MEASURES_NAMES.precision_at_15).toBe('P@15');
    expect(IR_MEASURES_NAMES.recall_at_50).toBe('R@50');
    expect(IR_MEASURES_NAMES.match_at_5).toBe('Success@5');
    expect(IR_MEASURES_NAMES.roc_auc).toBeNull();
  });
});
