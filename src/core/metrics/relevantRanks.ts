import { CUTOFFS, rankByScore, uncutMetrics, type RankingMetrics } from './rankingMetrics';

/**
 * What every ranking metric of one query needs, without the full ranking: for each relevant candidate, its
 * score, how many candidates score strictly higher, how many score the same, and how many of those come
 * before it in candidate order (its stable rank is `greater + tiedBefore`). A GPU computes these where the
 * scores are (`candidateRanksOnWebGpu`) and reads back a few numbers per relevant document instead of a
 * score per candidate; `metricsOfRelevantRanks` turns them into exactly `computeRankingMetrics`'s values.
 */
export interface RelevantRanks {
  /** Candidates of the query. */
  count: number;
  /** Per relevant candidate (any order): its score and counts. */
  score: Float32Array;
  greater: Int32Array;
  /** Candidates with the same score, itself included. */
  tied: Int32Array;
  /** Candidates with the same score before it in candidate order. */
  tiedBefore: Int32Array;
}

/** `RelevantRanks` of one query from its scores, on the CPU (one pass per relevant candidate's group). */
export function relevantRanksOf(labels: ArrayLike<number>, scores: Float32Array): RelevantRanks {
  const n = labels.length;
  const order = rankByScore(scores);
  const relevant: number[] = [];
  const greater: number[] = [];
  const tied: number[] = [];
  const tiedBefore: number[] = [];
  let start = 0;
  while (start < n) {
    const value = scores[order[start]];
    let end = start;
    while (end < n && scores[order[end]] === value) end++;
    for (let r = start; r < end; r++) {
      if (labels[order[r]] > 0) {
        relevant.push(order[r]);
        greater.push(start);
        tied.push(end - start);
        tiedBefore.push(r - start);
      }
    }
    start = end;
  }
  return {
    count: n,
    score: Float32Array.from(relevant, (c) => scores[c]),
    greater: Int32Array.from(greater),
    tied: Int32Array.from(tied),
    tiedBefore: Int32Array.from(tiedBefore),
  };
}

const NDCG_CUTOFF = 10;

/**
 * Every metric of `computeRankingMetrics` from the relevant candidates' ranks, with the same arithmetic in
 * the same order (groups of tied scores best first, relevant candidates in rank order), so the values are
 * identical, not merely close.
 */
export function metricsOfRelevantRanks(ranks: RelevantRanks): RankingMetrics {
  const n = ranks.count;
  const numRelevant = ranks.score.length;
  const numIrrelevant = n - numRelevant;
  const byRank = Array.from({ length: numRelevant }, (_, j) => j).sort(
    (a, b) => ranks.greater[a] + ranks.tiedBefore[a] - (ranks.greater[b] + ranks.tiedBefore[b]),
  );

  let concordantTwice = 0;
  let averagePrecision = 0;
  let relevantSeen = 0;
  for (let g = 0; g < numRelevant;) {
    const first = byRank[g];
    const groupStart = ranks.greater[first];
    const groupSize = ranks.tied[first];
    let groupRelevant = 0;
    while (g + groupRelevant < numRelevant && ranks.greater[byRank[g + groupRelevant]] === groupStart)
      groupRelevant++;
    const groupIrrelevant = groupSize - groupRelevant;
    // Non-relevant candidates strictly above this group: all above it, less the relevant ones.
    const irrelevantPassed = groupStart - relevantSeen + groupIrrelevant;
    const irrelevantBelowCount = numIrrelevant - irrelevantPassed;
    concordantTwice += groupRelevant * (2 * irrelevantBelowCount + groupIrrelevant);
    relevantSeen += groupRelevant;
    averagePrecision += (groupRelevant / numRelevant) * (relevantSeen / (groupStart + groupSize));
    g += groupRelevant;
  }
  const rocAuc =
    numRelevant === 0 || numIrrelevant === 0 ? NaN : concordantTwice / (2 * numRelevant * numIrrelevant);

  let dcg = 0;
  let dcgAtCutoff = 0;
  for (const j of byRank) {
    const r = ranks.greater[j] + ranks.tiedBefore[j];
    const gain = 1 / Math.log2(r + 2);
    dcg += gain;
    if (r < NDCG_CUTOFF) dcgAtCutoff += gain;
  }
  const firstRelevant = numRelevant ? ranks.greater[byRank[0]] + ranks.tiedBefore[byRank[0]] : -1;
  const metrics = uncutMetrics({ numRelevant, rocAuc, averagePrecision, firstRelevant, dcg, dcgAtCutoff });
  let relevantInTop = 0;
  let next = 0;
  for (const k of CUTOFFS) {
    const stop = Math.min(k, n);
    while (next < numRelevant && ranks.greater[byRank[next]] + ranks.tiedBefore[byRank[next]] < stop) {
      relevantInTop++;
      next++;
    }
    metrics[`precision_at_${k}`] = stop === 0 ? 0 : relevantInTop / stop;
    metrics[`recall_at_${k}`] = numRelevant === 0 ? 0 : relevantInTop / numRelevant;
    metrics[`match_at_${k}`] = relevantInTop > 0 ? 1 : 0;
  }
  return metrics;
}
