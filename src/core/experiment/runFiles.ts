import type { Matrix } from '../matrix';
import {
  querySlugs,
  resultsCsv,
  trajectoryFile,
  type ConfigColumns,
  type ExperimentSummary,
} from './outputs';
import type { ExperimentResult } from './pipeline';
import { streamedContent } from './streamedContent';
import { referenceExperimentFiles } from './referenceRunFiles';
import type { RunConfig } from './runRecord';
import { qrelsFile, typeTableFiles } from './tableFiles';

/**
 * The file list of a finished experiment: one definition of what a run's folder holds, which the CLI writes
 * to disk (`writeExperiment`) and the browser packs into one zip (`experimentZip`). Contents are produced
 * lazily, file by file, so that large tables never sit in memory whole.
 */

export type RunFileContent =
  /** Text, as chunks of lines (written as UTF-8). */
  | { kind: 'text'; chunks: () => Iterable<string> }
  /**
   * Bytes, streamed in `chunks` (the large tables: a writer never holds a whole file) or all at once with
   * `bytes`; `compressed` files (Parquet) are stored in a zip as they are.
   */
  | {
      kind: 'binary';
      chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
      bytes: () => Promise<Uint8Array>;
      compressed: boolean;
    };

export interface RunFile {
  /** Relative, with `/` separators. */
  path: string;
  content: RunFileContent;
  /** A table of one row per (query, candidate): millions of rows, which the CLI writes on worker threads. */
  large?: boolean;
}

export interface RunFilesOptions {
  /** config.json: every setting of the run (`toConfig`). */
  config: RunConfig;
  summary: ExperimentSummary;
  /** Columns appended to every `<type>_results.csv` row; default `configColumnsOf(config)`. */
  configColumns?: ConfigColumns;
  /** `tensors/<query>/trajectory.json` per query, when the run kept trajectories (default false). */
  trajectories?: boolean;
  /** `embeddings/{docs,queries}.{f32,json}` (default false). */
  embeddings?: boolean;
  /** `<type>_raw_scores.csv` (default true). */
  csv?: boolean;
  /** `<type>_raw_scores.parquet` (default true). */
  parquet?: boolean;
  /** `<type>_run.txt` per type and `qrels.txt` (default true). */
  trec?: boolean;
  /** The run tag of TREC lines is `<trecTagPrefix><type>` (default: no prefix). */
  trecTagPrefix?: string;
  /**
   * `project` (default): this project's files. `reference`: the reference code's files instead
   * (`referenceExperimentFiles`), plus summary.json, and hyde_documents.jsonl and embeddings when they apply.
   */
  layout?: OutputLayout;
}

export const OUTPUT_LAYOUTS = ['project', 'reference'] as const;
export type OutputLayout = (typeof OUTPUT_LAYOUTS)[number];

/** Files of the project layout that the reference layout keeps: they hold what the reference's files lack. */
const KEPT_IN_REFERENCE_LAYOUT = /^(summary\.json|hyde_documents\.jsonl|embeddings\/.*)$/;

/** The config.json keys appended to results rows, as the reference appends its arguments. */
const CONFIG_COLUMN_KEYS = [
  'dataset',
  'embedding_model',
  'teacher',
  'teacher_noise',
  'lr',
  'num_steps',
  'total_scores',
  'scores_from_top',
  'random_seed',
  'refit',
  'backend',
] as const;

/** The results-table columns of a config.json (missing keys are empty). */
export function configColumnsOf(config: RunConfig): ConfigColumns {
  return Object.fromEntries(
    CONFIG_COLUMN_KEYS.map((key) => {
      const value = config[key];
      const cell =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
      return [key, cell];
    }),
  );
}

const jsonText = (value: unknown, indent?: number): RunFileContent => ({
  kind: 'text',
  chunks: () => [JSON.stringify(value, null, indent) + '\n'],
});

/**
 * Every file of the run, in the order the CLI writes them: config.json; per type `<type>_results.csv`,
 * `<type>_raw_scores.csv`, `<type>_raw_scores.parquet`, `<type>_run.txt`; qrels.txt; summary.json;
 * hyde_documents.jsonl (HyDE runs); trajectories and embeddings when asked for.
 */
export function experimentFiles(result: ExperimentResult, options: RunFilesOptions): RunFile[] {
  if (options.layout === 'reference') {
    const kept = experimentFiles(result, { ...options, layout: 'project', trajectories: false });
    return [
      ...referenceExperimentFiles(result, options),
      ...kept.filter((file) => KEPT_IN_REFERENCE_LAYOUT.test(file.path)),
    ];
  }
  const files: RunFile[] = [{ path: 'config.json', content: jsonText(options.config, 2) }];
  const columns = options.configColumns ?? configColumnsOf(options.config);
  for (const type of result.types) {
    files.push({
      path: `${type}_results.csv`,
      content: { kind: 'text', chunks: () => resultsCsv(result, type, columns) },
    });
    files.push(...typeTableFiles(result, type, options));
  }
  if (options.trec ?? true) files.push(qrelsFile(result));
  files.push({ path: 'summary.json', content: jsonText(options.summary, 2) });

  const hyde = result.hyde;
  if (hyde) {
    files.push({
      path: 'hyde_documents.jsonl',
      content: {
        kind: 'text',
        chunks: () =>
          hyde.documents.map(
            (text, i) => JSON.stringify({ query_id: result.dataset.queries[i].id, text }) + '\n',
          ),
      },
    });
  }
  if (options.trajectories && result.trajectories) {
    const slugs = querySlugs(result.dataset.queries.map((q) => q.text));
    slugs.forEach((slug, i) =>
      files.push({ path: `tensors/${slug}/trajectory.json`, content: jsonText(trajectoryFile(result, i)) }),
    );
  }
  if (options.embeddings) {
    const add = (name: string, m: Matrix, ids: string[]) => {
      files.push({
        path: `embeddings/${name}.f32`,
        content: streamedContent(false, () => [littleEndianFloat32(m.data)]),
      });
      files.push({
        path: `embeddings/${name}.json`,
        content: jsonText({ dims: m.cols, count: m.rows, ids }),
      });
    };
    add(
      'docs',
      result.docEmbeddings,
      result.dataset.documents.map((d) => d.id),
    );
    add(
      'queries',
      result.queryEmbeddings,
      result.dataset.queries.map((q) => q.id),
    );
  }
  return files;
}

/**
 * The tables the large files are made of: the dataset, the teacher's sample and scores, and the candidate
 * scores of each computation type (those computed so far, for a writer that starts before the run ends).
 */
export interface RunTables {
  dataset: ExperimentResult['dataset'];
  scores: Partial<ExperimentResult['scores']>;
  sampled: ExperimentResult['sampled'];
  teacher: ExperimentResult['teacher'];
}

/** The options that decide the large files of the project layout (`typeTableFiles`, `qrelsFile`). */
export type TableFileOptions = Pick<RunFilesOptions, 'csv' | 'parquet' | 'trec' | 'trecTagPrefix'>;

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The float32 values as little-endian bytes (a view, without copying, on little-endian machines). */
function littleEndianFloat32(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}
