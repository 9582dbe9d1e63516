import type { ComputationType } from './config';
import { rawScoresCsv } from './outputs';
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
 * The large files of one computation type in the project layout, as `experimentFiles` lists them:
 * `<type>_raw_scores.csv`, `<type>_raw_scores.parquet` and `<type>_run.txt` (those `options` keep). They read
 * only `tables`, so a writer can start on them as soon as the type's scores exist (see `runExperiment`'s
 * `onScores`).
 */
export function typeTableFiles(
  tables: RunTables,
  type: ComputationType,
  options: TableFileOptions,
): RunFile[] {
  const files: RunFile[] = [];
  if (options.csv ?? true)
    files.push({
      path: `${type}_raw_scores.csv`,
      large: true,
      content: streamedContent(false, () => rawScoresCsv(tables, type)),
    });
  if (options.parquet ?? true)
    files.push({
      path: `${type}_raw_scores.parquet`,
      large: true,
      content: streamedContent(true, () => rawScoresParquet(tables, type)),
    });
  if (options.trec ?? true)
    files.push({
      path: `${type}_run.txt`,
      large: true,
      content: streamedContent(false, () =>
        trecRunFile(tables, type, `${options.trecTagPrefix ?? ''}${type}`),
      ),
    });
  return files;
}

/** `qrels.txt` (project layout, with TREC output): it reads only the dataset. */
export function qrelsFile(tables: Pick<RunTables, 'dataset'>): RunFile {
  return { path: 'qrels.txt', large: true, content: streamedContent(false, () => trecQrelsFile(tables)) };
}
