import { describe, expect, it } from 'vitest';
import { rankByScore } from '../metrics/rankingMetrics';
import { sampleForTeacher } from './sampling';
import { readReferenceGolden } from '../../testing/sharedFolder';

const golden = readReferenceGolden();

describe('sampleForTeacher', () => {
  const sims = Array.from({ length: 100 }, (_, i) => Math.cos(i * 1.7));
  const order = Array.from(rankByScore(sims));

  it('takes exactly the top candidates when total equals from-top (the default)', () => {
    expect(Array.from(sampleForTeacher(sims, { totalScores: 20, scoresFromTop: 20, seed: 42 }))).toEqual(
      order.slice(0, 20),
    );
  });

  it('adds distinct seeded random candidates from below the top', () => {
    const params = { totalScores: 30, scoresFromTop: 10, seed: 7 };
    const a = Array.from(sampleForTeacher(sims, params));
    expect(a.slice(0, 10)).toEqual(order.slice(0, 10));
    expect(new Set(a).size).toBe(30);
    const top = new Set(order.slice(0, 10));
    expect(a.slice(10).every((i) => !top.has(i))).toBe(true);
    expect(Array.from(sampleForTeacher(sims, params))).toEqual(a);
    expect(Array.from(sampleForTeacher(sims, { ...params, seed: 8 })).slice(10)).not.toEqual(a.slice(10));
  });

  it("draws exactly the reference's ranking positions for every golden case", () => {
    expect(golden.document_samples.length).toBeGreaterThan(0);
    for (const c of golden.document_samples) {
      // Candidates listed in reverse rank order, so ranking position p is candidate n - 1 - p.
      const n = c.candidates;
      const similarities = Float64Array.from({ length: n }, (_, i) => i / n);
      const sampled = sampleForTeacher(similarities, {
        totalScores: c.total_scores,
        scoresFromTop: c.scores_from_top,
        seed: c.seed,
      });
      expect(
        Array.from(sampled, (candidate) => n - 1 - candidate),
        `seed ${c.seed}, n ${n}`,
      ).toEqual(c.indices);
    }
  });

  it('returns every candidate when there are fewer than asked for (the reference raises)', () => {
    const sampled = Array.from(
      sampleForTeacher([0.2, 0.3, 0.1, 0.4], { totalScores: 20, scoresFromTop: 2, seed: 1 }),
    );
    // The top two, then random.Random(1).sample(range(2, 4), 2) = [2, 3] through the ranking.
    expect(sampled).toEqual([3, 1, 0, 2]);
    expect(sampleForTeacher([0.2, 0.3, 0.1], { totalScores: 20, scoresFromTop: 10, seed: 1 }).length).toBe(3);
  });

  it('rejects more from the top than in total', () => {
    expect(() => sampleForTeacher(sims, { totalScores: 5, scoresFromTop: 10, seed: 1 })).toThrow(
      /cannot exceed/,
    );
  });
});
