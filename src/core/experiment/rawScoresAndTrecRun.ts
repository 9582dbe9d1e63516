import { ByteChunks, Float32Texts } from './byteChunks';
import type { ComputationType } from './config';
import { RawScoresCsvLines, scoresOf } from './outputs';
import type { RunTables } from './runFiles';
import { TrecRunLines } from './trecRun';

/** A chunk of one of several files written together: `file` indexes their list. */
export type FileChunk = readonly [file: number, chunk: Uint8Array];

/**
 * `<type>_raw_scores.csv` (file 0) and `<type>_run.txt` (file 1) at once, byte for byte `rawScoresCsv` and
 * `trecRunFile`, formatting each score once instead of once per file: query by query, the scores' texts go
 * into a small table (`Float32Texts`, reused; it stays in the cache), which the CSV lines copy in candidate
 * order and the TREC lines in ranked order. The CLI's file-writing workers write the two files this way
 * (`typeTableFiles`' `together`). Chunks of the two files come interleaved, each file's in order.
 */
export function* rawScoresAndTrecRun(
  result: RunTables,
  type: ComputationType,
  tag: string = type,
): Generator<FileChunk> {
  const csvOut = new ByteChunks();
  const runOut = new ByteChunks();
  const csv = new RawScoresCsvLines(result, type);
  const run = new TrecRunLines(result, type, tag);
  csv.header(csvOut);
  const texts = new Float32Texts();
  const typeScores = scoresOf(result, type);
  for (let i = 0; i < result.dataset.queries.length; i++) {
    texts.fill(typeScores[i]);
    for (const chunk of csv.query(csvOut, i, texts)) yield [0, chunk];
    for (const chunk of run.query(runOut, i, texts)) yield [1, chunk];
  }
  yield [0, csvOut.flush()];
  yield [1, runOut.flush()];
}
