import { compress, init } from '@bokuweb/zstd-wasm';
import { parquetWriteBuffer, type ParquetWriteOptions } from 'hyparquet-writer';
import type { ComputationType } from './config';
import type { ExperimentResult } from './pipeline';

/**
 * `<type>_raw_scores.parquet`: the rows of `<type>_raw_scores.csv` (`rawScoresCsv`) as Apache Parquet,
 * compressed with Zstandard. Columns: `query_id` and `doc_id` (UTF-8 strings), `gold_label` and `score`
 * (float32, the values the engine computed, unrounded), `teacher_score` (float64, null where the teacher did
 * not score the document). Written by hyparquet-writer (pure JavaScript) with zstd from @bokuweb/zstd-wasm
 * (WebAssembly), so the same code runs in Node and in the browser; pandas, polars, DuckDB and Arrow read it.
 */

/** zstd level: 3 is zstd's own default, a good size/speed balance for float columns. */
const ZSTD_LEVEL = 3;
/** One row group per ~1M rows keeps memory bounded for readers without hurting compression. */
const ROW_GROUP_SIZE = 1 << 20;

let zstdReady: Promise<void> | undefined;

/** Loads the zstd WebAssembly module once (Node reads the file, browsers fetch the bundled asset). */
export function loadZstd(): Promise<void> {
  zstdReady ??= init().catch((error: unknown) => {
    zstdReady = undefined;
    throw new Error(
      `cannot load the zstd compressor (WebAssembly) needed for Parquet files: ${(error as Error).message}`,
      { cause: error },
    );
  });
  return zstdReady;
}

/** The Parquet bytes of one computation type's raw scores. */
export async function rawScoresParquet(result: ExperimentResult, type: ComputationType): Promise<Uint8Array> {
  await loadZstd();
  const { queries, documents } = result.dataset;
  const rows = queries.reduce((n, q) => n + q.candidates.length, 0);
  const queryIds: string[] = new Array<string>(rows);
  const docIds: string[] = new Array<string>(rows);
  const gold = new Float32Array(rows);
  const score = new Float32Array(rows);
  const teacher: (number | null)[] = new Array<number | null>(rows).fill(null);
  let at = 0;
  for (const [i, q] of queries.entries()) {
    const start = at;
    const scores = result.scores[type][i];
    for (let c = 0; c < q.candidates.length; c++, at++) {
      queryIds[at] = q.id;
      docIds[at] = documents[q.candidates[c]].id;
      gold[at] = q.labels[c];
      score[at] = scores[c];
    }
    result.sampled[i].forEach((c, k) => {
      const s = result.teacher[i].scores[k];
      teacher[start + c] = s ?? null;
    });
  }
  return zstdParquet({
    columnData: [
      { name: 'query_id', data: queryIds, type: 'STRING', nullable: false },
      { name: 'doc_id', data: docIds, type: 'STRING', nullable: false },
      { name: 'gold_label', data: gold, type: 'FLOAT', nullable: false },
      { name: 'score', data: score, type: 'FLOAT', nullable: false },
      { name: 'teacher_score', data: teacher, type: 'DOUBLE', nullable: true },
    ],
    kvMetadata: [
      { key: 'refinement_explorer.dataset', value: result.dataset.name },
      { key: 'refinement_explorer.computation_type', value: type },
    ],
  });
}

/**
 * A Parquet file of the given columns (with `schema` when the columns' basic types do not say enough, e.g.
 * an int8 column), zstd-compressed, in row groups of about a million rows. `loadZstd` must have run.
 */
export function zstdParquet(
  options: Pick<ParquetWriteOptions, 'columnData' | 'schema' | 'kvMetadata'>,
): Uint8Array {
  const buffer = parquetWriteBuffer({
    ...options,
    codec: 'ZSTD',
    compressors: { ZSTD: (input) => compress(input, ZSTD_LEVEL) },
    rowGroupSize: ROW_GROUP_SIZE,
    createdBy: 'refinement-explorer (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}
