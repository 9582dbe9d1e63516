import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { computeRankingMetrics } from './rankingMetrics';
import { metricsOfRelevantRanks, relevantRanksOf } from './relevantRanks';

describe('metrics from the relevant candidates’ ranks', () => {
  it('are exactly computeRankingMetrics’s, with ties, no relevant and all relevant candidates', () => {
    const rng = new SeededRandom(9);
    for (let t = 0; t < 300; t++) {
      const n = Math.floor(rng.next() * 400);
      const coarse = rng.next() < 0.5;
      const share = [0, 1, 0.02, 0.3][t % 4];
      const labels = Float32Array.from({ length: n }, () => (rng.next() < share ? 1 : 0));
      const scores = Float32Array.from({ length: n }, () =>
        coarse ? Math.round(rng.next() * 6) / 6 : rng.next() * 2 - 1,
      );
      const ranks = relevantRanksOf(labels, scores);
      expect(metricsOfRelevantRanks(ranks)).toEqual(computeRankingMetrics(labels, scores));
    }
  });

  it('count the candidates above and tied with each relevant one', () => {
    const ranks = relevantRanksOf(Float32Array.of(1, 0, 1, 0, 1), Float32Array.of(0.5, 0.9, 0.5, 0.5, 0.1));
    expect(Array.from(ranks.score)).toEqual([0.5, 0.5, Math.fround(0.1)]);
    expect(Array.from(ranks.greater)).toEqual([1, 1, 4]);
    expect(Array.from(ranks.tied)).toEqual([3, 3, 1]);
    expect(Array.from(ranks.tiedBefore)).toEqual([0, 1, 0]);
  });
});
