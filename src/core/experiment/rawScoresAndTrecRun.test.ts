import { describe, expect, it } from 'vitest';
import type { Dataset } from '../datasets/types';
import { SeededRandom } from '../rng';
import { rawScoresCsv } from './outputs';
import { rawScoresAndTrecRun } from './rawScoresAndTrecRun';
import type { RunTables } from './runFiles';
import { concatChunks } from './streamedContent';
import { nextDown, trecRunFile } from './trecRun';
import { typeTableFiles, writtenTogether } from './tableFiles';

/**
 * Tables with what the two files print differently: ties (the TREC run's nudged scores), negative scores
 * and -0, scores outside the fast path's range, labels that are not 0 or 1, teacher scores (a candidate
 * sampled twice, a missing score), ids with whitespace, commas and quotes, queries of different lengths,
 * and one query long enough for several chunks of each file.
 */
function awkwardTables(): RunTables {
  const rng = new SeededRandom(5);
  const documents = Array.from({ length: 40_000 }, (_, i) => ({
    id: i % 3 === 0 ? `doc ${i},"q"` : i % 3 === 1 ? `d\t${i} ` : `d${i}`,
    text: '',
  }));
  const long = 40_000;
  const dataset: Dataset = {
    name: 'awkward',
    task: 'search',
    instruction: '',
    documents,
    queries: [
      {
        id: 'q "one", first',
        text: '',
        candidates: Int32Array.from({ length: long }, (_, c) => (c * 7919) % long),
        labels: Float32Array.from({ length: long }, (_, c) => [0, 1, 2, 0.5, 0][c % 5]),
      },
      {
        id: ' q\ttwo ',
        text: '',
        candidates: Int32Array.of(5, 4, 3, 2, 1, 0, 6, 7),
        labels: Float32Array.of(1, 0, 0, 3, 0, 1, 0, 0),
      },
      { id: 'q3', text: '', candidates: Int32Array.of(9), labels: Float32Array.of(1) },
    ],
  };
  const scores = [
    // Coarse: many ties, negatives, zeros of both signs.
    Float32Array.from({ length: long }, (_, c) =>
      c % 11 === 0 ? -0 : Math.round((rng.next() * 2 - 1) * 8) / 8 + (c % 4 === 0 ? rng.next() : 0),
    ),
    Float32Array.of(-0, 0, -0.5, 1e-8, 3e7, -1.5e-7, 0.1, 0.1),
    Float32Array.of(-2),
  ];
  return {
    dataset,
    scores: { optimized: scores },
    sampled: [Int32Array.of(3, 10, 3, 7), Int32Array.of(0, 2), Int32Array.of()],
    teacher: [
      { scores: [0.25, null, 1, 0.75], errors: [null, 'failed', null, null] },
      { scores: [0, 2.5], errors: [null, null] },
      { scores: [], errors: [] },
    ],
  };
}

describe('rawScoresAndTrecRun', () => {
  it('writes exactly the bytes of rawScoresCsv and trecRunFile, each file in order', async () => {
    const tables = awkwardTables();
    const parts: Uint8Array[][] = [[], []];
    for (const [file, chunk] of rawScoresAndTrecRun(tables, 'optimized', 'tag one'))
      parts[file].push(chunk.slice());
    expect(parts[0].length).toBeGreaterThan(1);
    expect(parts[1].length).toBeGreaterThan(1);
    const csv = Buffer.from(await concatChunks(parts[0]));
    const run = Buffer.from(await concatChunks(parts[1]));
    const csvAlone = Buffer.from(await concatChunks(rawScoresCsv(tables, 'optimized')));
    const runAlone = Buffer.from(await concatChunks(trecRunFile(tables, 'optimized', 'tag one')));
    expect(csv.equals(csvAlone)).toBe(true);
    expect(run.equals(runAlone)).toBe(true);
    // What the fixture is for: the awkward cases are in the files.
    const csvText = csvAlone.toString('utf8');
    expect(csvText).toContain('\n"q ""one"", first","doc 0,""q""",0,0,\n');
    expect(csvText).toContain('\n q\ttwo ,d5,1,0,0\n');
    expect(csvText).toContain(',0.5,');
    const runLines = runAlone.toString('utf8').trimEnd().split('\n');
    expect(runLines).toHaveLength(40_000 + 8 + 1);
    expect(runLines.filter((l) => l.startsWith('q_two '))).toEqual([
      'q_two Q0 d_1 1 30000000 tag_one',
      'q_two Q0 doc_6,"q" 2 0.1 tag_one',
      `q_two Q0 d_7 3 ${nextDown(0.1)} tag_one`,
      'q_two Q0 d2 4 1e-8 tag_one',
      'q_two Q0 d5 5 0 tag_one',
      'q_two Q0 d_4 6 -5e-324 tag_one',
      'q_two Q0 doc_0,"q" 7 -1.5e-7 tag_one',
      'q_two Q0 doc_3,"q" 8 -0.5 tag_one',
    ]);
    expect(runLines.filter((l) => l.split(' ')[4].length > 12).length).toBeGreaterThan(1000);
  });

  it('fails where trecRunFile does, on a score that is not finite', () => {
    const tables = awkwardTables();
    tables.scores.optimized![1][3] = Infinity;
    expect(() => [...trecRunFile(tables, 'optimized')]).toThrow(/score Infinity cannot be written/);
    expect(() => [...rawScoresAndTrecRun(tables, 'optimized')]).toThrow(/score Infinity cannot be written/);
  });

  it("is how typeTableFiles' CSV and TREC run are written together, when both are wanted", async () => {
    const tables = awkwardTables();
    const files = typeTableFiles(tables, 'optimized', { trecTagPrefix: 'x_' });
    const [csv, parquet, run] = files;
    const group = writtenTogether(csv);
    expect(group?.paths).toEqual(['optimized_raw_scores.csv', 'optimized_run.txt']);
    expect(writtenTogether(run)).toBe(group);
    expect(writtenTogether(parquet)).toBeUndefined();
    const parts: Uint8Array[][] = [[], []];
    for (const [file, chunk] of group!.chunks()) parts[file].push(chunk.slice());
    for (const [k, file] of [csv, run].entries()) {
      if (file.content.kind !== 'binary') throw new Error('binary content expected');
      const alone = Buffer.from(await file.content.bytes());
      expect(Buffer.from(await concatChunks(parts[k])).equals(alone)).toBe(true);
    }
    for (const options of [{ csv: false }, { trec: false }])
      expect(typeTableFiles(tables, 'optimized', options).map(writtenTogether)).toEqual([
        undefined,
        undefined,
      ]);
  });
});
