import { parseCsvRecords } from '../datasets/csvRecords';
import type { DataFiles, Dataset, DatasetDocument, DatasetQuery } from '../datasets/types';
import { matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { computeRankingMetrics, type RankingMetrics } from '../metrics/rankingMetrics';
import type { TeacherScores } from '../teachers/types';
import { COMPUTATION_TYPES, type ComputationType } from './config';
import type { Trajectories } from './pipeline';
import { copyNumbers, copyStrings, readParquetRowGroups } from './rawScoresReader';
import {
  projectDatasetName,
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

/** The columns of a reference `<name>_raw_scores.parquet`, row by row in file order. */
interface RawColumns {
  rows: number;
  topic: string[];
  document: string[];
  gold: Float32Array;
  score: Float32Array;
  /** `reranker_score` / `hyde_reranker_score`; NaN where null, all NaN when the file has no such column. */
  reranker: Float64Array;
  hydeReranker: Float64Array;
}

/** The file whose topics and documents are the run's; every other type's rows must be the same. */
const BASE_FILE = 'embeddings_raw_scores.parquet';
const REQUIRED = ['topic', 'document', 'gold_label', 'score'];
const OPTIONAL = ['reranker_score', 'hyde_reranker_score'];

/**
 * A reference raw-score file's columns, read a row group at a time with progress (`stage`) and
 * cancellation (as this project's raw scores: `readParquetRowGroups`).
 */
async function readRawScores(
  files: DataFiles,
  path: string,
  options: LongTaskOptions & { stage: string },
): Promise<RawColumns> {
  const empty = () => ({
    rows: 0,
    topic: [],
    document: [],
    gold: new Float32Array(0),
    score: new Float32Array(0),
  });
  let out: RawColumns = { ...empty(), reranker: new Float64Array(0), hydeReranker: new Float64Array(0) };
  await readParquetRowGroups(
    files,
    path,
    {
      columns(names, where) {
        const missing = REQUIRED.filter((c) => !names.includes(c));
        if (missing.length) throw new Error(`${where} lacks the reference's column(s) ${missing.join(', ')}`);
        return [...REQUIRED, ...OPTIONAL.filter((c) => names.includes(c))];
      },
      begin(rows) {
        out = {
          rows,
          topic: new Array<string>(rows),
          document: new Array<string>(rows),
          gold: new Float32Array(rows),
          score: new Float32Array(rows),
          reranker: new Float64Array(rows).fill(NaN),
          hydeReranker: new Float64Array(rows).fill(NaN),
        };
      },
      chunk({ columnName, columnData, rowStart, rowEnd }) {
        const end = Math.min(rowEnd, out.rows);
        switch (columnName) {
          case 'topic':
          case 'document':
            copyStrings(out[columnName], columnData, rowStart, end);
            break;
          case 'gold_label':
            copyNumbers(out.gold, columnData, rowStart, end);
            break;
          case 'score':
            copyNumbers(out.score, columnData, rowStart, end);
            break;
          case 'reranker_score':
            copyNumbers(out.reranker, columnData, rowStart, end, true);
            break;
          case 'hyde_reranker_score':
            copyNumbers(out.hydeReranker, columnData, rowStart, end, true);
            break;
        }
      },
    },
    options,
  );
  return out;
}

/**
 * Per query, the candidate positions with a teacher's score (`scores`, indexed by grouped row; NaN: none)
 * and those scores; null when no row has one.
 */
function teacherOf(
  scores: Float64Array,
  starts: number[],
  queries: DatasetQuery[],
): { sampled: Int32Array[]; teacher: TeacherScores[] } | null {
  if (!scores.some((s) => !Number.isNaN(s))) return null;
  const sampled: Int32Array[] = [];
  const teacher: TeacherScores[] = [];
  queries.forEach((q, i) => {
    const positions: number[] = [];
    const values: number[] = [];
    for (let c = 0; c < q.candidates.length; c++) {
      const s = scores[starts[i] + c];
      if (!Number.isNaN(s)) {
        positions.push(c);
        values.push(s);
      }
    }
    sampled.push(Int32Array.from(positions));
    teacher.push({ scores: values, errors: values.map(() => null) });
  });
  return { sampled, teacher };
}

/** Reads the reference-layout run in `files` (see the module comment). */
export async function readReferenceRun(
  files: DataFiles,
  options: LongTaskOptions = {},
): Promise<ReferenceRun> {
  const notes: string[] = [];
  const present = new Map<ComputationType, string>();
  for (const type of COMPUTATION_TYPES) {
    const name = REFERENCE_TYPE_NAMES[type];
    if (name && (await files.exists(`${name}_raw_scores.parquet`))) present.set(type, name);
  }
  if (!present.has('original'))
    throw new Error(`${files.location} is not a run folder in the reference layout: it has no ${BASE_FILE}`);
  const config = (await files.exists('experiment_config.json'))
    ? (JSON.parse(await files.readText('experiment_config.json')) as Record<string, unknown>)
    : undefined;

  // The topics and their documents, from the `embeddings` file; the other types' rows must line up with it.
  const stage = (path: string) => ({ ...options, stage: `read ${path}` });
  const base = await readRawScores(files, BASE_FILE, stage(BASE_FILE));
  const documents: DatasetDocument[] = [];
  const documentIndex = new Map<string, number>();
  const rowsOfTopic = new Map<string, number[]>();
  for (let at = 0; at < base.rows; at++) {
    const document = base.document[at];
    if (!documentIndex.has(document)) {
      documentIndex.set(document, documents.length);
      documents.push({ id: document, text: document });
    }
    const rows = rowsOfTopic.get(base.topic[at]) ?? [];
    rows.push(at);
    rowsOfTopic.set(base.topic[at], rows);
  }
  // Rows grouped by topic (the reference writes them topic by topic; grouping keeps any file readable).
  const order = Int32Array.from([...rowsOfTopic.values()].flat());
  const grouped = (values: Float64Array) => Float64Array.from(order, (at) => values[at]);
  const starts: number[] = [];
  const queries: DatasetQuery[] = [];
  for (const [topic, rows] of rowsOfTopic) {
    starts.push(
      starts.length ? starts[starts.length - 1] + queries[queries.length - 1].candidates.length : 0,
    );
    queries.push({
      id: topic,
      text: topic,
      candidates: Int32Array.from(rows, (at) => documentIndex.get(base.document[at])!),
      labels: Float32Array.from(rows, (at) => base.gold[at]),
    });
  }
  const dataset: Dataset = {
    name: typeof config?.dataset === 'string' ? projectDatasetName(config.dataset) : files.location,
    task: 'search',
    instruction: '',
    documents,
    queries,
  };

  const types = [...present.keys()];
  const scores = {} as Record<ComputationType, Float32Array[]>;
  const metrics = {} as Record<ComputationType, RankingMetrics[]>;
  let hydeScores: Float64Array | undefined;
  for (const [type, name] of present) {
    const path = `${name}_raw_scores.parquet`;
    const read = type === 'original' ? base : await readRawScores(files, path, stage(path));
    let misaligned = read.rows !== base.rows;
    for (let at = 0; !misaligned && at < base.rows; at++)
      misaligned = read.topic[at] !== base.topic[at] || read.document[at] !== base.document[at];
    if (misaligned)
      throw new Error(`${files.location}/${path}: its rows are not the topics and documents of ${BASE_FILE}`);
    if (type === 'hyde' || type === 'optimized_hyde') hydeScores = grouped(read.hydeReranker);
    scores[type] = queries.map((q, i) =>
      Float32Array.from({ length: q.candidates.length }, (_, c) => read.score[order[starts[i] + c]]),
    );
    metrics[type] = queries.map((q, i) => computeRankingMetrics(q.labels, scores[type][i]));
  }

  const teacher = teacherOf(grouped(base.reranker), starts, queries);
  const hydeTeacher = hydeScores ? teacherOf(hydeScores, starts, queries) : null;
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
    trajectories: await readTrajectories(files, queries, notes, options),
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
  options: LongTaskOptions,
): Promise<Trajectories | undefined> {
  const found: QueryUpdates[] = [];
  const stage = 'read tensors/<topic>/query_updates.pt';
  for (const q of queries) {
    const path = referenceTensorPath(q.text);
    if (!(await files.exists(path))) break;
    if (found.length === 0) options.onProgress?.({ stage, done: 0, total: queries.length });
    const updates = readQueryUpdatesPt(await files.readBytes(path), `${files.location}/${path}`);
    // Topics whose slugs collide share one file, holding the last of them.
    if (updates.topic !== q.text) break;
    found.push(updates);
    options.onProgress?.({ stage, done: found.length, total: queries.length });
    throwIfAborted(options.signal);
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
