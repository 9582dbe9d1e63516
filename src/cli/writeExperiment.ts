import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigColumns, ExperimentSummary } from '../core/experiment/outputs';
import type { Dataset } from '../core/datasets/types';
import type { ExperimentOptions, ExperimentResult } from '../core/experiment/pipeline';
import type { RunConfig } from '../core/experiment/runRecord';
import {
  experimentFiles,
  type OutputLayout,
  type RunFile,
  type TableFileOptions,
} from '../core/experiment/runFiles';
import { qrelsFile, typeTableFiles } from '../core/experiment/tableFiles';
import { writeRunFilesInParallel, type RunFileWorkerPool } from './runFileWorkers';

export interface WriteOptions {
  dir: string;
  config: RunConfig;
  /** Default: `configColumnsOf(config)`. */
  configColumns?: ConfigColumns;
  summary: ExperimentSummary;
  saveTensors: boolean;
  saveEmbeddings: boolean;
  /** `<type>_raw_scores.csv` (default true). */
  csv?: boolean;
  /** `<type>_raw_scores.parquet` (default true). */
  parquet?: boolean;
  /** `<type>_run.txt` and `qrels.txt` (default true). */
  trec?: boolean;
  /** This project's files (default) or the reference code's (`experimentFiles`). */
  layout?: OutputLayout;
  /**
   * Worker threads for the large tables (`writeRunFilesInParallel`): a pool started earlier, or how many;
   * default one per core, 0: none.
   */
  workers?: number | RunFileWorkerPool;
  /** Stops the writing (between files, and within a large one) with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Writes every output file of a finished experiment into `dir` (see docs/experiments-and-outputs.md, "Outputs"): the files of
 * `experimentFiles`, the same list the browser zips. Returns their relative paths (trajectories summarised).
 */
export async function writeExperiment(result: ExperimentResult, options: WriteOptions): Promise<string[]> {
  const { dir } = options;
  await mkdir(dir, { recursive: true });
  const filesOptions = {
    config: options.config,
    configColumns: options.configColumns,
    summary: options.summary,
    trajectories: options.saveTensors,
    embeddings: options.saveEmbeddings,
    csv: options.csv,
    parquet: options.parquet,
    trec: options.trec,
    layout: options.layout,
  };
  const files = experimentFiles(result, filesOptions);
  const targetOf = (file: RunFile) => path.join(dir, ...file.path.split('/'));
  const folders = new Set(files.map((file) => path.dirname(targetOf(file))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  await writeRunFilesInParallel(result, filesOptions, files, targetOf, {
    workers: options.workers,
    signal: options.signal,
  });
  const written = files.filter((f) => !f.path.startsWith('tensors/')).map((f) => f.path);
  const trajectories = files.length - written.length;
  if (trajectories) written.push(`tensors/ (${trajectories} trajectories)`);
  return written;
}

/**
 * Starts writing, on `pool`'s workers, the large files of the project layout into `dir` as their tables
 * come: qrels.txt now, a computation type's raw scores and TREC run when the returned hook (`runExperiment`'s
 * `onScores`) is told its scores are final; `writeExperiment` with the same pool and `dir` then writes the
 * rest and waits for these. The files are those `experimentFiles` lists, byte for byte.
 */
export function writeTablesDuringRun(
  pool: RunFileWorkerPool,
  dataset: Dataset,
  dir: string,
  options: TableFileOptions,
): NonNullable<ExperimentOptions['onScores']> {
  const targetOf = (file: RunFile) => path.join(dir, ...file.path.split('/'));
  pool.shareTables({ dataset }, options);
  if (options.trec ?? true) pool.writeEarly([qrelsFile({ dataset })], targetOf);
  let taughtShared = false;
  return (type, scores, taught) => {
    // The teacher's sample goes once, with the first type's scores.
    pool.shareTables({ ...(taughtShared ? {} : taught), scores: { [type]: scores } }, options);
    taughtShared = true;
    pool.writeEarly(
      typeTableFiles({ dataset, ...taught, scores: { [type]: scores } }, type, options),
      targetOf,
    );
  };
}

export async function writeSummary(dir: string, summary: ExperimentSummary): Promise<void> {
  await writeFile(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
}
