import { decompress } from '@bokuweb/zstd-wasm';
import { parquetReadObjects } from 'hyparquet';
import { parseCsvRecords } from '../datasets/csvRecords';
import type { DataFiles, Dataset, DatasetDocument, DatasetQuery } from '../datasets/types';
import { matrix } from '../matrix';
import { computeRankingMetrics, type RankingMetrics } from '../metrics/rankingMetrics';
import type { TeacherScores } from '../teachers/types';
import { COMPUTATION_TYPES, type ComputationType } from './config';
import type { Trajectories } from './pipeline';
import { loadZstd } from './rawScoresParquet';
import {
  REFERENCE_METRIC_NAMES,
  REFERENCE_TYPE_NAMES,
  referenceTensorPath,
  type RunScores,
} from './referenceLayout';
import { readQueryUpdatesPt, type QueryUpdates } from './torchQueryUpdates';

/**
 * Reads a run folder in the reference code's layout (written by the reference, or by this project with
 * `--output-layout reference`) into the engine's run shape: the topics as queries, each with its documents
 * (identified by their text, as the reference identifies them), gold labels and per-type scores; the
 * teacher's scores (`reranker_score`); the trajectories of `tensors/<slug>/query_updates.pt`; and every
 * metric of this project, recomputed from the raw scores. Files go through `DataFiles`, so the same code
 * reads a folder in Node and dropped or fetched files in the browser.
 */

export interface ReportedMetrics {
  topic: string;
  /** The unitxt metrics of the row (NaN where the cell is empty). */
  metrics: Record<(typeof REFERENCE_METRIC_NAMES)[number], number>;
}

export interface ReferenceRun extends RunScores {
  /** `experiment_config.json`, when the folder has one. */
  config?: Record<string, unknown>;
  /** Per type, the rows of its `<name>_results.csv`, when the folder has one (file order). */
  reported: Partial<Record<ComputationType, ReportedMetrics[]>>;
  /** What could not be read as a whole (missing trajectories, ...), one sentence each. */
  notes: string[];
}

interface RawRow {
  topic: string;
  document: string;
  gold_label: number;
  score: number;
  reranker_score?: number | null;
  hyde_reranker_score?: number | null;
}

const zstd = {
  ZSTD: (input: Uint8Array, outputLength: number) => decompress(input, { defaultHeapSize: outputLength }),
};

async function readRawScores(files: DataFiles, path: string): Promise<RawRow[]> {
  const bytes = await files.readBytes(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file, compressors: zstd });
  } catch (error) {
    throw new Error(`${files.location}/${path} is not a readable Parquet file: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const missing = ['topic', 'document', 'gold_label', 'score'].filter((c) => rows.length && !(c in rows[0]));
  if (missing.length)
    throw new Error(`${files.location}/${path} lacks the reference's column(s) ${missing.join(', ')}`);
  return rows.map((r) => ({
    topic: String(r.topic),
    document: String(r.document),
    gold_label: Number(r.gold_label),
    score: Number(r.score),
    reranker_score: r.reranker_score as number | null | undefined,
    hyde_reranker_score: r.hyde_reranker_score as number | null | undefined,
  }));
}

/** Per query, the candidate positions with a score in `column` and those scores (null when none has one). */
function teacherOf(
  rows: RawRow[],
  starts: number[],
  queries: DatasetQuery[],
  column: 'reranker_score' | 'hyde_reranker_score',
): { sampled: Int32Array[]; teacher: TeacherScores[] } | null {
  if (!rows.some((r) => r[column] !== null && r[column] !== undefined)) return null;
  const sampled: Int32Array[] = [];
  const teacher: TeacherScores[] = [];
  queries.forEach((q, i) => {
    const positions: number[] = [];
    const scores: number[] = [];
    for (let c = 0; c < q.candidates.length; c++) {
      const s = rows[starts[i] + c][column];
      if (s !== null && s !== undefined) {
        positions.push(c);
        scores.push(s);
      }
    }
    sampled.push(Int32Array.from(positions));
    teacher.push({ scores, errors: scores.map(() => null) });
  });
  return { sampled, teacher };
}

/** Reads the reference-layout run in `files` (see the module comment). */
export async function readReferenceRun(files: DataFiles): Promise<ReferenceRun> {
  await loadZstd();
  const notes: string[] = [];
  const present = new Map<ComputationType, string>();
  for (const type of COMPUTATION_TYPES) {
    const name = REFERENCE_TYPE_NAMES[type];
    if (name && (await files.exists(`${name}_raw_scores.parquet`))) present.set(type, name);
  }
  if (!present.has('original'))
    throw new Error(
      `${files.location} is not a run folder in the reference layout: it has no embeddings_raw_scores.parquet`,
    );
  const config = (await files.exists('experiment_config.json'))
    ? (JSON.parse(await files.readText('experiment_config.json')) as Record<string, unknown>)
    : undefined;

  // The topics and their documents, from the `embeddings` file; the other types' rows must line up with it.
  const base = await readRawScores(files, 'embeddings_raw_scores.parquet');
  const documents: DatasetDocument[] = [];
  const documentIndex = new Map<string, number>();
  const rowsOfTopic = new Map<string, number[]>();
  base.forEach((r, at) => {
    if (!documentIndex.has(r.document)) {
      documentIndex.set(r.document, documents.length);
      documents.push({ id: r.document, text: r.document });
    }
    const rows = rowsOfTopic.get(r.topic) ?? [];
    rows.push(at);
    rowsOfTopic.set(r.topic, rows);
  });
  // Rows grouped by topic (the reference writes them topic by topic; grouping keeps any file readable).
  const order = [...rowsOfTopic.values()].flat();
  const grouped = (rows: RawRow[]) => order.map((at) => rows[at]);
  const baseRows = grouped(base);
  const starts: number[] = [];
  const queries: DatasetQuery[] = [];
  for (const [topic, rows] of rowsOfTopic) {
    starts.push(
      starts.length ? starts[starts.length - 1] + queries[queries.length - 1].candidates.length : 0,
    );
    queries.push({
      id: topic,
      text: topic,
      candidates: Int32Array.from(rows, (at) => documentIndex.get(base[at].document)!),
      labels: Float32Array.from(rows, (at) => base[at].gold_label),
    });
  }
  const dataset: Dataset = {
    name: typeof config?.dataset === 'string' ? config.dataset : files.location,
    task: 'search',
    instruction: '',
    documents,
    queries,
  };

  const types = [...present.keys()];
  const scores = {} as Record<ComputationType, Float32Array[]>;
  const metrics = {} as Record<ComputationType, RankingMetrics[]>;
  let hydeRows: RawRow[] | undefined;
  for (const [type, name] of present) {
    const path = `${name}_raw_scores.parquet`;
    const read = type === 'original' ? base : await readRawScores(files, path);
    const misaligned =
      read.length !== base.length ||
      read.some((r, at) => r.topic !== base[at].topic || r.document !== base[at].document);
    if (misaligned)
      throw new Error(
        `${files.location}/${path}: its rows are not the topics and documents of embeddings_raw_scores.parquet`,
      );
    const rows = grouped(read);
    if (type === 'hyde' || type === 'optimized_hyde') hydeRows = rows;
    scores[type] = queries.map((q, i) =>
      Float32Array.from({ length: q.candidates.length }, (_, c) => rows[starts[i] + c].score),
    );
    metrics[type] = queries.map((q, i) => computeRankingMetrics(q.labels, scores[type][i]));
  }

  const teacher = teacherOf(baseRows, starts, queries, 'reranker_score');
  const hydeTeacher = hydeRows ? teacherOf(hydeRows, starts, queries, 'hyde_reranker_score') : null;
  const reported: ReferenceRun['reported'] = {};
  for (const [type, name] of present) {
    const path = `${name}_results.csv`;
    if (!(await files.exists(path))) continue;
    const records = parseCsvRecords(await files.readText(path), path, ['topic', ...REFERENCE_METRIC_NAMES]);
    reported[type] = records.map((r) => ({
      topic: r.topic,
      metrics: Object.fromEntries(
        REFERENCE_METRIC_NAMES.map((m) => [m, r[m] === '' ? NaN : Number(r[m])]),
      ) as ReportedMetrics['metrics'],
    }));
  }

  return {
    config,
    dataset,
    types,
    scores,
    metrics,
    sampled: teacher?.sampled ?? queries.map(() => new Int32Array(0)),
    teacher: teacher?.teacher ?? queries.map(() => ({ scores: [], errors: [] })),
    trajectories: await readTrajectories(files, queries, notes),
    hyde: hydeTeacher ?? undefined,
    reported,
    notes,
  };
}

/** Every topic's `query_updates.pt` as `Trajectories`; undefined (with a note) unless each topic has one. */
async function readTrajectories(
  files: DataFiles,
  queries: DatasetQuery[],
  notes: string[],
): Promise<Trajectories | undefined> {
  const found: QueryUpdates[] = [];
  for (const q of queries) {
    const path = referenceTensorPath(q.text);
    if (!(await files.exists(path))) break;
    const updates = readQueryUpdatesPt(await files.readBytes(path), `${files.location}/${path}`);
    // Topics whose slugs collide share one file, holding the last of them.
    if (updates.topic !== q.text) break;
    found.push(updates);
  }
  if (found.length === 0) return undefined;
  if (found.length < queries.length) {
    notes.push(
      `trajectories: topic "${queries[found.length].text}" has no query_updates.pt of its own, so none are read`,
    );
    return undefined;
  }
  const { steps, dims } = found[0];
  if (found.some((u) => u.dims !== dims || u.steps.join() !== steps.join())) {
    notes.push(
      'trajectories: the topics were refined for different numbers of steps or dimensions; none are read',
    );
    return undefined;
  }
  const Q = queries.length;
  const lossPerStep = matrix(Q, steps.length - 1);
  const snapshots = matrix(steps.length * Q, dims);
  found.forEach((u, q) => {
    lossPerStep.data.set(u.lossPerStep, q * (steps.length - 1));
    steps.forEach((_, s) =>
      snapshots.data.set(u.queryUpdates.subarray(s * dims, (s + 1) * dims), (s * Q + q) * dims),
    );
  });
  return { steps, lossPerStep, snapshots };
}
