import { decompress } from '@bokuweb/zstd-wasm';
import { parquetMetadata, parquetRead, type ColumnData, type FileMetaData } from 'hyparquet';
import { parseCsvRecords } from '../datasets/csvRecords';
import type { DataFiles } from '../datasets/types';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { loadZstd } from './rawScoresParquet';

/**
 * Reads this project's `<type>_raw_scores.parquet` (or, when a run has no Parquet, its `.csv`) column by
 * column. A Clinc150 run holds 2.25 million rows per type, so the Parquet file is decoded one row group at a
 * time into typed arrays, with progress after each group and a turn of the event loop in between (so that
 * a worker sees a cancel message), instead of one object per row.
 */

/** The columns of the project's raw-score files. */
export interface RawScoreColumns {
  rows: number;
  /** Only when asked for (`ids`): per row, the query's and the document's id. */
  queryIds?: string[];
  docIds?: string[];
  gold?: Float32Array;
  score: Float32Array;
  /** The teacher's score; NaN where it scored nothing. */
  teacher?: Float64Array;
}

/** zstd for hyparquet (`loadZstd` must have run). */
const ZSTD_DECOMPRESSORS = {
  ZSTD: (input: Uint8Array, outputLength: number) => decompress(input, { defaultHeapSize: outputLength }),
};

const ID_COLUMNS = ['query_id', 'doc_id', 'gold_label', 'score', 'teacher_score'];

/** Lets the event loop run (a worker's incoming cancel message) between row groups. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The raw scores of `type` in `files`: every column with `ids`, else only `score`. `stage` names the
 * progress events (rows done of rows in the file).
 */
export async function readRawScores(
  files: DataFiles,
  type: string,
  ids: boolean,
  options: LongTaskOptions & { stage: string },
): Promise<RawScoreColumns> {
  const parquet = `${type}_raw_scores.parquet`;
  if (await files.exists(parquet)) return readParquetColumns(files, parquet, ids, options);
  const csv = `${type}_raw_scores.csv`;
  if (await files.exists(csv)) return readCsvColumns(files, csv, options);
  throw new Error(`${files.location} has no ${parquet} nor ${csv}`);
}

/** How `readParquetRowGroups` hands a Parquet file's columns over. */
export interface ParquetColumnSink {
  /** The columns to read, given the file's own (throw to refuse the file, e.g. for a missing column). */
  columns(names: string[], where: string): string[];
  /** Called once, with the file's row count, before any chunk. */
  begin(rows: number): void;
  /** A column's rows `rowStart`..`rowEnd` of one row group. */
  chunk(data: ColumnData): void;
}

/**
 * Reads the Parquet file `path` one row group at a time into `sink`, with progress (`stage`: rows done of
 * rows in the file) after each group and a turn of the event loop in between (a worker's cancel message),
 * throwing `CancelledError` once `options.signal` is aborted. Throws, naming the file, when it is not a
 * readable Parquet file.
 */
export async function readParquetRowGroups(
  files: DataFiles,
  path: string,
  sink: ParquetColumnSink,
  options: LongTaskOptions & { stage: string },
): Promise<void> {
  await loadZstd();
  const bytes = await files.readBytes(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const where = `${files.location}/${path}`;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw new Error(`${where} is not a readable Parquet file: ${(error as Error).message}`, { cause: error });
  }
  const columns = sink.columns(
    metadata.schema.slice(1).map((s) => s.name),
    where,
  );
  const rows = Number(metadata.num_rows);
  sink.begin(rows);
  let rowStart = 0;
  options.onProgress?.({ stage: options.stage, done: 0, total: rows });
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    try {
      await parquetRead({
        file,
        metadata,
        columns,
        rowStart,
        rowEnd,
        compressors: ZSTD_DECOMPRESSORS,
        onChunk: sink.chunk,
      });
    } catch (error) {
      throw new Error(`${where} is not a readable Parquet file: ${(error as Error).message}`, {
        cause: error,
      });
    }
    rowStart = rowEnd;
    options.onProgress?.({ stage: options.stage, done: rowStart, total: rows });
    await nextTurn();
    throwIfAborted(options.signal);
  }
}

async function readParquetColumns(
  files: DataFiles,
  path: string,
  ids: boolean,
  options: LongTaskOptions & { stage: string },
): Promise<RawScoreColumns> {
  let out: RawScoreColumns = { rows: 0, score: new Float32Array(0) };
  await readParquetRowGroups(
    files,
    path,
    {
      columns(names, where) {
        const columns = ids ? ID_COLUMNS : ['score'];
        const missing = columns.filter((c) => !names.includes(c));
        if (missing.length)
          throw new Error(
            `${where} lacks the column(s) ${missing.join(', ')} of this project's raw scores (it has ${names.join(', ')})`,
          );
        return columns;
      },
      begin(rows) {
        out = { rows, score: new Float32Array(rows) };
        if (ids) {
          out.queryIds = new Array<string>(rows);
          out.docIds = new Array<string>(rows);
          out.gold = new Float32Array(rows);
          out.teacher = new Float64Array(rows).fill(NaN);
        }
      },
      chunk({ columnName, columnData, rowStart, rowEnd }) {
        const end = Math.min(rowEnd, out.rows);
        switch (columnName) {
          case 'score':
          case 'gold_label':
            copyNumbers(columnName === 'score' ? out.score : out.gold!, columnData, rowStart, end);
            break;
          case 'teacher_score':
            copyNumbers(out.teacher!, columnData, rowStart, end, true);
            break;
          case 'query_id':
          case 'doc_id':
            copyStrings(columnName === 'query_id' ? out.queryIds! : out.docIds!, columnData, rowStart, end);
            break;
        }
      },
    },
    options,
  );
  return out;
}

/** Rows `rowStart`..`end` of a chunk into `target`; with `skipNull`, null cells keep the target's value. */
export function copyNumbers(
  target: Float32Array | Float64Array,
  columnData: ArrayLike<unknown>,
  rowStart: number,
  end: number,
  skipNull = false,
): void {
  for (let r = rowStart; r < end; r++) {
    const v = columnData[r - rowStart];
    if (skipNull && (v === null || v === undefined)) continue;
    target[r] = Number(v);
  }
}

/** Rows `rowStart`..`end` of a chunk into `target`, as strings. */
export function copyStrings(
  target: string[],
  columnData: ArrayLike<unknown>,
  rowStart: number,
  end: number,
): void {
  for (let r = rowStart; r < end; r++) target[r] = String(columnData[r - rowStart]);
}

/** The CSV twin (`query_id,doc_id,gold_label,score,teacher_score`), for runs written without Parquet. */
async function readCsvColumns(
  files: DataFiles,
  path: string,
  options: LongTaskOptions & { stage: string },
): Promise<RawScoreColumns> {
  options.onProgress?.({ stage: options.stage, done: 0, total: 1 });
  const records = parseCsvRecords(await files.readText(path), `${files.location}/${path}`, ID_COLUMNS);
  throwIfAborted(options.signal);
  const rows = records.length;
  const out: Required<RawScoreColumns> = {
    rows,
    queryIds: new Array<string>(rows),
    docIds: new Array<string>(rows),
    gold: new Float32Array(rows),
    score: new Float32Array(rows),
    teacher: new Float64Array(rows).fill(NaN),
  };
  records.forEach((r, at) => {
    out.queryIds[at] = r.query_id;
    out.docIds[at] = r.doc_id;
    out.gold[at] = Number(r.gold_label);
    out.score[at] = Number(r.score);
    if (r.teacher_score !== '') out.teacher[at] = Number(r.teacher_score);
  });
  options.onProgress?.({ stage: options.stage, done: 1, total: 1 });
  return out;
}
