import { parseCsvRecords } from '../datasets/csvRecords';
import type { DataFiles, Dataset, DatasetDocument, DatasetQuery } from '../datasets/types';
import { matrix, type Matrix } from '../matrix';
import { computeRankingMetrics, METRIC_NAMES, type RankingMetrics } from '../metrics/rankingMetrics';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import type { TeacherScores } from '../teachers/types';
import { COMPUTATION_TYPES, type ComputationType } from './config';
import { querySlugs, type ExperimentSummary, type TrajectoryFile } from './outputs';
import type { Trajectories } from './pipeline';
import { readRawScores, type RawScoreColumns } from './rawScoresReader';
import type { RunScores } from './referenceLayout';
import { parseConfig, type RunConfig } from './runRecord';

/**
 * Reads a run folder in this project's layout (what `npm run experiment` writes and the app's
 * "Download run (.zip)" holds; see runFiles.ts) back into the engine's run shape: the queries and their
 * candidates from `original_raw_scores`, every type's scores, the metrics of `<type>_results.csv` (recomputed
 * from the scores where a run lacks that file), the teacher's sample, `tensors/<slug>/trajectory.json`, and
 * `embeddings/` when the run saved them. Document texts are not among a run's files: documents carry their ids.
 */

export interface ProjectRun {
  config: RunConfig;
  /** summary.json, when the folder has one. */
  summary?: ExperimentSummary;
  result: RunScores;
  /** embeddings/docs.f32 and queries.f32 in the dataset's document and query order, when saved. */
  docEmbeddings?: Matrix;
  queryEmbeddings?: Matrix;
  /** What could not be read as a whole, one sentence each. */
  notes: string[];
}

/** Whether `files` look like a run folder of this project's layout. */
export async function isProjectRun(files: DataFiles): Promise<boolean> {
  return (
    (await files.exists('config.json')) &&
    ((await files.exists('original_raw_scores.parquet')) || (await files.exists('original_raw_scores.csv')))
  );
}

export async function readProjectRun(files: DataFiles, options: LongTaskOptions = {}): Promise<ProjectRun> {
  const notes: string[] = [];
  const json = async <T>(path: string): Promise<T> => {
    try {
      return JSON.parse(await files.readText(path)) as T;
    } catch (error) {
      throw new Error(`${files.location}/${path} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  if (!(await isProjectRun(files)))
    throw new Error(`${files.location} is not a run folder: it has no config.json with original_raw_scores`);
  const config = parseConfig(await json<unknown>('config.json'), `${files.location}/config.json`);
  const summary = (await files.exists('summary.json'))
    ? await json<ExperimentSummary>('summary.json')
    : undefined;
  const types: ComputationType[] = [];
  for (const type of COMPUTATION_TYPES)
    if ((await files.exists(`${type}_raw_scores.parquet`)) || (await files.exists(`${type}_raw_scores.csv`)))
      types.push(type);

  const base = await readRawScores(files, 'original', true, {
    ...options,
    stage: 'read raw scores (original)',
  });
  const docsIndex = (await files.exists('embeddings/docs.json'))
    ? await json<{ dims: number; count: number; ids: string[] }>('embeddings/docs.json')
    : undefined;
  const { dataset, starts } = datasetOf(base, docsIndex?.ids, config.dataset ?? files.location);
  const results = await readResultsTables(files, types, dataset.queries, notes);
  for (const q of dataset.queries) q.text = results.topics.get(q.id) ?? q.id;

  const scores = {} as Record<ComputationType, Float32Array[]>;
  const metrics = {} as Record<ComputationType, RankingMetrics[]>;
  for (const type of types) {
    const read =
      type === 'original'
        ? base
        : await readRawScores(files, type, false, { ...options, stage: `read raw scores (${type})` });
    if (read.rows !== base.rows)
      throw new Error(
        `${files.location}/${type}_raw_scores has ${read.rows} rows, original_raw_scores ${base.rows}: not one run's files`,
      );
    scores[type] = dataset.queries.map((q, i) =>
      read.score.slice(starts[i], starts[i] + q.candidates.length),
    );
    metrics[type] =
      results.metrics.get(type) ??
      dataset.queries.map((q, i) => computeRankingMetrics(q.labels, scores[type][i]));
  }

  const trajectoryFiles = await readTrajectoryFiles(files, dataset.queries, notes, options);
  const { sampled, teacher } = teacherSample(base, starts, dataset, trajectoryFiles);
  const result: RunScores = {
    dataset,
    types,
    scores,
    metrics,
    sampled,
    teacher,
    trajectories: trajectoryFiles && trajectoriesOf(trajectoryFiles, notes),
  };
  const embeddings = docsIndex && (await readEmbeddings(files, dataset, docsIndex, notes));
  return { config, summary, result, notes, ...embeddings };
}

/** The queries (rows grouped by query id, in file order) and documents (embeddings' order when known). */
function datasetOf(
  base: RawScoreColumns,
  embeddedDocIds: string[] | undefined,
  name: string,
): { dataset: Dataset; starts: number[] } {
  const queryIds = base.queryIds!;
  const docIds = base.docIds!;
  const documents: DatasetDocument[] = (embeddedDocIds ?? []).map((id) => ({ id, text: id }));
  const documentIndex = new Map(documents.map((d, i) => [d.id, i]));
  const queries: DatasetQuery[] = [];
  const starts: number[] = [];
  const seen = new Set<string>();
  for (let start = 0; start < base.rows;) {
    const id = queryIds[start];
    if (seen.has(id))
      throw new Error(
        `the raw scores of query "${id}" are not in one block of rows: not a file this project wrote`,
      );
    seen.add(id);
    let end = start;
    while (end < base.rows && queryIds[end] === id) end++;
    const candidates = new Int32Array(end - start);
    for (let r = start; r < end; r++) {
      let at = documentIndex.get(docIds[r]);
      if (at === undefined) {
        at = documents.length;
        documentIndex.set(docIds[r], at);
        documents.push({ id: docIds[r], text: docIds[r] });
      }
      candidates[r - start] = at;
    }
    starts.push(start);
    queries.push({ id, text: id, candidates, labels: base.gold!.slice(start, end) });
    start = end;
  }
  return { dataset: { name, task: 'search', instruction: '', documents, queries }, starts };
}

/** Each type's `<type>_results.csv` metrics by query (types without the file are left out) and the topics. */
async function readResultsTables(
  files: DataFiles,
  types: ComputationType[],
  queries: DatasetQuery[],
  notes: string[],
): Promise<{ metrics: Map<ComputationType, RankingMetrics[]>; topics: Map<string, string> }> {
  const metrics = new Map<ComputationType, RankingMetrics[]>();
  const topics = new Map<string, string>();
  for (const type of types) {
    const path = `${type}_results.csv`;
    if (!(await files.exists(path))) {
      notes.push(`${path} is missing: its metrics were recomputed from the raw scores`);
      continue;
    }
    const records = parseCsvRecords(await files.readText(path), `${files.location}/${path}`, [
      'topic',
      'query_id',
      ...METRIC_NAMES,
    ]);
    const byId = new Map(records.map((r) => [r.query_id, r]));
    for (const r of records) topics.set(r.query_id, r.topic);
    const missing = queries.find((q) => !byId.has(q.id));
    if (missing) {
      notes.push(
        `${path} has no row for query "${missing.id}": its metrics were recomputed from the raw scores`,
      );
      continue;
    }
    metrics.set(
      type,
      queries.map(
        (q) =>
          Object.fromEntries(
            METRIC_NAMES.map((m) => [m, Number(byId.get(q.id)![m] || NaN)]),
          ) as RankingMetrics,
      ),
    );
  }
  return { metrics, topics };
}

/** Every query's trajectory.json, or undefined (with a note when some but not all are there). */
async function readTrajectoryFiles(
  files: DataFiles,
  queries: DatasetQuery[],
  notes: string[],
  options: LongTaskOptions,
): Promise<TrajectoryFile[] | undefined> {
  const slugs = querySlugs(queries.map((q) => q.text));
  if (!(await files.exists(`tensors/${slugs[0]}/trajectory.json`))) return undefined;
  const found: TrajectoryFile[] = [];
  for (const [i, slug] of slugs.entries()) {
    const path = `tensors/${slug}/trajectory.json`;
    if (!(await files.exists(path))) {
      notes.push(`trajectories: query "${queries[i].id}" has no ${path}, so none are shown`);
      return undefined;
    }
    const file = JSON.parse(await files.readText(path)) as TrajectoryFile;
    if (file.query_id !== queries[i].id) {
      notes.push(
        `trajectories: ${path} is of query "${file.query_id}", not "${queries[i].id}"; none are shown`,
      );
      return undefined;
    }
    found.push(file);
    if (i % 10 === 9 || i === slugs.length - 1) {
      options.onProgress?.({ stage: 'read trajectories', done: i + 1, total: slugs.length });
      throwIfAborted(options.signal);
    }
  }
  return found;
}

function trajectoriesOf(found: TrajectoryFile[], notes: string[]): Trajectories | undefined {
  const { steps } = found[0];
  const dims = found[0].queries[0]?.length ?? 0;
  if (found.some((f) => f.steps.join() !== steps.join() || f.queries.some((q) => q.length !== dims))) {
    notes.push('trajectories: the queries were recorded at different steps or dimensions; none are shown');
    return undefined;
  }
  const Q = found.length;
  const losses = steps.length - 1;
  const lossPerStep = matrix(Q, Math.max(0, losses));
  const snapshots = matrix(steps.length * Q, dims);
  found.forEach((f, q) => {
    lossPerStep.data.set(f.loss_per_step.slice(0, losses), q * losses);
    f.queries.forEach((v, s) => snapshots.data.set(v, (s * Q + q) * dims));
  });
  return { steps, lossPerStep, snapshots };
}

/**
 * The teacher's sample per query: from trajectory.json when saved (sampling order, unscored documents
 * included), else the raw scores' `teacher_score` cells (candidate order; unscored documents cannot be told).
 */
function teacherSample(
  base: RawScoreColumns,
  starts: number[],
  dataset: Dataset,
  trajectories: TrajectoryFile[] | undefined,
): { sampled: Int32Array[]; teacher: TeacherScores[] } {
  const sampled: Int32Array[] = [];
  const teacher: TeacherScores[] = [];
  dataset.queries.forEach((q, i) => {
    const file = trajectories?.[i];
    if (file) {
      const position = new Map<string, number>();
      q.candidates.forEach((d, c) => position.set(dataset.documents[d].id, c));
      sampled.push(Int32Array.from(file.sampled_doc_ids, (id) => position.get(id) ?? -1));
      teacher.push({ scores: [...file.teacher_scores], errors: file.teacher_scores.map(() => null) });
      return;
    }
    const positions: number[] = [];
    const scores: number[] = [];
    for (let c = 0; c < q.candidates.length; c++) {
      const s = base.teacher![starts[i] + c];
      if (!Number.isNaN(s)) {
        positions.push(c);
        scores.push(s);
      }
    }
    sampled.push(Int32Array.from(positions));
    teacher.push({ scores, errors: scores.map(() => null) });
  });
  return { sampled, teacher };
}

/** embeddings/{docs,queries}.f32 as matrices in the dataset's order, or nothing (with a note). */
async function readEmbeddings(
  files: DataFiles,
  dataset: Dataset,
  docsIndex: { dims: number; count: number; ids: string[] },
  notes: string[],
): Promise<{ docEmbeddings: Matrix; queryEmbeddings?: Matrix } | undefined> {
  const floats = async (path: string, rows: number, cols: number): Promise<Matrix | undefined> => {
    if (!(await files.exists(path))) return undefined;
    const bytes = await files.readBytes(path);
    if (bytes.byteLength !== rows * cols * 4) {
      notes.push(
        `${path} holds ${bytes.byteLength} bytes, not ${rows} × ${cols} float32: the map uses no embeddings`,
      );
      return undefined;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
    return matrix(rows, cols, data);
  };
  if (docsIndex.ids.length !== dataset.documents.length) {
    notes.push("embeddings/docs.json does not list the run's documents: the map uses no embeddings");
    return undefined;
  }
  const docEmbeddings = await floats('embeddings/docs.f32', docsIndex.count, docsIndex.dims);
  if (!docEmbeddings) return undefined;
  const queriesIndex = (await files.exists('embeddings/queries.json'))
    ? (JSON.parse(await files.readText('embeddings/queries.json')) as {
        dims: number;
        count: number;
        ids: string[];
      })
    : undefined;
  const stored =
    queriesIndex && (await floats('embeddings/queries.f32', queriesIndex.count, queriesIndex.dims));
  if (!stored || !queriesIndex) return { docEmbeddings };
  const rowOf = new Map(queriesIndex.ids.map((id, r) => [id, r]));
  if (dataset.queries.some((q) => !rowOf.has(q.id))) return { docEmbeddings };
  const queryEmbeddings = matrix(dataset.queries.length, stored.cols);
  dataset.queries.forEach((q, i) =>
    queryEmbeddings.data.set(
      stored.data.subarray(rowOf.get(q.id)! * stored.cols, (rowOf.get(q.id)! + 1) * stored.cols),
      i * stored.cols,
    ),
  );
  return { docEmbeddings, queryEmbeddings };
}
