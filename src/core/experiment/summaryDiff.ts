import type { ExperimentSummary } from './outputs';

/**
 * The regression check's comparison: every mean metric of every computation type of a baseline summary
 * against a re-run's. A metric fails when it moved by more than the tolerance (absolute), or when it is a
 * number on one side only (a NaN mean is written to JSON as null). A type or metric missing from the re-run,
 * or a different number of queries or documents, fails too: the re-run did not compute the same thing.
 * Types the re-run computed beyond the baseline's are ignored.
 */

export const DEFAULT_TOLERANCE = 0.005;

export interface MetricDiff {
  type: string;
  metric: string;
  baseline: number | null;
  current: number | null;
  /** current − baseline; null when either side is not a number. */
  delta: number | null;
  failed: boolean;
}

export interface SummaryDiff {
  tolerance: number;
  /** Every compared (type, metric), in the baseline's order. */
  rows: MetricDiff[];
  failures: MetricDiff[];
  /** Differences in what was computed (missing types, other query counts), each a failure. */
  problems: string[];
  passed: boolean;
}

const asNumber = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export function compareSummaries(
  baseline: ExperimentSummary,
  current: ExperimentSummary,
  tolerance = DEFAULT_TOLERANCE,
): SummaryDiff {
  if (!(tolerance >= 0)) throw new Error(`the tolerance must be a number ≥ 0 (got ${tolerance})`);
  const problems: string[] = [];
  if (baseline.queries !== current.queries)
    problems.push(`queries: the baseline has ${baseline.queries}, the re-run ${current.queries}`);
  if (baseline.documents !== current.documents)
    problems.push(`documents: the baseline has ${baseline.documents}, the re-run ${current.documents}`);
  const rows: MetricDiff[] = [];
  for (const [type, base] of Object.entries(baseline.types)) {
    if (!base) continue;
    const now = current.types[type as keyof ExperimentSummary['types']];
    if (!now) {
      problems.push(`type ${type}: in the baseline, not computed by the re-run`);
      continue;
    }
    if (base.queries !== now.queries)
      problems.push(`type ${type}: ${base.queries} queries in the baseline, ${now.queries} in the re-run`);
    const means = now.mean as Record<string, unknown>;
    for (const [metric, value] of Object.entries(base.mean as Record<string, unknown>)) {
      if (!(metric in means)) {
        problems.push(`type ${type}: metric ${metric} is missing from the re-run`);
        continue;
      }
      const b = asNumber(value);
      const c = asNumber(means[metric]);
      const delta = b !== null && c !== null ? c - b : null;
      const failed = delta === null ? b !== c : Math.abs(delta) > tolerance;
      rows.push({ type, metric, baseline: b, current: c, delta, failed });
    }
  }
  const failures = rows.filter((r) => r.failed);
  return { tolerance, rows, failures, problems, passed: failures.length === 0 && problems.length === 0 };
}
