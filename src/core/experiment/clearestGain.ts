import type { RankingMetrics } from '../metrics/rankingMetrics';

interface QueryMetrics {
  id: string;
  metrics: { original?: RankingMetrics; optimized?: RankingMetrics };
}

/**
 * The query whose refinement helps most visibly, to open a run on: the largest gain in MAP, ties broken by
 * the gain in nDCG@10, then by list order. Undefined for no queries.
 */
export function clearestGain(queries: QueryMetrics[]): string | undefined {
  let best: { id: string; map: number; ndcg: number } | undefined;
  for (const q of queries) {
    const { original, optimized } = q.metrics;
    if (!original || !optimized) continue;
    const map = optimized.map - original.map;
    const ndcg = optimized.ndcg_at_10 - original.ndcg_at_10;
    if (!best || map > best.map || (map === best.map && ndcg > best.ndcg)) best = { id: q.id, map, ndcg };
  }
  return best?.id ?? queries[0]?.id;
}
