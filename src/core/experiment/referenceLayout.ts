import type { ColumnSource } from 'hyparquet-writer';
import { positionsByText } from '../datasets/codePointOrder';
import { row } from '../matrix';
import { CUTOFFS } from '../metrics/rankingMetrics';
import type { ComputationType } from './config';
import { csvLine } from './csv';
import type { ExperimentResult, HydeResult } from './pipeline';
import { pandasCell, type PythonValue } from './pythonRepr';
import { loadZstd, zstdParquetChunks } from './rawScoresParquet';
import { referenceSlug } from './referenceSlug';
import { parseConfig, type RunConfig } from './runRecord';
import { queryUpdatesPt } from './torchQueryUpdates';

/**
 * The reference code's output layout (IBM/task-aware-embedding-refinement, `embedding_adaptation.py`):
 * `experiment_config.json`, `<name>_results.csv` and `<name>_raw_scores.parquet` per computation type, and
 * with tensors `tensors/<slug>/query_updates.pt` per topic, so that the reference's notebooks and scripts
 * read a run of this project as one of their own.
 */

/** The reference's file-name stem of each computation type it has (`rerank_only` and `rocchio` have none). */
export const REFERENCE_TYPE_NAMES: Partial<Record<ComputationType, string>> = {
  original: 'embeddings',
  optimized: 'optimized_embeddings',
  hyde: 'hyde',
  optimized_hyde: 'optimized_hyde_embeddings',
};

/** What the reference layout holds of a run: an `ExperimentResult` without its embeddings. */
export type RunScores = Pick<
  ExperimentResult,
  'dataset' | 'types' | 'scores' | 'metrics' | 'sampled' | 'teacher' | 'trajectories'
> & { hyde?: Partial<Pick<HydeResult, 'sampled' | 'teacher'>> };

/** The reference's command-line arguments (`vars(args)`), in `parse_args` order. */
export interface ReferenceArgs {
  optimize_with_gold: boolean;
  hyde_model: string | null;
  computation_types: string[];
  embedding_model: string;
  reranker_model: string | null;
  embedder_batch_size: number | null;
  reranker_batch_size: number | null;
  dataset: string;
  lr: number;
  num_steps: number;
  total_scores: number;
  scores_from_top: number;
  random_seed: number;
  experiment_name: string | null;
  save_tensors: boolean;
  refit: boolean;
}

/** The reference's unitxt metrics, in the order its results DataFrame gets them. */
export const REFERENCE_METRIC_NAMES = [
  // RocAuc().compute
  'roc_auc',
  // RetrievalAtK(k_list=[5, 10, ..., 50]).compute: every precision, then every recall, then every match.
  ...(['precision', 'recall', 'match'] as const).flatMap((m) => CUTOFFS.map((k) => `${m}_at_${k}` as const)),
] as const;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * The reference's `--dataset` name of a dataset of this project: ArgKP21 is the reference's `KPM`
 * (`dataset_loaders.KPM`); the other five share their names.
 */
export function referenceDatasetName(name: string): string {
  return name === 'ArgKP21' ? 'KPM' : name;
}

/** This project's name of a dataset the reference names (`KPM` → ArgKP21; others as they are). */
export function projectDatasetName(name: string): string {
  return name === 'KPM' ? 'ArgKP21' : name;
}

/**
 * The reference's arguments for a run of this project, from its config.json: gold labels are
 * `optimize_with_gold`; the model of a `cross-encoder:<model>` or `llm:<model>` teacher is `reranker_model`
 * (null for gold; for noisy gold, which the reference lacks, the teacher's id); `computation_types` are
 * those of the reference's choices that ran; batch sizes are null where this project chose them itself.
 */
export function referenceArgsOf(config: RunConfig): ReferenceArgs {
  const teacher = text(config.teacher) ?? 'gold';
  const model = /^(?:cross-encoder|llm):(.+)$/.exec(teacher)?.[1];
  const types: readonly string[] = config.computation_types ?? [];
  return {
    optimize_with_gold: teacher === 'gold',
    hyde_model: text(config.hyde_model),
    computation_types: ['optimized', 'hyde', 'optimized_hyde'].filter((t) => types.includes(t)),
    embedding_model: text(config.embedding_model_spec) ?? text(config.embedding_model) ?? '',
    reranker_model: teacher === 'gold' ? null : (model ?? teacher),
    embedder_batch_size: num(config.embedding_batch_size),
    reranker_batch_size: num(config.teacher_batch_size),
    dataset: referenceDatasetName(text(config.dataset) ?? ''),
    lr: num(config.lr) ?? NaN,
    num_steps: num(config.num_steps) ?? NaN,
    total_scores: num(config.total_scores) ?? NaN,
    scores_from_top: num(config.scores_from_top) ?? NaN,
    random_seed: num(config.random_seed) ?? NaN,
    experiment_name: text(config.experiment_name),
    save_tensors: config.save_tensors === true,
    refit: config.refit === true,
  };
}

/** Python's `datetime.now().isoformat()`: local time, microseconds, no zone. */
export function pythonIsoTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const micros = date.getMilliseconds() * 1000;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    (micros ? `.${pad(micros, 6)}` : '')
  );
}

/**
 * `experiment_config.json` as the reference's `save_experiment_config` writes it: the arguments, then
 * `query_template`, `document_template` (null where the embedder applies none, as LSA) and `timestamp`;
 * this project's whole config.json follows under `refinement_explorer`.
 */
export function referenceExperimentConfig(config: RunConfig, now: Date): Record<string, unknown> {
  return {
    ...referenceArgsOf(config),
    query_template: text(config.query_template),
    document_template: text(config.document_template),
    timestamp: pythonIsoTimestamp(now),
    refinement_explorer: config,
  };
}

/**
 * The queries in the order the reference runs and writes its topics, `sorted(all_queries)`: by text in
 * code-point order (most loaders already keep this order; NFCorpus, BEIR and TREC imports keep their own).
 */
export function referenceTopicOrder(queries: readonly { text: string }[]): number[] {
  return positionsByText(queries);
}

/**
 * `<name>_results.csv`: `topic`, the unitxt metrics, then every argument, as pandas' `to_csv` writes them;
 * one row per topic in the reference's order (`referenceTopicOrder`).
 */
export function* referenceResultsCsv(
  result: Pick<RunScores, 'dataset' | 'metrics'>,
  type: ComputationType,
  args: ReferenceArgs,
): Generator<string> {
  const argNames = Object.keys(args) as (keyof ReferenceArgs)[];
  yield csvLine(['topic', ...REFERENCE_METRIC_NAMES, ...argNames]);
  // argparse's float options are Python floats (lr 1 prints as 1.0); the others print as they are.
  const argCells = argNames.map((name) => pandasCell(args[name] as PythonValue, name === 'lr'));
  const { queries } = result.dataset;
  for (const i of referenceTopicOrder(queries)) {
    const q = queries[i];
    const m = result.metrics[type][i];
    yield csvLine([q.text, ...REFERENCE_METRIC_NAMES.map((name) => pandasCell(m[name], true)), ...argCells]);
  }
}

/** Per query: the teacher's score of each candidate it scored (by candidate position), null elsewhere. */
function teacherColumn(
  rows: number,
  starts: number[],
  sampled?: Int32Array[],
  teacher?: RunScores['teacher'],
) {
  const column = new Array<number | null>(rows).fill(null);
  if (!sampled || !teacher) return column;
  sampled.forEach((positions, i) =>
    positions.forEach((c, k) => {
      column[starts[i] + c] = teacher[i].scores[k] ?? null;
    }),
  );
  return column;
}

/**
 * `<name>_raw_scores.parquet` with the reference's schema: `topic` and `document` (texts), `gold_label`
 * (int8), `score` (float32), `reranker_score` (float32, the scores of `optimized`'s teacher, on every type's
 * rows, as the reference's `doc_to_reranker_score`); the HyDE types add `hyde_reranker_score` (the teacher's
 * scores of `optimized_hyde`'s sample). Every column is nullable, as polars writes them.
 */
export async function* referenceRawScoresParquet(
  result: RunScores,
  type: ComputationType,
): AsyncGenerator<Uint8Array> {
  await loadZstd();
  const { queries, documents } = result.dataset;
  const optimized = result.types.includes('optimized');
  const hydeType = type === 'hyde' || type === 'optimized_hyde';
  const float = (name: string) => ({ name, type: 'FLOAT', repetition_type: 'OPTIONAL' }) as const;
  const utf8 = (name: string) =>
    ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }) as const;
  const encoder = new TextEncoder();
  // Texts are encoded once each, not once per row (a document's text repeats on every query's rows).
  const documentTexts = documents.map((d) => encoder.encode(d.text));
  // Topic by topic in the reference's order; the row groups' query positions index `order`.
  const order = referenceTopicOrder(queries);
  yield* zstdParquetChunks({
    schema: [
      { name: 'root', num_children: hydeType ? 6 : 5 },
      utf8('topic'),
      utf8('document'),
      { name: 'gold_label', type: 'INT32', converted_type: 'INT_8', repetition_type: 'OPTIONAL' },
      float('score'),
      float('reranker_score'),
      ...(hydeType ? [float('hyde_reranker_score')] : []),
    ],
    queryRows: order.map((i) => queries[i].candidates.length),
    rowGroup: (first, end, rows) => {
      const starts: number[] = [];
      const topic = new Array<Uint8Array>(rows);
      const document = new Array<Uint8Array>(rows);
      const gold = new Int32Array(rows);
      const score = new Float32Array(rows);
      let at = 0;
      for (let j = first; j < end; j++) {
        const i = order[j];
        const q = queries[i];
        starts.push(at);
        const text = encoder.encode(q.text);
        const scores = result.scores[type][i];
        for (let c = 0; c < q.candidates.length; c++, at++) {
          topic[at] = text;
          document[at] = documentTexts[q.candidates[c]];
          // The reference's labels are binary (relevance > 0).
          gold[at] = q.labels[c] > 0 ? 1 : 0;
          score[at] = scores[c];
        }
      }
      const group = <T>(all: T[] | undefined) => all && order.slice(first, end).map((i) => all[i]);
      const columnData: ColumnSource[] = [
        { name: 'topic', data: topic },
        { name: 'document', data: document },
        { name: 'gold_label', data: gold },
        { name: 'score', data: score },
        {
          name: 'reranker_score',
          data: teacherColumn(
            rows,
            starts,
            optimized ? group(result.sampled) : undefined,
            group(result.teacher),
          ),
        },
      ];
      if (hydeType)
        columnData.push({
          name: 'hyde_reranker_score',
          data: teacherColumn(rows, starts, group(result.hyde?.sampled), group(result.hyde?.teacher)),
        });
      return columnData;
    },
  });
}

/** `query_updates.pt` of query `i`: its trajectory (recorded at every step) as the reference saves it. */
export function referenceQueryUpdates(result: RunScores, i: number): Uint8Array {
  const t = result.trajectories;
  if (!t) throw new Error('this run kept no trajectories (it did not run the optimized type with tensors)');
  const Q = result.dataset.queries.length;
  const dims = t.snapshots.cols;
  const queryUpdates = new Float32Array(t.steps.length * dims);
  t.steps.forEach((_, s) => queryUpdates.set(row(t.snapshots, s * Q + i), s * dims));
  return queryUpdatesPt({
    topic: result.dataset.queries[i].text,
    steps: t.steps,
    lossPerStep: Float32Array.from(row(t.lossPerStep, i)),
    queryUpdates,
    dims,
  });
}

/**
 * Throws unless the trajectories hold every step (0, 1, ..., N), as the reference saves them
 * (`--record-every 1`).
 */
export function checkEveryStep(trajectories: NonNullable<RunScores['trajectories']>): void {
  const { steps, lossPerStep } = trajectories;
  if (steps.some((s, i) => s !== i) || lossPerStep.cols !== steps.length - 1)
    throw new Error(
      `the reference's query_updates.pt holds every step; these trajectories were recorded at steps ` +
        `${steps.slice(0, 4).join(', ')}, ... (use --record-every 1)`,
    );
}

/** The folder of each topic's `query_updates.pt` (`tensors/<slug>/`; `tensors/` for an empty slug). */
export function referenceTensorPath(topic: string): string {
  const slug = referenceSlug(topic);
  return slug ? `tensors/${slug}/query_updates.pt` : 'tensors/query_updates.pt';
}

/**
 * This project's config.json for a run folder in the reference layout: the `refinement_explorer` section
 * when this project wrote the folder, else the reference's arguments mapped back (gold labels for
 * `optimize_with_gold`; a `reranker_model` named like `cross-encoder/...` a cross-encoder teacher, any
 * other an LLM teacher; `all` the types the reference runs with or without `hyde_model`).
 */
export function projectConfigOfReference(
  experimentConfig: Record<string, unknown>,
  what = 'experiment_config.json',
): RunConfig {
  const own = experimentConfig.refinement_explorer;
  if (typeof own === 'object' && own !== null && !Array.isArray(own))
    return parseConfig(own, `${what} (its refinement_explorer section)`);
  const c = experimentConfig;
  const reranker = text(c.reranker_model);
  const hyde = text(c.hyde_model);
  const named = Array.isArray(c.computation_types) ? (c.computation_types as string[]) : ['all'];
  const types = named.includes('all') ? ['optimized', 'hyde', 'optimized_hyde'] : named;
  return parseConfig(
    {
      dataset: typeof c.dataset === 'string' ? projectDatasetName(c.dataset) : c.dataset,
      embedding_model: c.embedding_model,
      teacher:
        c.optimize_with_gold === true || !reranker
          ? 'gold'
          : /cross-encoder/i.test(reranker)
            ? `cross-encoder:${reranker}`
            : `llm:${reranker}`,
      hyde_model: hyde,
      // As the reference: the HyDE types run only with a HyDE model.
      computation_types: ['original', ...types.filter((t) => hyde || t === 'optimized')],
      lr: c.lr,
      num_steps: c.num_steps,
      total_scores: c.total_scores,
      scores_from_top: c.scores_from_top,
      random_seed: c.random_seed,
      refit: c.refit === true,
      query_template: c.query_template ?? null,
      document_template: c.document_template ?? null,
    },
    what,
  );
}
