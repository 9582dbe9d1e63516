import { rankByScore } from '../metrics/rankingMetrics';

/**
 * The `rerank_only` baseline: the teacher re-orders the top documents it scored (ties keep their embedding
 * order); every other candidate keeps its embedding order below them. Returns one score per candidate,
 * strictly decreasing along the new ranking (number of candidates minus rank), so that metrics and run
 * files see exactly that ranking. `order` is `rankByScore(similarities)` where the caller has it already.
 */
export function rerankOnlyScores(
  similarities: ArrayLike<number>,
  sampled: Int32Array,
  teacherScores: ArrayLike<number | null>,
  scoresFromTop: number,
  order: Uint32Array = rankByScore(similarities),
): Float32Array {
  const top = Math.min(scoresFromTop, order.length);
  const teacherOf = new Map<number, number>();
  sampled.forEach((candidate, i) => {
    const s = teacherScores[i];
    if (s !== null && Number.isFinite(s)) teacherOf.set(candidate, s);
  });
  const head = Array.from(order.subarray(0, top));
  // Unscored top documents (the teacher returned no score) stay below the scored ones, in embedding order.
  const rank = new Map(head.map((c, r) => [c, r]));
  head.sort((a, b) => {
    const sa = teacherOf.get(a) ?? -Infinity;
    const sb = teacherOf.get(b) ?? -Infinity;
    return sb - sa || rank.get(a)! - rank.get(b)!;
  });
  const scores = new Float32Array(order.length);
  const n = order.length;
  head.forEach((c, r) => (scores[c] = n - r));
  for (let r = top; r < n; r++) scores[order[r]] = n - r;
  return scores;
}

export interface RocchioParams {
  alpha: number;
  beta: number;
  gamma: number;
  /** Teacher scores above this count as relevant (0.5 for gold labels and probabilities, 0 for logits). */
  threshold: number;
}

export const DEFAULT_ROCCHIO: Omit<RocchioParams, 'threshold'> = { alpha: 1, beta: 0.75, gamma: 0.15 };

/**
 * The `rocchio` baseline on unit vectors: q' = α·q̂ + β·mean(d̂ relevant) − γ·mean(d̂ non-relevant), where
 * relevance is the teacher's score against the threshold. An empty group contributes nothing.
 */
export function rocchioQuery(
  query: Float32Array,
  sampledDocs: Float32Array[],
  teacherScores: ArrayLike<number | null>,
  params: RocchioParams,
): Float32Array {
  const d = query.length;
  const out = new Float32Array(d);
  addScaled(out, query, params.alpha);
  const relevant = sampledDocs.filter((_, i) => (teacherScores[i] ?? -Infinity) > params.threshold);
  const nonRelevant = sampledDocs.filter(
    (_, i) => teacherScores[i] !== null && teacherScores[i]! <= params.threshold,
  );
  for (const doc of relevant) addScaled(out, doc, params.beta / relevant.length);
  for (const doc of nonRelevant) addScaled(out, doc, -params.gamma / nonRelevant.length);
  return out;
}

function addScaled(target: Float32Array, v: Float32Array, weight: number): void {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  const scale = weight / Math.max(Math.sqrt(norm), 1e-8);
  for (let i = 0; i < v.length; i++) target[i] += v[i] * scale;
}
