/**
 * Aggregation of per-query metrics over a run: means over queries, paired per-query differences between
 * two runs on the same queries (treatment − baseline, e.g. optimized − original) and their significance.
 *
 * NaN values (a metric undefined for a query, e.g. roc_auc without non-relevant candidates) are skipped:
 * summaries report how many values they used, and a pair counts only when both of its values are defined.
 */

import { METRIC_NAMES, type MetricName, type RankingMetrics } from './rankingMetrics';
import { pairedRandomizationTest, pairedTTest, DEFAULT_PERMUTATIONS } from './significance';

export interface MetricSummary {
  /** Mean of the defined values; NaN when there are none. */
  mean: number;
  /** Sample standard deviation (n − 1); NaN when fewer than two values. */
  std: number;
  /** Standard error of the mean, std / √n. */
  stderr: number;
  /** Values used (not NaN). */
  n: number;
  /** Values skipped because they were NaN. */
  skipped: number;
}

export function summarizeMetric(values: readonly number[]): MetricSummary {
  let n = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  const mean = n === 0 ? NaN : sum / n;
  let squares = 0;
  for (const v of values) if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  const std = n < 2 ? NaN : Math.sqrt(squares / (n - 1));
  return { mean, std, stderr: n < 2 ? NaN : std / Math.sqrt(n), n, skipped: values.length - n };
}

export interface PairedComparisonOptions {
  /** Seed of the randomisation test. */
  seed: number;
  /** Random sign assignments of the randomisation test (default 10,000; exact when 2^n is no more). */
  permutations?: number;
}

export interface PairedComparison {
  /** treatment − baseline per query, in query order; NaN where either value is NaN. */
  deltas: number[];
  /** Mean of the defined deltas; NaN when there are none. */
  meanDelta: number;
  /** Pairs used (both values defined). */
  n: number;
  /** Two-sided p of the paired randomisation (sign-flip) test. */
  pRandomization: number;
  /** Whether the randomisation test enumerated every sign pattern. */
  randomizationExact: boolean;
  /** Two-sided p of the paired t-test (NaN when n < 2). */
  pTTest: number;
  t: number;
  /** Pairs where the treatment is higher, lower, equal. */
  wins: number;
  losses: number;
  ties: number;
}

/**
 * Differences no larger than this, relative to the values, are float noise and count as 0 (a tie): the same
 * ranking quality computed along two paths differs in the last bits (MAP 1.0 as 0.9999999999999998), which
 * must not become "wins" or a significant p-value. Any real change of a metric is far larger.
 */
export const FLOAT_NOISE = 1e-10;

/** Per-query differences treatment − baseline (NaN where either is NaN; 0 within float noise). */
export function pairedDeltas(baseline: readonly number[], treatment: readonly number[]): number[] {
  if (baseline.length !== treatment.length) {
    throw new RangeError(
      `Paired comparison needs one value per query in both runs: baseline has ${baseline.length}, ` +
        `treatment has ${treatment.length}.`,
    );
  }
  return baseline.map((b, i) => {
    const d = treatment[i] - b;
    return Math.abs(d) <= FLOAT_NOISE * Math.max(1, Math.abs(b), Math.abs(treatment[i])) ? 0 : d;
  });
}

export function pairedComparison(
  baseline: readonly number[],
  treatment: readonly number[],
  options: PairedComparisonOptions,
): PairedComparison {
  const deltas = pairedDeltas(baseline, treatment);
  const defined = deltas.filter((d) => !Number.isNaN(d));
  let wins = 0;
  let losses = 0;
  let ties = 0;
  let sum = 0;
  for (const d of defined) {
    sum += d;
    if (d > 0) wins++;
    else if (d < 0) losses++;
    else ties++;
  }
  const n = defined.length;
  const randomization = pairedRandomizationTest(defined, {
    seed: options.seed,
    permutations: options.permutations ?? DEFAULT_PERMUTATIONS,
  });
  const tTest = pairedTTest(defined);
  return {
    deltas,
    meanDelta: n === 0 ? NaN : sum / n,
    n,
    pRandomization: randomization.p,
    randomizationExact: randomization.exact,
    pTTest: tTest.p,
    t: tTest.t,
    wins,
    losses,
    ties,
  };
}

/** The values of one metric across queries. */
export function metricValues(perQuery: readonly RankingMetrics[], name: MetricName): number[] {
  return perQuery.map((m) => m[name]);
}

/** Mean (and spread) of every metric over the queries of one run. */
export function summarizeRun(perQuery: readonly RankingMetrics[]): Record<MetricName, MetricSummary> {
  const out = {} as Record<MetricName, MetricSummary>;
  for (const name of METRIC_NAMES) out[name] = summarizeMetric(metricValues(perQuery, name));
  return out;
}

export interface MetricComparison {
  baseline: MetricSummary;
  treatment: MetricSummary;
  paired: PairedComparison;
}

/**
 * Every metric of two runs over the same queries (same order): each run's summary and the paired
 * comparison treatment − baseline. Every metric's randomisation test uses the same seed.
 */
export function aggregateRuns(
  baseline: readonly RankingMetrics[],
  treatment: readonly RankingMetrics[],
  options: PairedComparisonOptions,
): Record<MetricName, MetricComparison> {
  if (baseline.length !== treatment.length) {
    throw new RangeError(
      `aggregateRuns needs the same queries in both runs: baseline has ${baseline.length} queries, ` +
        `treatment has ${treatment.length}.`,
    );
  }
  const out = {} as Record<MetricName, MetricComparison>;
  for (const name of METRIC_NAMES) {
    const b = metricValues(baseline, name);
    const t = metricValues(treatment, name);
    out[name] = {
      baseline: summarizeMetric(b),
      treatment: summarizeMetric(t),
      paired: pairedComparison(b, t, options),
    };
  }
  return out;
}
