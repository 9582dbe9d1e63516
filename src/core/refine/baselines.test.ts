import { describe, expect, it } from 'vitest';
import { rerankOnlyScores, rocchioQuery } from './baselines';
import { rankByScore } from '../metrics/rankingMetrics';

describe('rerankOnlyScores', () => {
  it('re-orders the scored top by teacher score and keeps the rest below in embedding order', () => {
    const sims = [0.9, 0.8, 0.7, 0.6, 0.5];
    // The teacher scored the top 3 (positions 0, 1, 2): it prefers candidate 2, then 0, then 1.
    const scores = rerankOnlyScores(sims, Int32Array.from([0, 1, 2]), [0.5, 0.1, 0.9], 3);
    expect(Array.from(rankByScore(scores))).toEqual([2, 0, 1, 3, 4]);
    expect(new Set(scores).size).toBe(5);
  });

  it('keeps embedding order among equal teacher scores and puts unscored top documents last', () => {
    const sims = [0.9, 0.8, 0.7, 0.6];
    const scores = rerankOnlyScores(sims, Int32Array.from([0, 1, 2]), [0, 1, null], 3);
    expect(Array.from(rankByScore(scores))).toEqual([1, 0, 2, 3]);
    const ties = rerankOnlyScores(sims, Int32Array.from([0, 1, 2]), [1, 1, 1], 3);
    expect(Array.from(rankByScore(ties))).toEqual([0, 1, 2, 3]);
  });
});

describe('rocchioQuery', () => {
  it('moves the query towards relevant and away from non-relevant documents', () => {
    const q = Float32Array.from([1, 0, 0]);
    const docs = [Float32Array.from([0, 2, 0]), Float32Array.from([0, 0, 3])];
    const out = rocchioQuery(q, docs, [1, 0], { alpha: 1, beta: 0.75, gamma: 0.15, threshold: 0.5 });
    expect(Array.from(out).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([1, 0.75, -0.15]);
  });

  it('leaves the query alone when the teacher scored nothing', () => {
    const q = Float32Array.from([3, 4]);
    const out = rocchioQuery(q, [Float32Array.from([1, 0])], [null], {
      alpha: 1,
      beta: 0.75,
      gamma: 0.15,
      threshold: 0.5,
    });
    expect(Array.from(out)).toEqual([0.6000000238418579, 0.800000011920929]);
  });
});
