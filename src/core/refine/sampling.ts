import { SeededRandom } from '../rng';

export interface SamplingParams {
  /** How many candidates the teacher scores in all. */
  totalScores: number;
  /** How many of them are the top candidates by embedding similarity; the rest are drawn at random. */
  scoresFromTop: number;
  seed: number;
}

/** Candidate positions ordered by score, descending; ties keep candidate order. */
export function rankOrder(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order;
}

/**
 * Chooses the candidates the teacher scores, as the reference does: the top `scoresFromTop` by similarity,
 * then `totalScores - scoresFromTop` drawn uniformly without replacement from the rest, with a generator
 * seeded by `seed` (the same seed for every query, as in the reference). Returns candidate positions, top
 * ones first in rank order. Queries with fewer candidates than asked for get all of them.
 */
export function sampleForTeacher(similarities: ArrayLike<number>, params: SamplingParams): Int32Array {
  if (params.scoresFromTop > params.totalScores)
    throw new Error(
      `scores-from-top (${params.scoresFromTop}) cannot exceed total-scores (${params.totalScores})`,
    );
  const order = rankOrder(similarities);
  const top = Math.min(params.scoresFromTop, order.length);
  const rest = Array.from(order.subarray(top));
  const random = new SeededRandom(params.seed).sample(rest, params.totalScores - params.scoresFromTop);
  return Int32Array.from([...order.subarray(0, top), ...random]);
}
