import { compress, init } from '@bokuweb/zstd-wasm';
import { ByteWriter, ParquetWriter, type ColumnSource, type ParquetWriteOptions } from 'hyparquet-writer';
import { utf8 } from './byteChunks';
import type { ComputationType } from './config';
import { scoresOf } from './outputs';
import type { RunTables } from './runFiles';

// hyparquet-writer's own hyparquet types (its copy may differ from the reader's).
type SchemaElement = NonNullable<ParquetWriteOptions['schema']>[number];
type KeyValue = NonNullable<ParquetWriteOptions['kvMetadata']>[number];

/**
 * `<type>_raw_scores.parquet`: the rows of `<type>_raw_scores.csv` (`rawScoresCsv`) as Apache Parquet,
 * compressed with Zstandard. Columns: `query_id` and `doc_id` (UTF-8 strings), `gold_label` and `score`
 * (float32, the values the engine computed, unrounded), `teacher_score` (float64, null where the teacher did
 * not score the document). Written by hyparquet-writer (pure JavaScript) with zstd from @bokuweb/zstd-wasm
 * (WebAssembly), so the same code runs in Node and in the browser; pandas, polars, DuckDB and Arrow read it.
 */

/**
 * zstd level, rows per row group and page size, measured on a Clinc150-shaped file of 2.25 M rows (`npm run
 * bench -- --sections outputs`, 2-core machine; table in docs/performance-and-benchmarks.md): the
 * JavaScript encoding, not zstd, takes the time, so levels 1, 3 and 6 write in about the same time, level
 * 1's file 1 % larger than level 3's and level 6's 0.1 % smaller; row groups of 256 K rows (whole queries)
 * instead of 1 M hold a quarter of the rows in memory while writing, and a reader skips groups by query with
 * their statistics. One data page per column chunk (at most 256 K values) instead of hyparquet-writer's
 * 1 MiB pages skips its per-value page sizing: 847 instead of 1155 ms and 2.4 % smaller (8.31 instead of
 * 8.52 MB), the same rows read back.
 */
export const PARQUET_TUNING: Readonly<ParquetTuning> = Object.freeze({
  zstdLevel: 3,
  rowGroupRows: 1 << 18,
  pageBytes: 0,
});

export interface ParquetTuning {
  zstdLevel: number;
  /** A row group holds whole queries, up to this many rows (one query's rows at least). */
  rowGroupRows: number;
  /** Uncompressed bytes per data page (hyparquet-writer's `pageSize`); 0: one page per column chunk. */
  pageBytes?: number;
}

/** hyparquet-writer's default page size. */
const DEFAULT_PAGE_BYTES = 1 << 20;

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

/**
 * The Parquet file of one computation type's raw scores, a row group at a time (row groups hold whole
 * queries): memory stays at one group's columns whatever the run's size. Ids are UTF-8-encoded once per
 * document, not once per row.
 */
export async function* rawScoresParquet(
  result: RunTables,
  type: ComputationType,
  tuning: Readonly<ParquetTuning> = PARQUET_TUNING,
): AsyncGenerator<Uint8Array> {
  await loadZstd();
  const { queries, documents } = result.dataset;
  const docIds = documents.map((d) => utf8(d.id));
  const typeScores = scoresOf(result, type);
  const column = (
    name: string,
    type: 'BYTE_ARRAY' | 'FLOAT' | 'DOUBLE',
    repetition: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED',
  ): SchemaElement =>
    type === 'BYTE_ARRAY'
      ? { name, type, repetition_type: repetition, converted_type: 'UTF8' }
      : { name, type, repetition_type: repetition };
  yield* zstdParquetChunks({
    schema: [
      { name: 'root', num_children: 5 },
      column('query_id', 'BYTE_ARRAY'),
      column('doc_id', 'BYTE_ARRAY'),
      column('gold_label', 'FLOAT'),
      column('score', 'FLOAT'),
      column('teacher_score', 'DOUBLE', 'OPTIONAL'),
    ],
    kvMetadata: [
      { key: 'refinement_explorer.dataset', value: result.dataset.name },
      { key: 'refinement_explorer.computation_type', value: type },
    ],
    queryRows: queries.map((q) => q.candidates.length),
    tuning,
    rowGroup: (first, end, rows) => {
      const queryIds = new Array<Uint8Array>(rows);
      const docIdColumn = new Array<Uint8Array>(rows);
      const gold = new Float32Array(rows);
      const score = new Float32Array(rows);
      const teacher = new Array<number | null>(rows).fill(null);
      let at = 0;
      for (let i = first; i < end; i++) {
        const q = queries[i];
        const start = at;
        const n = q.candidates.length;
        at += n;
        queryIds.fill(utf8(q.id), start, at);
        gold.set(q.labels.subarray(0, n), start);
        score.set(typeScores[i].subarray(0, n), start);
        for (let c = 0; c < n; c++) docIdColumn[start + c] = docIds[q.candidates[c]];
        result.sampled[i].forEach((c, k) => {
          teacher[start + c] = result.teacher[i].scores[k] ?? null;
        });
      }
      // Min/max statistics for query_id only: a row group holds whole queries, so a reader looking for
      // some queries skips the other groups; the other columns' statistics would skip nothing and cost
      // a third of the writing time.
      return [
        { name: 'query_id', data: queryIds },
        { name: 'doc_id', data: docIdColumn, statistics: false },
        { name: 'gold_label', data: gold, statistics: false },
        { name: 'score', data: score, statistics: false },
        { name: 'teacher_score', data: teacher, statistics: false },
      ];
    },
  });
}

export interface ParquetChunksOptions {
  schema: SchemaElement[];
  kvMetadata?: KeyValue[];
  /** Rows of each query, in order: a row group holds whole queries. */
  queryRows: readonly number[];
  /** Default `PARQUET_TUNING`. */
  tuning?: Readonly<ParquetTuning>;
  /** The columns of the rows of queries [first, end) (`rows` of them). */
  rowGroup: (first: number, end: number, rows: number) => ColumnSource[];
}

/**
 * A zstd-compressed Parquet file, yielded a row group at a time (then the footer), each group about
 * `PARQUET_TUNING.rowGroupRows` rows of whole queries. `loadZstd` must have run.
 */
export function* zstdParquetChunks(options: ParquetChunksOptions): Generator<Uint8Array> {
  const tuning = options.tuning ?? PARQUET_TUNING;
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({
    writer,
    schema: options.schema,
    codec: 'ZSTD',
    compressors: { ZSTD: (input) => compress(input, tuning.zstdLevel) },
    kvMetadata: options.kvMetadata,
    createdBy: 'refinement-explorer (hyparquet-writer)',
  });
  // The writer's offsets count every byte written; its buffer is emptied after each group.
  const take = () => {
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return bytes;
  };
  const { queryRows } = options;
  let first = 0;
  while (first < queryRows.length) {
    let end = first;
    let rows = 0;
    while (end < queryRows.length && (rows === 0 || rows + queryRows[end] <= tuning.rowGroupRows))
      rows += queryRows[end++];
    // One write per group: the columns hold exactly the group's rows.
    void parquet.write({
      columnData: options.rowGroup(first, end, rows),
      rowGroupSize: Math.max(rows, 1),
      pageSize: tuning.pageBytes ?? DEFAULT_PAGE_BYTES,
    });
    yield take();
    first = end;
  }
  void parquet.finish();
  yield take();
}
