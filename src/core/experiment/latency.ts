import { positionsByText } from '../datasets/codePointOrder';
import type { Embedder } from '../embedding/types';
import { computeRankingMetrics } from '../metrics/rankingMetrics';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { CorpusScorer } from '../refine/rescoring';
import { PythonRandom } from '../pythonRandom';
import type { Teacher } from '../teachers/types';
import type { MethodConfig } from './config';
import { LATENCY_STAGES, type LatencyStage } from './latencyStages';
import type { ExperimentResult } from './pipeline';
import {
  askTeacher,
  candidateScores,
  refineTowardsTeacher,
  teacherItems,
  teacherSamples,
} from './pipelineStages';

/**
 * The latency report (the reference's `analysis/measure_latencies.py`): what refining ONE query costs, stage
 * by stage, as a deployed system would pay it per incoming query. After a batched run, queries are run one at
 * a time through the whole path (batch size 1, nothing shared between queries but the loaded model and the
 * corpus on the device):
 *
 * - `embed_query`: embed the query text (the caller passes an embedder without a vector cache, so this is a
 *   real forward pass; LSA: the projection);
 * - `rank`: cosine against the whole corpus, the candidates' scores, and picking the teacher's sample;
 * - `teacher`: the teacher's call for that sample (the caller passes a teacher without a cache where it can);
 * - `refine`: the optimizer on that one query (`num_steps` Adam steps, the refined vector read back);
 * - `rescore`: cosine of the refined query against the corpus, the candidates' scores;
 * - `total`: the sum, one query end to end.
 *
 * The measured queries are the reference's: `random.seed(seed); random.sample(sorted(queries), min(50, Q))`
 * over the query texts sorted in code-point order (whatever the dataset's order), with CPython's generator.
 * Every GPU result is read back before the clock stops, so device work is inside the measured time. Warm-up:
 * `warmup` queries that are not measured (where there are any) run the same path first and are not counted:
 * they load models and compile kernels, which a running service has already done. Each measured query is
 * timed once (no per-query repeat: a repeat would hit caches and repeat work that a service does once).
 */

export interface LatencyStats {
  mean: number;
  median: number;
  min: number;
  max: number;
  /** Population standard deviation (as the reference's `statistics.pstdev`). */
  stdev: number;
}

export interface LatencyReport {
  /** Queries measured, and warm-up queries run before them and not counted. */
  queries: number;
  warmup_queries: number;
  /** Per stage, milliseconds. */
  stages: Record<LatencyStage, LatencyStats>;
  per_query: ({ query_id: string } & Record<LatencyStage, number>)[];
  /**
   * Largest |MAP difference| between a measured query's single-query refinement and the batched run's: the
   * timed work is the run's own work (a difference of 0 up to float noise).
   */
  max_map_difference_vs_batched: number | null;
  notes: string[];
}

export interface LatencyInputs {
  /** The batched run: its dataset, corpus embeddings and `optimized` metrics. */
  result: ExperimentResult;
  /** A fitted embedder (LSA: the run's own); neural: one without a vector cache. */
  embedder: Embedder;
  teacher: Teacher;
  method: MethodConfig;
  /** Queries measured (default 50, as the reference; at most the dataset's). */
  queries?: number;
  /** Warm-up queries, not counted (default 3). */
  warmup?: number;
  /** Anything the caller knows that qualifies the numbers (e.g. a teacher cache that could answer). */
  notes?: string[];
}

export function latencyStats(values: readonly number[]): LatencyStats {
  if (values.length === 0) return { mean: NaN, median: NaN, min: NaN, max: NaN, stdev: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const variance = sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    mean: round(mean),
    median: round(median),
    min: round(sorted[0]),
    max: round(sorted[n - 1]),
    stdev: round(Math.sqrt(variance)),
  };
}

export async function measureLatency(
  inputs: LatencyInputs,
  options: LongTaskOptions = {},
): Promise<LatencyReport> {
  const { result, embedder, teacher, method } = inputs;
  const { dataset } = result;
  const Q = dataset.queries.length;
  const measured = Math.max(1, Math.min(inputs.queries ?? 50, Q));
  const warmup = Math.max(0, inputs.warmup ?? 3);
  // The reference samples `sorted(all_queries)` (texts, code-point order): draw positions in that order, so
  // that a dataset kept in its own order (NFCorpus, BEIR) measures the reference's queries too.
  const byText = positionsByText(dataset.queries);
  const measuredQueries = new PythonRandom(method.randomSeed)
    .sampleRange(0, Q, measured)
    .map((position) => byText[position]);
  // Warm-up queries differ from the measured ones when the dataset is large enough, so that no measured call
  // finds its own work cached.
  const isMeasured = new Set(measuredQueries);
  const spare = Array.from({ length: Q }, (_, i) => i).filter((i) => !isMeasured.has(i));
  const warmupPool = spare.length > 0 ? spare : measuredQueries;
  const warmupQueries = Array.from({ length: warmup }, (_, k) => warmupPool[k % warmupPool.length]);
  const params = { ...method, recordEvery: 0 };
  const scorer = new CorpusScorer(result.docEmbeddings);
  const perQuery: LatencyReport['per_query'] = [];
  let maxMapDifference: number | null = null;
  const total = warmupQueries.length + measuredQueries.length;
  try {
    for (const [k, i] of [...warmupQueries, ...measuredQueries].entries()) {
      throwIfAborted(options.signal);
      options.onProgress?.({ stage: 'latency', done: k, total });
      const q = dataset.queries[i];
      // The run's stages on a batch of this one query.
      const queries = [q];
      const t0 = performance.now();
      const queryEmbedding = await embedder.embedQueries([q.text]);
      const t1 = performance.now();
      const samples = teacherSamples(await candidateScores(scorer, queryEmbedding, queries), method);
      const t2 = performance.now();
      const [scores] = await askTeacher(teacher, dataset, teacherItems(dataset, queries, samples));
      const t3 = performance.now();
      const refined = await refineTowardsTeacher(
        { queries, embeddings: queryEmbedding, samples, scores: [scores.scores] },
        result.docEmbeddings,
        params,
      );
      const t4 = performance.now();
      const [rescored] = await candidateScores(scorer, refined.refined, queries);
      const t5 = performance.now();
      if (k < warmupQueries.length) continue;
      perQuery.push({
        query_id: q.id,
        embed_query: t1 - t0,
        rank: t2 - t1,
        teacher: t3 - t2,
        refine: t4 - t3,
        rescore: t5 - t4,
        total: t5 - t0,
      });
      const batched = result.metrics.optimized?.[i];
      if (batched) {
        const difference = Math.abs(computeRankingMetrics(q.labels, rescored).map - batched.map);
        maxMapDifference = Math.max(maxMapDifference ?? 0, difference);
      }
    }
  } finally {
    scorer.dispose();
  }
  options.onProgress?.({ stage: 'latency', done: total, total });
  const stages = Object.fromEntries(
    LATENCY_STAGES.map((stage) => [stage, latencyStats(perQuery.map((p) => p[stage]))]),
  ) as Record<LatencyStage, LatencyStats>;
  return {
    queries: perQuery.length,
    warmup_queries: warmupQueries.length,
    stages,
    per_query: perQuery.map((p) => ({
      ...p,
      ...Object.fromEntries(LATENCY_STAGES.map((s) => [s, Math.round(p[s] * 1000) / 1000])),
    })) as LatencyReport['per_query'],
    max_map_difference_vs_batched: maxMapDifference,
    notes: [...(inputs.notes ?? [])],
  };
}
