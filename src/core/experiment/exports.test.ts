import { unzipSync, strFromU8 } from 'fflate';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { beforeAll, describe, expect, it } from 'vitest';
import { beirParser } from '../datasets/beir';
import { memoryFiles } from '../datasets/memoryFiles';
import { loadDatasetWith } from '../datasets/registry';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import { rankByScore } from '../metrics/rankingMetrics';
import { GoldTeacher } from '../teachers/goldTeacher';
import { DEFAULT_METHOD } from './config';
import { rawScoresCsv, summarize } from './outputs';
import { runExperiment, type ExperimentResult } from './pipeline';
import { runDemoExperiment } from '../../testing/demoRun';
import { PARQUET_TUNING, rawScoresParquet, type ParquetTuning } from './rawScoresParquet';
import { experimentZip } from './runArchive';
import { configColumnsOf, experimentFiles } from './runFiles';
import { concatChunks } from './streamedContent';
import { nextDown, trecId, trecQrelsFile, trecRunFile } from './trecRun';

let result: ExperimentResult;

beforeAll(async () => {
  result = await runDemoExperiment({ ...DEFAULT_METHOD, numSteps: 20, recordEvery: 10 });
});

const decoder = new TextDecoder();
const joined = (chunks: Iterable<string | Uint8Array>) =>
  [...chunks].map((c) => (typeof c === 'string' ? c : decoder.decode(c))).join('');

/** The documents of run lines in the order trec_eval ranks them: by score descending, ties by docno descending. */
function trecEvalOrder(runLines: string[]): string[] {
  const rows = runLines.map((l) => l.split(' ')).map((f) => ({ doc: f[2], score: Number(f[4]) }));
  rows.sort((a, b) => b.score - a.score || (a.doc < b.doc ? 1 : a.doc > b.doc ? -1 : 0));
  return rows.map((r) => r.doc);
}

describe('TREC run files', () => {
  it('write strictly decreasing scores, ties in candidate order', () => {
    const tied: ExperimentResult = {
      ...result,
      dataset: {
        ...result.dataset,
        queries: [
          {
            ...result.dataset.queries[0],
            candidates: Int32Array.of(0, 1, 2, 3),
            labels: Float32Array.of(1, 0, 0, 1),
          },
        ],
      },
      scores: { ...result.scores, original: [Float32Array.of(0.5, 0.5, 0.25, 0.5)] },
    };
    const scores = joined(trecRunFile(tied, 'original'))
      .trimEnd()
      .split('\n')
      .map((line) => line.split(' ')[4]);
    expect(scores).toEqual(['0.5', String(nextDown(0.5)), String(nextDown(nextDown(0.5))), '0.25']);
    expect(nextDown(1)).toBeLessThan(1);
    expect(1 - nextDown(1)).toBeLessThan(1e-15);
    expect(nextDown(-2)).toBeLessThan(-2);
    expect(nextDown(0)).toBeLessThan(0);
    expect(trecId(' a b\tc ')).toBe('a_b_c');
  });

  it('let trec_eval see exactly our ranking, even where scores tie', () => {
    // Coarse scores make many ties; trec_eval would break them by docno without the nudge.
    const coarse: ExperimentResult = {
      ...result,
      scores: {
        ...result.scores,
        original: result.scores.original.map((s) => s.map((v) => Math.round(v * 4) / 4)),
      },
    };
    const run = joined(trecRunFile(coarse, 'original')).trimEnd().split('\n');
    const qrels = joined(trecQrelsFile(coarse)).trimEnd().split('\n');
    const q0 = coarse.dataset.queries[0];
    expect(run.length).toBe(coarse.dataset.queries.reduce((n, q) => n + q.candidates.length, 0));
    expect(qrels.length).toBe(run.length);
    const lines = run.filter((l) => l.startsWith(`${trecId(q0.id)} `));
    const fields = lines.map((l) => l.split(' '));
    fields.forEach((f, r) => {
      expect(f).toHaveLength(6);
      expect(f[1]).toBe('Q0');
      expect(Number(f[3])).toBe(r + 1);
      expect(f[5]).toBe('original');
      if (r > 0) expect(Number(f[4])).toBeLessThan(Number(fields[r - 1][4]));
    });
    let ties = 0;
    for (const [i, q] of coarse.dataset.queries.entries()) {
      const scores = coarse.scores.original[i];
      ties += scores.length - new Set(scores).size;
      const ours = Array.from(rankByScore(scores), (c) =>
        trecId(coarse.dataset.documents[q.candidates[c]].id),
      );
      expect(trecEvalOrder(run.filter((l) => l.startsWith(`${trecId(q.id)} `)))).toEqual(ours);
    }
    expect(ties).toBeGreaterThan(100);
    // The qrels hold every candidate with its label.
    const judged = qrels.filter((l) => l.startsWith(`${trecId(q0.id)} `)).map((l) => l.split(' '));
    expect(judged.map((f) => Number(f[3]))).toEqual(Array.from(q0.labels));
    expect(judged.every((f) => f[1] === '0')).toBe(true);
  });

  it('restate the binary labels the metrics used, for a source with graded labels and a repeated text', async () => {
    const corpus = ['heart disease and statins', 'statins lower cholesterol', 'heart disease and statins']
      .concat(Array.from({ length: 9 }, (_, i) => `unrelated note ${i} on gardening`))
      .map((text, i) => JSON.stringify({ _id: `d${i}`, title: '', text }))
      .join('\n');
    const files = memoryFiles('/mem/graded', {
      'corpus.jsonl': corpus,
      'queries.jsonl': JSON.stringify({ _id: 'q1', text: 'do statins prevent heart disease' }),
      // Graded as BEIR's NFCorpus (2, 1); d2 repeats d0's text and is judged differently.
      'qrels/test.tsv': 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td0\t0\nq1\td2\t1\nq1\td5\t1\n',
    });
    const dataset = await loadDatasetWith(beirParser({ name: 'graded', folder: 'graded' }), files);
    const run = await runExperiment({
      dataset,
      embedder: new LsaEmbedder({ dims: 4, seed: 42 }),
      teacher: new GoldTeacher(),
      method: { ...DEFAULT_METHOD, numSteps: 5, totalScores: 4, scoresFromTop: 4 },
    });
    const qrels = joined(trecQrelsFile(run))
      .trimEnd()
      .split('\n')
      .map((l) => l.split(' '));
    // d2 went with its text (d0's, first, label 0); d1's 2 became 1.
    expect(qrels.map((f) => f[2])).toEqual(['d0', 'd1', ...Array.from({ length: 9 }, (_, i) => `d${i + 3}`)]);
    expect(qrels.map((f) => f[3])).toEqual(['0', '1', '0', '0', '1', ...Array(6).fill('0')]);
    const labels = Array.from(run.dataset.queries[0].labels);
    expect(qrels.map((f) => Number(f[3]))).toEqual(labels);
    // The metrics count exactly these relevant documents: recall@50 reaches 1 with both found.
    expect(run.metrics.original[0].recall_at_50).toBe(1);
    expect(labels.filter((l) => l === 1)).toHaveLength(2);
  });
});

describe('raw scores as Parquet', () => {
  it('reads back (zstd) as the rows of the CSV', async () => {
    const bytes = await concatChunks(rawScoresParquet(result, 'optimized'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(file);
    const codecs = new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)));
    expect([...codecs]).toEqual(['ZSTD']);
    const rows = await parquetReadObjects({ file, compressors });
    const csv = joined(rawScoresCsv(result, 'optimized')).trimEnd().split('\n').slice(1);
    expect(rows.length).toBe(csv.length);
    for (const [k, line] of csv.entries()) {
      const [queryId, docId, gold, score, teacher] = line.split(',');
      const row = rows[k];
      expect(row.query_id).toBe(queryId);
      expect(row.doc_id).toBe(docId);
      expect(row.gold_label).toBe(Number(gold));
      expect(Math.fround(row.score as number)).toBe(Math.fround(Number(score)));
      expect(row.teacher_score).toBe(teacher === '' ? null : Number(teacher));
    }
    const i = 3;
    const offset = result.dataset.queries.slice(0, i).reduce((n, q) => n + q.candidates.length, 0);
    expect(rows[offset + 5].score).toBe(result.scores.optimized[i][5]);
  });

  it('reads back the same rows whatever its tuning (pages, row groups, zstd level)', async () => {
    const read = async (tuning: ParquetTuning) => {
      const bytes = await concatChunks(rawScoresParquet(result, 'optimized', tuning));
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const meta = parquetMetadata(file);
      return { rows: await parquetReadObjects({ file, compressors }), groups: meta.row_groups.length };
    };
    const chosen = await read(PARQUET_TUNING);
    // Small pages and groups: many of each, where the chosen tuning has one page per column chunk.
    const paged = await read({ zstdLevel: 1, rowGroupRows: 64, pageBytes: 256 });
    const previous = await read({ zstdLevel: 3, rowGroupRows: 1 << 18, pageBytes: 1 << 20 });
    expect(paged.groups).toBeGreaterThan(chosen.groups);
    expect(paged.rows).toEqual(chosen.rows);
    expect(previous.rows).toEqual(chosen.rows);
    expect(chosen.rows.length).toBe(result.dataset.queries.reduce((n, q) => n + q.candidates.length, 0));
  });
});

describe('the run as one zip', () => {
  it('holds exactly the run files, byte for byte', async () => {
    const summary = summarize(result, 'demo-zip', 42);
    const config = {
      experiment_name: 'demo-zip',
      dataset: 'demo',
      embedding_model: 'lsa-64-seed42',
      lr: 1e-4,
    };
    const options = { config, summary, trajectories: true };
    const stages: number[] = [];
    const zip = await experimentZip(result, {
      ...options,
      folder: 'demo-zip',
      onProgress: (e) => stages.push(e.done),
    });
    const entries = unzipSync(zip);
    const files = experimentFiles(result, options);
    expect(Object.keys(entries).sort()).toEqual(files.map((f) => `demo-zip/${f.path}`).sort());
    expect(Object.keys(entries)).toContain('demo-zip/optimized_raw_scores.parquet');
    expect(Object.keys(entries)).toContain('demo-zip/qrels.txt');
    expect(Object.keys(entries).filter((p) => p.includes('/tensors/')).length).toBe(
      result.dataset.queries.length,
    );
    for (const file of files) {
      const got = entries[`demo-zip/${file.path}`];
      if (file.content.kind === 'text') expect(strFromU8(got)).toBe(joined(file.content.chunks()));
      else expect(got).toEqual(await file.content.bytes());
    }
    expect(JSON.parse(strFromU8(entries['demo-zip/summary.json']))).toEqual(summary);
    const header = strFromU8(entries['demo-zip/original_results.csv']).split('\n')[0];
    expect(header.endsWith(Object.keys(configColumnsOf(config)).join(','))).toBe(true);
    expect(stages.at(-1)).toBe(files.length);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      experimentZip(result, {
        config: {},
        summary: summarize(result, 'x', 42),
        signal: controller.signal,
      }),
    ).rejects.toThrow('stop');
  });
});

/** Each query's documents in trec_eval's order (`trecEvalOrder`). */
function readRun(text: string): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  for (const line of text.split('\n').filter(Boolean)) {
    const qid = line.split(' ')[0];
    if (!lines.has(qid)) lines.set(qid, []);
    lines.get(qid)!.push(line);
  }
  return new Map([...lines].map(([qid, ofQuery]) => [qid, trecEvalOrder(ofQuery)]));
}

function readQrels(text: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [qid, , doc, rel] = line.split(/\s+/);
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(doc, Number(rel));
  }
  return qrels;
}

/** trec_eval's `map` (per query), `P_10` and `ndcg_cut_10` (gain = the judgement, discount log2(rank + 1)). */
function trecEval(ranking: string[], judged: Map<string, number>) {
  const rel = (doc: string) => judged.get(doc) ?? 0;
  const numRel = [...judged.values()].filter((r) => r > 0).length;
  let hits = 0;
  let precisionSum = 0;
  ranking.forEach((doc, i) => {
    if (rel(doc) > 0) precisionSum += ++hits / (i + 1);
  });
  const top = ranking.slice(0, 10);
  const dcg = top.reduce((sum, doc, i) => sum + rel(doc) / Math.log2(i + 2), 0);
  const ideal = [...judged.values()].sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((sum, r, i) => sum + r / Math.log2(i + 2), 0);
  return {
    AP: numRel ? precisionSum / numRel : 0,
    'P@10': top.filter((doc) => rel(doc) > 0).length / 10,
    'nDCG@10': idcg ? dcg / idcg : 0,
  };
}

describe('the written run and qrels files, evaluated as trec_eval does', () => {
  // The exported files reproduce the metrics (issue 10 point 5): a reader with only the files gets our AP,
  // P@10 and nDCG@10. trec_eval's definitions are written out here, so the test needs no C tool.
  it('give the AP, P@10 and nDCG@10 of the metrics, for every type and query', () => {
    const qrels = readQrels(joined(trecQrelsFile(result)));
    let compared = 0;
    for (const type of result.types) {
      const ranked = readRun(joined(trecRunFile(result, type)));
      result.dataset.queries.forEach((query, i) => {
        const ranking = ranked.get(query.id)!;
        const judged = qrels.get(query.id)!;
        expect(ranking).toHaveLength(query.candidates.length);
        // trec_eval leaves out queries with nothing relevant; so do we (their metrics are all 0 anyway).
        if (![...judged.values()].some((r) => r > 0)) return;
        const ours = result.metrics[type][i];
        const theirs = trecEval(ranking, judged);
        // AP is rank-based, scikit-learn's groups tied scores: the written scores are strictly decreasing.
        expect(theirs.AP, `${type} ${query.id} AP`).toBeCloseTo(ours.map, 9);
        expect(theirs['nDCG@10'], `${type} ${query.id} nDCG@10`).toBeCloseTo(ours.ndcg_at_10, 9);
        // unitxt's precision divides by min(10, candidates), trec_eval's P@10 by 10.
        const cut = Math.min(10, query.candidates.length);
        expect(theirs['P@10'], `${type} ${query.id} P@10`).toBeCloseTo((ours.precision_at_10 * cut) / 10, 9);
        compared++;
      });
    }
    expect(compared).toBeGreaterThan(10);
    expect(result.dataset.queries.some((q) => q.candidates.length >= 10)).toBe(true);
  });
});
