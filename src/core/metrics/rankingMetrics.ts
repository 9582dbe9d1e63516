/**
 * Per-query ranking metrics of one scored candidate list against its gold labels.
 *
 * Relevance is binary everywhere: a candidate is relevant when its label is > 0 (graded labels are not
 * used as gains). The ranking is the candidates sorted by score, descending; ties keep candidate order
 * (a stable sort), which is the order the explorer shows.
 *
 * Tie semantics, per metric:
 * - `roc_auc` is scikit-learn's `roc_auc_score` (Mann–Whitney U): a relevant/non-relevant pair with equal
 *   scores counts 0.5, so the candidate order of ties does not matter.
 * - `map` is scikit-learn's `average_precision_score` over the full ranking: tied scores form one
 *   threshold, so the candidate order of ties does not matter either.
 * - `mrr`, `ndcg_at_10`, `ndcg`, `precision_at_k`, `recall_at_k` and `match_at_k` are read off the stable
 *   ranking. (scikit-learn's `ndcg_score` averages over ties instead; the two agree whenever scores are
 *   distinct, as in the golden cases.)
 *
 * Definitions: `ndcg` uses linear gain (1 per relevant candidate), discount 1/log2(rank + 1) and is
 * normalised by the ideal ranking's DCG, over the full ranking or the top 10. `precision_at_k` divides by
 * the number of candidates in the top k, min(k, n), as the reference's unitxt `RetrievalAtK` does (so a
 * query with fewer than k candidates is not penalised for the missing ones; trec_eval's P@k divides by k
 * instead). `match_at_k` is 1 when any relevant candidate is in the top k.
 *
 * Degenerate queries: with no relevant or no non-relevant candidate `roc_auc` is undefined and NaN (the
 * aggregates skip NaN and report how many values they used). With no relevant candidate every other
 * metric is 0. An empty candidate list follows the same rules (roc_auc NaN, the rest 0).
 */

/** The cut-offs of the `*_at_k` metrics. */
export const CUTOFFS = [5, 10, 15, 20, 30, 40, 50] as const;
export type Cutoff = (typeof CUTOFFS)[number];

export type MetricName =
  | 'roc_auc'
  | 'map'
  | 'mrr'
  | 'ndcg_at_10'
  | 'ndcg'
  | `precision_at_${Cutoff}`
  | `recall_at_${Cutoff}`
  | `match_at_${Cutoff}`;

/** Every metric, in the order of results-table columns. */
export const METRIC_NAMES: readonly MetricName[] = Object.freeze([
  'roc_auc',
  'map',
  'mrr',
  'ndcg_at_10',
  'ndcg',
  ...CUTOFFS.flatMap((k) => [`precision_at_${k}`, `recall_at_${k}`, `match_at_${k}`] as const),
]);

export type RankingMetrics = Record<MetricName, number>;

/**
 * Each metric's name in ir_measures (trec_eval's measures under their ir_measures names), so that a reader
 * can recompute our numbers from the written run and qrels files; null where ir_measures has no equivalent.
 * Two differ in definition, not only in name: `map` is scikit-learn's average precision (tied scores form one
 * threshold; AP is rank-based, so the two agree when scores are distinct), and `precision_at_k` divides by
 * min(k, candidates) as unitxt does, where P@k divides by k (they agree when a query has at least k candidates).
 */
export const IR_MEASURES_NAMES: Readonly<Record<MetricName, string | null>> = Object.freeze({
  roc_auc: null,
  map: 'AP',
  mrr: 'RR',
  ndcg_at_10: 'nDCG@10',
  ndcg: 'nDCG',
  ...(Object.fromEntries(
    CUTOFFS.flatMap((k) => [
      [`precision_at_${k}`, `P@${k}`],
      [`recall_at_${k}`, `R@${k}`],
      [`match_at_${k}`, `Success@${k}`],
    ]),
  ) as Record<`${'precision' | 'recall' | 'match'}_at_${Cutoff}`, string>),
});

const NDCG_CUTOFF = 10;

/**
 * The candidate indices sorted by score, descending, ties in candidate order. Throws on NaN scores (a NaN
 * has no place in a ranking; it means an upstream computation failed).
 */
export function rankByScore(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  if (scores instanceof Float32Array) return rankFloat32(scores);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (Number.isNaN(v)) {
      throw new RangeError(`Score ${i} is NaN: every candidate needs a numeric score to be ranked.`);
    }
    s[i] = v;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (s[a] > s[b] ? -1 : s[a] < s[b] ? 1 : a - b));
  return order;
}

const float32Bits = new Float32Array(1);
const uint32Bits = new Uint32Array(float32Bits.buffer);
const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/**
 * `rankByScore` of float32 scores (every stored score), in linear time: each score's bits become a uint32
 * key whose ascending order is the scores' descending order, and a stable least-significant-digit radix sort
 * (three passes of 11 bits) orders the candidates, ties by index. The comparator sort took ~2 s of a
 * Clinc150 run's outputs (600 rankings of 15,000 candidates).
 */
function rankFloat32(scores: Float32Array): Uint32Array {
  const n = scores.length;
  let keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (Number.isNaN(v)) {
      throw new RangeError(`Score ${i} is NaN: every candidate needs a numeric score to be ranked.`);
    }
    float32Bits[0] = v === 0 ? 0 : v; // -0 ties with 0
    const bits = uint32Bits[0];
    // Positive scores first, the largest first; then negative ones, the smallest magnitude first.
    keys[i] = bits >= 0x80000000 ? 0x80000000 + (bits & 0x7fffffff) : 0x7fffffff - bits;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let nextKeys = new Uint32Array(n);
  let nextOrder = new Uint32Array(n);
  const counts = new Uint32Array(RADIX);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i] >>> shift) & (RADIX - 1)]++;
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const to = counts[(keys[i] >>> shift) & (RADIX - 1)]++;
      nextKeys[to] = keys[i];
      nextOrder[to] = order[i];
    }
    [keys, nextKeys] = [nextKeys, keys];
    [order, nextOrder] = [nextOrder, order];
  }
  return order;
}

/** All metrics of one query. `labels[i]` and `scores[i]` belong to candidate i. */
/** What a query's metrics without a cutoff k are made of (from the ranking, or from relevant ranks alone). */
export interface RankingParts {
  numRelevant: number;
  rocAuc: number;
  averagePrecision: number;
  /** The 0-based rank of the first relevant document; -1 when none is relevant. */
  firstRelevant: number;
  dcg: number;
  dcgAtCutoff: number;
}

/**
 * `roc_auc`, `map`, `mrr`, `ndcg_at_10` and `ndcg` from their parts (the per-cutoff metrics are added by the
 * caller): the nDCGs divide by the DCG of the ideal ranking, all relevant documents first.
 */
export function uncutMetrics(parts: RankingParts): RankingMetrics {
  const { numRelevant, rocAuc, averagePrecision, firstRelevant, dcg, dcgAtCutoff } = parts;
  let idealDcg = 0;
  let idealDcgAtCutoff = 0;
  for (let r = 0; r < numRelevant; r++) {
    const gain = 1 / Math.log2(r + 2);
    idealDcg += gain;
    if (r < NDCG_CUTOFF) idealDcgAtCutoff += gain;
  }
  return {
    roc_auc: rocAuc,
    map: numRelevant === 0 ? 0 : averagePrecision,
    mrr: firstRelevant < 0 ? 0 : 1 / (firstRelevant + 1),
    ndcg_at_10: numRelevant === 0 ? 0 : dcgAtCutoff / idealDcgAtCutoff,
    ndcg: numRelevant === 0 ? 0 : dcg / idealDcg,
  } as RankingMetrics;
}

export function computeRankingMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  order: Uint32Array = rankByScore(scores),
): RankingMetrics {
  const n = labels.length;
  if (scores.length !== n) {
    throw new RangeError(
      `computeRankingMetrics: ${n} labels but ${scores.length} scores; each candidate needs one of each.`,
    );
  }
  // relevance in ranked order
  const rel = new Uint8Array(n);
  let numRelevant = 0;
  for (let r = 0; r < n; r++) {
    if (labels[order[r]] > 0) {
      rel[r] = 1;
      numRelevant++;
    }
  }
  const numIrrelevant = n - numRelevant;

  // roc_auc and map walk the ranking one group of tied scores at a time.
  let concordantTwice = 0; // 2 × (pairs with the relevant one strictly higher) + (tied pairs)
  let irrelevantBelowCount = numIrrelevant; // non-relevant candidates not yet passed
  let averagePrecision = 0;
  let seen = 0;
  let relevantSeen = 0;
  while (seen < n) {
    const score = scores[order[seen]];
    let end = seen;
    let groupRelevant = 0;
    while (end < n && scores[order[end]] === score) {
      groupRelevant += rel[end];
      end++;
    }
    const groupIrrelevant = end - seen - groupRelevant;
    irrelevantBelowCount -= groupIrrelevant;
    concordantTwice += groupRelevant * (2 * irrelevantBelowCount + groupIrrelevant);
    relevantSeen += groupRelevant;
    if (groupRelevant > 0) {
      averagePrecision += (groupRelevant / numRelevant) * (relevantSeen / end);
    }
    seen = end;
  }
  const rocAuc =
    numRelevant === 0 || numIrrelevant === 0 ? NaN : concordantTwice / (2 * numRelevant * numIrrelevant);

  // position-based metrics on the stable ranking
  let firstRelevant = -1;
  let dcg = 0;
  let dcgAtCutoff = 0;
  for (let r = 0; r < n; r++) {
    if (rel[r] === 0) continue;
    if (firstRelevant < 0) firstRelevant = r;
    const gain = 1 / Math.log2(r + 2);
    dcg += gain;
    if (r < NDCG_CUTOFF) dcgAtCutoff += gain;
  }
  const metrics = uncutMetrics({ numRelevant, rocAuc, averagePrecision, firstRelevant, dcg, dcgAtCutoff });

  // relevant counts in the top k, in one pass over the ranking
  let relevantInTop = 0;
  let r = 0;
  for (const k of CUTOFFS) {
    const stop = Math.min(k, n);
    for (; r < stop; r++) relevantInTop += rel[r];
    metrics[`precision_at_${k}`] = stop === 0 ? 0 : relevantInTop / stop;
    metrics[`recall_at_${k}`] = numRelevant === 0 ? 0 : relevantInTop / numRelevant;
    metrics[`match_at_${k}`] = relevantInTop > 0 ? 1 : 0;
  }
  return metrics;
}
