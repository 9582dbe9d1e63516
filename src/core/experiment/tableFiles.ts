import type { ComputationType } from './config';
import { rawScoresCsv } from './outputs';
import { rawScoresAndTrecRun, type FileChunk } from './rawScoresAndTrecRun';
import { rawScoresParquet } from './rawScoresParquet';
import type { RunFile, RunTables, TableFileOptions } from './runFiles';
import { streamedContent } from './streamedContent';
import { trecQrelsFile, trecRunFile } from './trecRun';

/**
 * The large files of the project layout, apart from the rest of `experimentFiles` (the reference layout's
 * modules among them): a file-writing worker that writes only these (the CLI's, see `writeTablesDuringRun`)
 * loads this module and what these files need, not the others.
 */

/**
 * Files that one generator writes at once (each chunk names its file: an index into `paths`), cheaper than
 * one by one: the raw-score CSV and TREC run of a computation type format each score once for both
 * (`rawScoresAndTrecRun`).
 */
export interface RunFileGroup {
  readonly paths: readonly string[];
  chunks(): Iterable<FileChunk>;
}

/** A file of `typeTableFiles`: each file of a group carries it (`together`), and can still be written alone. */
export interface TableFile extends RunFile {
  together?: RunFileGroup;
}

/** The files `file` is written with, when a writer that writes several files at once takes all of them. */
export function writtenTogether(file: RunFile): RunFileGroup | undefined {
  return (file as TableFile).together;
}

/**
 * The large files of one computation type in the project layout, as `experimentFiles` lists them:
 * `<type>_raw_scores.csv`, `<type>_raw_scores.parquet` and `<type>_run.txt` (those `options` keep). They read
 * only `tables`, so a writer can start on them as soon as the type's scores exist (see `runExperiment`'s
 * `onScores`). With both the CSV and the TREC run, each names the pair (`together`).
 */
export function typeTableFiles(
  tables: RunTables,
  type: ComputationType,
  options: TableFileOptions,
): TableFile[] {
  const files: TableFile[] = [];
  const csvPath = `${type}_raw_scores.csv`;
  const runPath = `${type}_run.txt`;
  const tag = `${options.trecTagPrefix ?? ''}${type}`;
  const together: RunFileGroup | undefined =
    (options.csv ?? true) && (options.trec ?? true)
      ? { paths: [csvPath, runPath], chunks: () => rawScoresAndTrecRun(tables, type, tag) }
      : undefined;
  if (options.csv ?? true)
    files.push({
      path: csvPath,
      large: true,
      content: streamedContent(false, () => rawScoresCsv(tables, type)),
      together,
    });
  if (options.parquet ?? true)
    files.push({
      path: `${type}_raw_scores.parquet`,
      large: true,
      content: streamedContent(true, () => rawScoresParquet(tables, type)),
    });
  if (options.trec ?? true)
    files.push({
      path: runPath,
      large: true,
      content: streamedContent(false, () => trecRunFile(tables, type, tag)),
      together,
    });
  return files;
}

/** `qrels.txt` (project layout, with TREC output): it reads only the dataset. */
export function qrelsFile(tables: Pick<RunTables, 'dataset'>): RunFile {
  return { path: 'qrels.txt', large: true, content: streamedContent(false, () => trecQrelsFile(tables)) };
}
