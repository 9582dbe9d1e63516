import { strFromU8, unzipSync } from 'fflate';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend';
import { buildDemoDataset } from '../datasets/demo/demoParser';
import { memoryFiles } from '../datasets/memoryFiles';
import { row } from '../matrix';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import type { HydeWriter } from '../teachers/llmHyde';
import { createTeacher } from '../teachers/teacherFactory';
import { DEFAULT_METHOD, parseComputationTypes } from './config';
import { summarize } from './outputs';
import { runExperiment } from './pipeline';
import { REFERENCE_METRIC_NAMES } from './referenceLayout';
import { readReferenceRun } from './referenceRun';
import { experimentZip } from './runArchive';

/** A HyDE writer that "writes" each query with a fixed sentence added. */
const writer: HydeWriter = {
  id: 'hyde:fixed',
  write: async (queries) => queries.map((q) => `${q} A passage about travel, bookings and refunds.`),
};

describe('the reference layout of a run with HyDE (hyde and optimized_hyde_embeddings)', async () => {
  await initBackend('cpu');
  const method = {
    ...DEFAULT_METHOD,
    numSteps: 5,
    recordEvery: 0,
    totalScores: 8,
    scoresFromTop: 4,
    computationTypes: parseComputationTypes('original,optimized,hyde,optimized_hyde', { hyde: true }),
  };
  const result = await runExperiment({
    dataset: buildDemoDataset(),
    embedder: new LsaEmbedder({ dims: 32, seed: 42 }),
    teacher: createTeacher('gold', { noise: 0, seed: 42 }),
    method,
    hyde: writer,
  });
  const config = {
    dataset: 'demo',
    embedding_model: 'lsa-32-seed42',
    teacher: 'gold',
    hyde_model: 'fixed',
    computation_types: result.types,
    lr: method.lr,
    num_steps: method.numSteps,
    total_scores: method.totalScores,
    scores_from_top: method.scoresFromTop,
    random_seed: method.randomSeed,
  };
  const entries = unzipSync(
    await experimentZip(result, { config, summary: summarize(result, 'demo', 42), layout: 'reference' }),
  );

  it("writes the reference's four types, HyDE raw scores with hyde_reranker_score", () => {
    expect(
      Object.keys(entries)
        .filter((p) => /_(results\.csv|raw_scores\.parquet)$/.test(p))
        .sort(),
    ).toEqual([
      'embeddings_raw_scores.parquet',
      'embeddings_results.csv',
      'hyde_raw_scores.parquet',
      'hyde_results.csv',
      'optimized_embeddings_raw_scores.parquet',
      'optimized_embeddings_results.csv',
      'optimized_hyde_embeddings_raw_scores.parquet',
      'optimized_hyde_embeddings_results.csv',
    ]);
    const columns = (name: string) => {
      const bytes = entries[name];
      return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
        .schema.slice(1)
        .map((s) => s.name);
    };
    const base = ['topic', 'document', 'gold_label', 'score', 'reranker_score'];
    expect(columns('embeddings_raw_scores.parquet')).toEqual(base);
    expect(columns('optimized_embeddings_raw_scores.parquet')).toEqual(base);
    expect(columns('hyde_raw_scores.parquet')).toEqual([...base, 'hyde_reranker_score']);
    expect(columns('optimized_hyde_embeddings_raw_scores.parquet')).toEqual([...base, 'hyde_reranker_score']);
    expect(strFromU8(entries['hyde_results.csv']).split('\n')[0]).toMatch(
      new RegExp(`^topic,${REFERENCE_METRIC_NAMES.join(',')},optimize_with_gold,hyde_model,`),
    );
    const config = JSON.parse(strFromU8(entries['experiment_config.json'])) as Record<string, unknown>;
    expect(config).toMatchObject({
      hyde_model: 'fixed',
      computation_types: ['optimized', 'hyde', 'optimized_hyde'],
    });
  });

  it("reads back every type's scores, and both teachers' samples and scores", async () => {
    const run = await readReferenceRun(memoryFiles('hyde-run', entries));
    expect(run.types).toEqual(['original', 'optimized', 'hyde', 'optimized_hyde']);
    const Q = result.dataset.queries.length;
    expect(run.dataset.queries.map((q) => q.text)).toEqual(result.dataset.queries.map((q) => q.text));
    for (const type of run.types)
      for (let i = 0; i < Q; i++)
        expect(Array.from(run.scores[type][i]), `${type} ${i}`).toEqual(Array.from(result.scores[type][i]));
    // reranker_score: optimized's teacher on every type's rows; hyde_reranker_score: optimized_hyde's.
    const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);
    for (let i = 0; i < Q; i++) {
      expect(sorted(run.sampled[i])).toEqual(sorted(result.sampled[i]));
      expect(sorted(run.hyde!.sampled![i])).toEqual(sorted(result.hyde!.sampled![i]));
      const labels = result.dataset.queries[i].labels;
      expect(run.hyde!.teacher![i].scores).toEqual(sorted(result.hyde!.sampled![i]).map((c) => labels[c]));
    }
    // The HyDE ranking samples other documents than the query's own ranking somewhere.
    expect(result.hyde!.sampled!.some((s, i) => sorted(s).join() !== sorted(result.sampled[i]).join())).toBe(
      true,
    );
  });
});

describe('the reference layout of a dataset whose queries are not in text order (as NFCorpus)', async () => {
  await initBackend('cpu');
  const sorted = buildDemoDataset();
  const dataset = { ...sorted, queries: [...sorted.queries].reverse() };
  const method = { ...DEFAULT_METHOD, numSteps: 3, recordEvery: 1, totalScores: 6, scoresFromTop: 3 };
  const result = await runExperiment({
    dataset,
    embedder: new LsaEmbedder({ dims: 16, seed: 42 }),
    teacher: createTeacher('gold', { noise: 0, seed: 42 }),
    method,
  });
  const entries = unzipSync(
    await experimentZip(result, {
      config: { dataset: 'demo', teacher: 'gold', computation_types: result.types, save_tensors: true },
      summary: summarize(result, 'demo', 42),
      layout: 'reference',
      trajectories: true,
    }),
  );
  const texts = dataset.queries.map((q) => q.text);
  const inReferenceOrder = [...texts].sort();

  it('writes the topics in the reference’s order, sorted(all_queries), and reads each back with its own numbers', async () => {
    expect(texts).not.toEqual(inReferenceOrder);
    const csvTopics = strFromU8(entries['optimized_embeddings_results.csv'])
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(csvTopics).toEqual(inReferenceOrder);
    const run = await readReferenceRun(memoryFiles('unsorted-run', entries));
    expect(run.dataset.queries.map((q) => q.text)).toEqual(inReferenceOrder);
    run.dataset.queries.forEach((q, k) => {
      const i = texts.indexOf(q.text);
      for (const type of ['original', 'optimized'] as const)
        expect(Array.from(run.scores[type][k]), `${type} ${q.text}`).toEqual(
          Array.from(result.scores[type][i]),
        );
      expect(run.reported.optimized![k].metrics.roc_auc).toBe(result.metrics.optimized[i].roc_auc);
      const t = run.trajectories!;
      expect(Array.from(row(t.lossPerStep, k))).toEqual(Array.from(row(result.trajectories!.lossPerStep, i)));
    });
  });
});
