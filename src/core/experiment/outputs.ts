import { row } from '../matrix';
import { aggregateRuns, summarizeRun } from '../metrics/aggregate';
import { IR_MEASURES_NAMES, METRIC_NAMES, type MetricName } from '../metrics/rankingMetrics';
import type { ComputationType } from './config';
import { ByteChunks, FieldTable, Float32Texts, utf8 } from './byteChunks';
import { csvField, csvLine } from './csv';
import type { LatencyReport } from './latency';
import type { ExperimentResult } from './pipeline';
import type { RunTables } from './runFiles';
import type { TeacherScores } from '../teachers/types';

/**
 * The files of a finished experiment, as text, so that the CLI writes them to disk and the browser offers
 * them as downloads from the same code. Large tables are generators of lines, never one big string.
 */

/** Configuration columns appended to every results row (as the reference appends its arguments). */
export type ConfigColumns = Record<string, string | number | boolean | null>;

/** `<type>_results.csv`: one row per query, every metric, then the configuration columns. */
export function* resultsCsv(
  result: ExperimentResult,
  type: ComputationType,
  config: ConfigColumns,
): Generator<string> {
  const configNames = Object.keys(config);
  yield csvLine(['topic', 'query_id', ...METRIC_NAMES, ...configNames]);
  const configValues = configNames.map((k) => config[k]);
  for (const [i, q] of result.dataset.queries.entries()) {
    const m = result.metrics[type][i];
    yield csvLine([q.text, q.id, ...METRIC_NAMES.map((name) => m[name]), ...configValues]);
  }
}

/**
 * `<type>_raw_scores.csv`: one row per (query, candidate), with the teacher's score where it gave one. UTF-8
 * bytes in chunks of about a mebibyte (millions of rows: no string per row, see `ByteChunks`).
 */
export function* rawScoresCsv(result: RunTables, type: ComputationType): Generator<Uint8Array> {
  const out = new ByteChunks();
  const lines = new RawScoresCsvLines(result, type);
  lines.header(out);
  const texts = new Float32Texts();
  const typeScores = scoresOf(result, type);
  for (let i = 0; i < result.dataset.queries.length; i++)
    yield* lines.query(out, i, texts.fill(typeScores[i]));
  yield out.flush();
}

/**
 * The lines of `<type>_raw_scores.csv`, query by query (`rawScoresCsv`, and `rawScoresAndTrecRun`, which
 * writes the TREC run from the same score texts).
 */
export class RawScoresCsvLines {
  private readonly docFields: FieldTable;
  /** Per candidate, the index of its teacher score (-1: not sampled); a later sample of one candidate wins. */
  private readonly teacherAt: Int32Array;

  constructor(
    private readonly result: RunTables,
    type: ComputationType,
  ) {
    scoresOf(result, type);
    this.docFields = new FieldTable(result.dataset.documents.map((d) => csvField(d.id)));
    this.teacherAt = new Int32Array(
      result.dataset.queries.reduce((n, q) => Math.max(n, q.candidates.length), 0),
    );
    this.teacherAt.fill(-1);
  }

  header(out: ByteChunks): void {
    out.reserve(64).ascii('query_id,doc_id,gold_label,score,teacher_score\n');
  }

  /** The rows of query `i`, whose scores `texts` holds (in candidate order). */
  *query(out: ByteChunks, i: number, texts: Float32Texts): Generator<Uint8Array> {
    const { docFields, teacherAt } = this;
    const q = this.result.dataset.queries[i];
    const sampled = this.result.sampled[i];
    const teacherScores = this.result.teacher[i].scores;
    sampled.forEach((c, k) => (teacherAt[c] = k));
    const queryField = utf8(csvField(q.id));
    for (let c = 0; c < q.candidates.length; c++) {
      // Label, score and teacher score: at most 24 characters each, and 5 separators.
      out.reserve(queryField.length + docFields.longest + 77);
      out.bytes(queryField).byte(COMMA).field(docFields, q.candidates[c]).byte(COMMA);
      const label = q.labels[c];
      if (label === 0 || label === 1) out.byte(48 + label);
      else out.ascii(csvField(label));
      out.byte(COMMA).field(texts, c).byte(COMMA);
      const k = teacherAt[c];
      const teacher = k < 0 ? null : teacherScores[k];
      if (teacher !== undefined && teacher !== null) out.ascii(csvField(teacher));
      out.byte(NEWLINE);
      const chunk = out.take();
      if (chunk) yield chunk;
    }
    sampled.forEach((c) => (teacherAt[c] = -1));
  }
}

/** The candidate scores of `type`, which `tables` must hold. */
export function scoresOf(tables: RunTables, type: ComputationType): Float32Array[] {
  const scores = tables.scores[type];
  if (!scores) throw new Error(`no scores of computation type ${type}`);
  return scores;
}

const COMMA = 44;
const NEWLINE = 10;

export interface TypeSummary {
  queries: number;
  mean: Record<MetricName, number>;
  /** Against `original`, for every other type: mean paired delta and two-sided p-values. */
  vs_original?: Record<
    MetricName,
    {
      mean_delta: number;
      p_randomization: number;
      p_t_test: number;
      wins: number;
      losses: number;
      ties: number;
    }
  >;
}

export interface ExperimentSummary {
  experiment: string;
  dataset: string;
  queries: number;
  documents: number;
  types: Partial<Record<ComputationType, TypeSummary>>;
  /** Each metric's ir_measures name (null: none), to recompute the numbers from the run and qrels files (absent in summaries written before it existed). */
  ir_measures_names?: Readonly<Record<MetricName, string | null>>;
  timings_ms: Record<string, number>;
  /**
   * The teacher's sampled documents (both samples with `optimized_hyde`): how many it gave no score
   * (`unscored`), and how many an LLM upstream's content filter refused (`content_filtered`: 0.5 in yes/no
   * mode, as the reference; unscored in the other modes). Absent in summaries written before it existed.
   */
  teacher_scores?: { documents: number; unscored: number; content_filtered: number };
  /** Per-query latency of each stage, when measured (`--measure-latency`, `measureLatency`). */
  latency_ms?: LatencyReport;
}

export function summarize(
  // What a run read back from the reference layout has too (no embeddings, no HyDE passages).
  result: Pick<ExperimentResult, 'dataset' | 'types' | 'metrics' | 'teacher' | 'timings'> & {
    hyde?: { teacher?: TeacherScores[] };
  },
  experiment: string,
  seed: number,
): ExperimentSummary {
  const types: Partial<Record<ComputationType, TypeSummary>> = {};
  for (const type of result.types) {
    const run = summarizeRun(result.metrics[type]);
    const summary: TypeSummary = {
      queries: result.metrics[type].length,
      mean: Object.fromEntries(METRIC_NAMES.map((n) => [n, run[n].mean])) as Record<MetricName, number>,
    };
    if (type !== 'original') {
      const cmp = aggregateRuns(result.metrics.original, result.metrics[type], { seed });
      summary.vs_original = Object.fromEntries(
        METRIC_NAMES.map((n) => {
          const p = cmp[n].paired;
          return [
            n,
            {
              mean_delta: p.meanDelta,
              p_randomization: p.pRandomization,
              p_t_test: p.pTTest,
              wins: p.wins,
              losses: p.losses,
              ties: p.ties,
            },
          ];
        }),
      ) as TypeSummary['vs_original'];
    }
    types[type] = summary;
  }
  return {
    experiment,
    dataset: result.dataset.name,
    queries: result.dataset.queries.length,
    documents: result.dataset.documents.length,
    types,
    ir_measures_names: IR_MEASURES_NAMES,
    timings_ms: result.timings,
    teacher_scores: teacherCounts([...result.teacher, ...(result.hyde?.teacher ?? [])]),
  };
}

function teacherCounts(all: readonly TeacherScores[]): NonNullable<ExperimentSummary['teacher_scores']> {
  return {
    documents: all.reduce((n, t) => n + t.scores.length, 0),
    unscored: all.reduce((n, t) => n + t.scores.filter((s) => s === null).length, 0),
    content_filtered: all.reduce((n, t) => n + (t.contentFiltered ?? 0), 0),
  };
}

export interface TrajectoryFile {
  query_id: string;
  topic: string;
  steps: number[];
  loss_per_step: number[];
  sampled_doc_ids: string[];
  teacher_scores: (number | null)[];
  /** queries[i] is the query vector at steps[i]. */
  queries: number[][];
}

/** `tensors/<query-slug>/trajectory.json` for query `i` (needs the `optimized` type). */
export function trajectoryFile(result: ExperimentResult, i: number): TrajectoryFile {
  const t = result.trajectories;
  if (!t) throw new Error('this experiment did not run the optimized type, so it has no trajectories');
  const q = result.dataset.queries[i];
  const Q = result.dataset.queries.length;
  return {
    query_id: q.id,
    topic: q.text,
    steps: t.steps,
    loss_per_step: Array.from(row(t.lossPerStep, i)),
    sampled_doc_ids: Array.from(result.sampled[i], (c) => result.dataset.documents[q.candidates[c]].id),
    teacher_scores: result.teacher[i].scores,
    queries: t.steps.map((_, s) => Array.from(row(t.snapshots, s * Q + i))),
  };
}

/** A file-system-safe, readable, unique folder name per query. */
export function querySlugs(texts: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return texts.map((text) => {
    const base =
      text
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80)
        .replace(/-+$/, '') || 'query';
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}
