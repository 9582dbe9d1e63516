import type { Dataset } from '../core/datasets/types';
import { matrix } from '../core/matrix';
import type { ComputationType } from '../core/experiment/config';
import type { ExperimentResult } from '../core/experiment/pipeline';
import { rawScoresCsv } from '../core/experiment/outputs';
import { rawScoresAndTrecRun } from '../core/experiment/rawScoresAndTrecRun';
import { PARQUET_TUNING, rawScoresParquet } from '../core/experiment/rawScoresParquet';
import { trecQrelsFile, trecRunFile } from '../core/experiment/trecRun';
import type { RankingMetrics } from '../core/metrics/rankingMetrics';
import { SeededRandom } from '../core/rng';

/**
 * The `outputs` section of `npm run bench`: the time to produce each large run file of a Clinc150-shaped run
 * (150 queries × 15,000 candidates, four computation types' worth of rows per file kind: one type here),
 * the bytes consumed as a writer would, without the disk; and the Parquet file's size and time per zstd
 * level and row-group size, which chose `PARQUET_TUNING`.
 */

export interface OutputsCase {
  file: string;
  params: Record<string, number | string>;
  median_ms: number;
  samples_ms: number[];
  bytes: number;
}

/** A seeded run of Clinc150's shape: ids like its own, scores like cosines, 20 teacher-scored candidates. */
export function clincShapedResult(queries = 150, documents = 15_000): ExperimentResult {
  const rng = new SeededRandom(17);
  const dataset: Dataset = {
    name: 'clinc150-shaped',
    task: 'classification',
    instruction: '',
    documents: Array.from({ length: documents }, (_, i) => ({ id: `train_${i}`, text: `utterance ${i}` })),
    queries: Array.from({ length: queries }, (_, i) => ({
      id: `intent_${i}`,
      text: `intent ${i}`,
      candidates: Int32Array.from({ length: documents }, (_, c) => c),
      labels: Float32Array.from({ length: documents }, (_, c) => (c % queries === i ? 1 : 0)),
    })),
  };
  const types: ComputationType[] = ['original', 'optimized'];
  const scores = Object.fromEntries(
    types.map((t) => [
      t,
      dataset.queries.map(() => Float32Array.from({ length: documents }, () => rng.next() * 1.2 - 0.2)),
    ]),
  ) as Record<ComputationType, Float32Array[]>;
  return {
    dataset,
    types,
    scores,
    metrics: Object.fromEntries(types.map((t) => [t, [] as RankingMetrics[]])) as Record<
      ComputationType,
      RankingMetrics[]
    >,
    sampled: dataset.queries.map(() => Int32Array.from({ length: 20 }, (_, k) => k * 7)),
    teacher: dataset.queries.map(() => ({
      scores: Array.from({ length: 20 }, (_, k) => k % 2),
      errors: Array.from({ length: 20 }, () => null),
    })),
    docEmbeddings: matrix(0, 1),
    queryEmbeddings: matrix(0, 1),
    timings: {},
  };
}

async function consume(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) bytes += chunk.length;
  return bytes;
}

export async function benchOutputs(repeats: number, quick: boolean): Promise<OutputsCase[]> {
  const result = clincShapedResult(quick ? 30 : 150, quick ? 5_000 : 15_000);
  const rows = result.dataset.queries.reduce((n, q) => n + q.candidates.length, 0);
  const cases: OutputsCase[] = [];
  const measure = async (
    file: string,
    params: Record<string, number | string>,
    make: () => Promise<number>,
  ) => {
    let bytes = await make();
    const samples: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      bytes = await make();
      samples.push(performance.now() - start);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    cases.push({
      file,
      params: { rows, ...params },
      median_ms: sorted[Math.floor(sorted.length / 2)],
      samples_ms: samples,
      bytes,
    });
  };
  await measure('raw_scores.csv', {}, () => consume(rawScoresCsv(result, 'optimized')));
  await measure('run.txt', {}, () => consume(trecRunFile(result, 'optimized')));
  // The two as the CLI's workers write them: one pass, each score formatted once.
  await measure('raw_scores.csv+run.txt', {}, async () => {
    let bytes = 0;
    for (const [, chunk] of rawScoresAndTrecRun(result, 'optimized')) bytes += chunk.length;
    return bytes;
  });
  await measure('qrels.txt', {}, () => consume(trecQrelsFile(result)));
  // Levels × row groups at the chosen page size, then the chosen level and groups with 1 MiB pages
  // (hyparquet-writer's default, used before).
  const pageSizes = [PARQUET_TUNING.pageBytes ?? 0, 1 << 20];
  for (const pageBytes of pageSizes)
    for (const zstdLevel of [1, 3, 6])
      for (const rowGroupRows of [1 << 16, 1 << 18, 1 << 20]) {
        const tuning = { zstdLevel, rowGroupRows, pageBytes };
        const atChosen = (key: keyof typeof tuning) => tuning[key] === (PARQUET_TUNING[key] ?? 0);
        if (pageBytes !== pageSizes[0] && !(atChosen('zstdLevel') && atChosen('rowGroupRows'))) continue;
        const chosen = atChosen('zstdLevel') && atChosen('rowGroupRows') && atChosen('pageBytes');
        await measure(
          'raw_scores.parquet',
          {
            zstd_level: zstdLevel,
            row_group_rows: rowGroupRows,
            page_bytes: pageBytes,
            chosen: String(chosen),
          },
          () => consume(rawScoresParquet(result, 'optimized', tuning)),
        );
      }
  return cases;
}
