import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { enableNodeWebGpu } from '../../cli/nodeWebGpu';
import { initBackend } from '../compute/backend';
import { readTensors } from '../compute/readTensors';
import { buildDemoDataset } from '../datasets/demo/demoParser';
import type { Dataset } from '../datasets/types';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import { DEFAULT_METHOD, parseComputationTypes } from '../experiment/config';
import { runExperiment } from '../experiment/pipeline';
import { candidateScores, refineTowardsTeacher } from '../experiment/pipelineStages';
import { matrix, row } from '../matrix';
import { computeRankingMetrics } from '../metrics/rankingMetrics';
import { SeededRandom } from '../rng';
import { createTeacher } from '../teachers/teacherFactory';
import { DeviceCandidates } from './deviceRanking';
import { DeviceRun, type CorpusRefinementProblem } from './deviceRun';
import { CorpusScorer } from './rescoring';
import { refineOnWebGpu } from './webgpuKernel';

/**
 * The device-resident run in Node's WebGPU (Dawn; SwiftShader without a GPU): the runner's rankings on the
 * device against the host path on the same backend (the same scores read back, ranked on the CPU), the
 * fused kernel with its documents gathered on the device against the same documents packed in JavaScript,
 * and the batched read-back.
 */
const webgpu = await enableNodeWebGpu({ softwareFallback: true });

/** The demo dataset with every query's candidates cut to a seeded subset in a seeded order (a gather). */
function withCandidateSubsets(dataset: Dataset): Dataset {
  const rng = new SeededRandom(5);
  return {
    ...dataset,
    queries: dataset.queries.map((q) => {
      const positions = Array.from(q.candidates.keys())
        .filter((c) => q.labels[c] > 0 || rng.next() < 0.6)
        .sort(() => rng.next() - 0.5);
      return {
        ...q,
        candidates: Int32Array.from(positions, (c) => q.candidates[c]),
        labels: Float32Array.from(positions, (c) => q.labels[c]),
      };
    }),
  };
}

describe.skipIf(!webgpu.adapter)(`the device-resident run (${webgpu.adapter?.description})`, () => {
  beforeAll(async () => {
    await initBackend('webgpu', webgpu.adapter);
  });

  for (const [what, dataset] of [
    ['every document a candidate', buildDemoDataset()],
    ['candidate subsets', withCandidateSubsets(buildDemoDataset())],
  ] as const) {
    it(`gives the host path's scores and metrics (${what})`, async () => {
      const method = {
        ...DEFAULT_METHOD,
        numSteps: 10,
        recordEvery: 10,
        computationTypes: parseComputationTypes('all'),
      };
      const before = tf.memory().numTensors;
      const rank = vi.spyOn(DeviceRun.prototype, 'rank');
      const result = await runExperiment({
        dataset,
        embedder: new LsaEmbedder({ dims: 32, seed: 42 }),
        teacher: createTeacher('gold', { noise: 0, seed: 42 }),
        method,
      });
      expect(tf.memory().numTensors).toBe(before);
      // original, optimized and rocchio ranked on the device (rerank_only re-orders original's scores).
      expect(rank.mock.calls.map((c) => c[0])).toEqual(['original', 'optimized', 'rocchio']);
      rank.mockRestore();
      // The host path on the same backend: every score against the corpus read back, gathered, ranked.
      const scorer = new CorpusScorer(result.docEmbeddings);
      try {
        const Q = dataset.queries.length;
        const { snapshots } = result.trajectories!;
        const refined = matrix(Q, snapshots.cols, snapshots.data.slice(-Q * snapshots.cols));
        expect(result.scores.original).toEqual(
          await candidateScores(scorer, result.queryEmbeddings, dataset.queries),
        );
        expect(result.scores.optimized).toEqual(await candidateScores(scorer, refined, dataset.queries));
      } finally {
        scorer.dispose();
      }
      for (const type of result.types)
        expect(result.metrics[type], type).toEqual(
          dataset.queries.map((q, i) => computeRankingMetrics(q.labels, result.scores[type][i])),
        );
    }, 120_000);
  }

  it('refines with documents gathered on the device exactly as with documents packed in JavaScript', async () => {
    const rng = new SeededRandom(9);
    const d = 48;
    const corpus = matrix(
      60,
      d,
      Float32Array.from({ length: 60 * d }, () => rng.normal()),
    );
    const problems: CorpusRefinementProblem[] = Array.from({ length: 4 }, (_, q) => {
      const K = 2 + 3 * q;
      return {
        query: Float32Array.from({ length: d }, () => rng.normal()),
        rows: Int32Array.from({ length: K }, () => Math.floor(rng.next() * 60)),
        teacherScores: Float32Array.from({ length: K }, () => rng.next()),
      };
    });
    const dataset = buildDemoDataset();
    const run = DeviceRun.open(corpus, dataset.queries.slice(0, 4))!;
    try {
      for (const refit of [false, true]) {
        const params = { lr: 0.01, numSteps: 12, refit, recordEvery: 5 };
        const before = tf.memory().numTensors;
        const gathered = await run.refine(problems, params);
        expect(tf.memory().numTensors).toBe(before);
        const packed = await refineOnWebGpu(
          problems.map((p) => {
            const docs = matrix(p.rows.length, d);
            p.rows.forEach((r, k) => docs.data.set(row(corpus, r), k * d));
            return { query: p.query, docs, teacherScores: p.teacherScores };
          }),
          params,
        );
        expect(gathered).toEqual(packed);
      }
      await expect(
        run.refine([{ ...problems[0], rows: problems[0].rows.map(() => 60) }], {
          lr: 0.01,
          numSteps: 1,
          refit: false,
          recordEvery: 0,
        }),
      ).rejects.toThrow('corpus row 60');
    } finally {
      run.dispose();
    }
  }, 120_000);

  it('refines a run’s samples as the host path does, unscored documents left out', async () => {
    const dataset = withCandidateSubsets(buildDemoDataset());
    const d = 16;
    const rng = new SeededRandom(12);
    const corpus = matrix(
      dataset.documents.length,
      d,
      Float32Array.from({ length: dataset.documents.length * d }, () => rng.normal()),
    );
    const embeddings = matrix(
      dataset.queries.length,
      d,
      Float32Array.from({ length: dataset.queries.length * d }, () => rng.normal()),
    );
    const samples = dataset.queries.map((q) =>
      Int32Array.from({ length: 6 }, (_, k) => (k * 7) % q.candidates.length),
    );
    const scores = samples.map((s, i) => Array.from(s, (_, k) => (k === i % 6 ? null : rng.next())));
    const params = { lr: 0.01, numSteps: 8, refit: false, recordEvery: 4 };
    const options = { implementation: 'webgpu-kernel' as const };
    const run = DeviceRun.open(corpus, dataset.queries)!;
    try {
      const onDevice = await run.refineSamples(embeddings, samples, scores, params, options);
      const onHost = await refineTowardsTeacher(
        { queries: dataset.queries, embeddings, samples, scores },
        corpus,
        params,
        options,
      );
      expect(onDevice).toEqual(onHost);
      // A query with nothing scored goes to the host path (its neutral document is not a corpus row).
      const none = scores.map((s, i) => (i === 2 ? s.map(() => null) : s));
      expect(await run.refineSamples(embeddings, samples, none, params, options)).toBeNull();
      // `auto` on a software adapter: the CPU kernel, on the host path.
      expect(await run.refineSamples(embeddings, samples, scores, params)).toBeNull();
    } finally {
      run.dispose();
    }
  }, 120_000);

  it('ranks blocks of queries as it ranks them all at once', async () => {
    const dataset = withCandidateSubsets(buildDemoDataset());
    const Q = dataset.queries.length;
    const N = dataset.documents.length;
    const rng = new SeededRandom(14);
    const all = Float32Array.from({ length: Q * N }, () => rng.next());
    const candidates = new DeviceCandidates(dataset.queries, N);
    try {
      const scores = tf.tensor2d(all, [Q, N]);
      const whole = await candidates.rank(scores, 5, { withScores: true });
      scores.dispose();
      const blocks = [];
      for (const [first, rows] of [
        [0, 3],
        [3, Q - 3],
      ]) {
        const block = tf.tensor2d(all.subarray(first * N, (first + rows) * N), [rows, N]);
        blocks.push(...(await candidates.rank(block, 5, { withScores: true, first })));
        block.dispose();
      }
      expect(blocks).toEqual(whole);
      dataset.queries.forEach((q, i) =>
        expect(whole[i].scores).toEqual(Float32Array.from(q.candidates, (d) => all[i * N + d])),
      );
    } finally {
      candidates.dispose();
    }
  });

  it('reads several tensors in one round trip, the same values as tensor.data()', async () => {
    const a = tf.add(tf.range(0, 1000, 1, 'float32'), 0.5);
    const b = tf.add(tf.range(0, 7, 1, 'int32'), tf.scalar(3, 'int32'));
    const c = tf.tensor1d([1, 2, 3]); // values still in JavaScript
    try {
      const [ra, rb, rc] = await readTensors([a, b, c]);
      expect(ra).toBeInstanceOf(Float32Array);
      expect(rb).toBeInstanceOf(Int32Array);
      expect(Array.from(ra)).toEqual(Array.from(await a.data()));
      expect(Array.from(rb)).toEqual(Array.from(await b.data()));
      expect(Array.from(rc)).toEqual([1, 2, 3]);
      // Overlapping reads each get their own staging buffer while the kept one is mapped.
      const both = await Promise.all([readTensors([a]), readTensors([b, a])]);
      expect(Array.from(both[0][0])).toEqual(Array.from(ra));
      expect(Array.from(both[1][1])).toEqual(Array.from(ra));
    } finally {
      tf.dispose([a, b, c]);
    }
  });
});
