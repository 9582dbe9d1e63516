import { rankByScore } from '../metrics/rankingMetrics';
import { PythonRandom } from '../pythonRandom';

export interface SamplingParams {
  /** How many candidates the teacher scores in all. */
  totalScores: number;
  /** How many of them are the top candidates by embedding similarity; the rest are drawn at random. */
  scoresFromTop: number;
  seed: number;
}

/**
 * Chooses the candidates the teacher scores, exactly as the reference does: the top `scoresFromTop` by
 * similarity, then the ranking positions `random.Random(seed).sample(range(scoresFromTop, n), totalScores -
 * scoresFromTop)` (CPython's generator, the same seed for every query), mapped through the ranking. Returns
 * candidate positions, top ones first in rank order, then the drawn ones in draw order. A query with fewer
 * candidates than asked for gets all of them, the rest in the order of a sample of all of them (the
 * reference raises there). `order` is `rankByScore(similarities)` where the caller has it already.
 */
export function sampleForTeacher(
  similarities: ArrayLike<number>,
  params: SamplingParams,
  order: Uint32Array = rankByScore(similarities),
): Int32Array {
  if (params.scoresFromTop > params.totalScores)
    throw new Error(
      `scores-from-top (${params.scoresFromTop}) cannot exceed total-scores (${params.totalScores})`,
    );
  const n = order.length;
  const top = Math.min(params.scoresFromTop, n);
  const drawn = new PythonRandom(params.seed).sampleRange(
    top,
    n,
    Math.min(params.totalScores - params.scoresFromTop, n - top),
  );
  const chosen = new Int32Array(top + drawn.length);
  chosen.set(order.subarray(0, top));
  drawn.forEach((position, i) => (chosen[top + i] = order[position]));
  return chosen;
}
