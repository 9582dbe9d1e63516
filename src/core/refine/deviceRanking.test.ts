import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableNodeWebGpu } from '../../cli/nodeWebGpu';
import { loadDatasetFromSource, resolveDatasetSource } from '../../cli/dataFolder';
import { initBackend } from '../compute/backend';
import { createEmbedder } from '../embedding/embedderFactory';
import { DEFAULT_METHOD } from '../experiment/config';
import { runExperiment, type ExperimentResult } from '../experiment/pipeline';
import { matrix, type Matrix } from '../matrix';
import { computeRankingMetrics, METRIC_NAMES, type RankingMetrics } from '../metrics/rankingMetrics';
import { metricsOfRelevantRanks } from '../metrics/relevantRanks';
import { GoldTeacher } from '../teachers/goldTeacher';
import { DeviceCandidates } from './deviceRanking';
import { CorpusScorer } from './rescoring';

/**
 * The device-resident ranking of a whole Clinc150 run (LSA, gold teacher) in Node's WebGPU (Dawn; on
 * SwiftShader without a GPU): re-scored, ranked and reduced to metrics on the device, against the CPU path
 * (the pipeline on `wasm`, every score read back, `computeRankingMetrics`).
 */
const webgpu = await enableNodeWebGpu({ softwareFallback: true });

let result: ExperimentResult;
let refined: Matrix;

beforeAll(async () => {
  await initBackend('wasm');
  const source = resolveDatasetSource('Clinc150', '../shared/data', process.env, false);
  const dataset = await loadDatasetFromSource(source, {});
  // One trajectory snapshot at the last step: the refined queries.
  const method = { ...DEFAULT_METHOD, computationTypes: ['original' as const, 'optimized' as const] };
  result = await runExperiment({
    dataset,
    embedder: createEmbedder('lsa', 42, {}),
    teacher: new GoldTeacher(),
    method: { ...method, recordEvery: method.numSteps },
  });
  const Q = dataset.queries.length;
  const { snapshots } = result.trajectories!;
  refined = matrix(Q, snapshots.cols, snapshots.data.slice(-Q * snapshots.cols));
}, 600_000);

const mean = (values: number[]) => values.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0) / values.length;
const maxDifference = (a: RankingMetrics[], b: RankingMetrics[]) =>
  Math.max(...a.flatMap((m, i) => METRIC_NAMES.map((n) => Math.abs(m[n] - b[i][n]) || 0)));

describe.skipIf(!webgpu.adapter)(`ranking on the device (${webgpu.adapter?.description})`, () => {
  it('gives the CPU path’s metrics on Clinc150, reading back ranks, not scores', async () => {
    await initBackend('webgpu', webgpu.adapter);
    const scorer = new CorpusScorer(result.docEmbeddings);
    const candidates = new DeviceCandidates(result.dataset.queries, result.docEmbeddings.rows);
    try {
      for (const [type, queries] of [
        ['original', result.queryEmbeddings],
        ['optimized', refined],
      ] as const) {
        const scores = tf.tidy(() =>
          scorer.scoreOnDevice(tf.tensor2d(queries.data, [queries.rows, queries.cols])),
        );
        const rankings = await candidates.rank(scores, 10);
        const onDevice = rankings.map((r) => metricsOfRelevantRanks(r.ranks));
        // The same device scores read back and ranked on the CPU: identical metrics and top 10.
        const all = (await scores.data()) as Float32Array;
        scores.dispose();
        const N = result.docEmbeddings.rows;
        const readBack = result.dataset.queries.map((q, i) =>
          computeRankingMetrics(q.labels, all.subarray(i * N, (i + 1) * N)),
        );
        expect(onDevice, type).toEqual(readBack);
        const first = all.subarray(0, N);
        expect(Array.from(rankings[0].topScores)).toEqual(
          Array.from(rankings[0].topPositions, (c) => first[c]),
        );
        // Against the whole CPU path: wasm's matmul rounds differently from the GPU's, and a few LSA
        // scores that tie (or nearly) on one order differently on the other; the means agree closely.
        const perQuery = maxDifference(onDevice, result.metrics[type]);
        const means = Math.max(
          ...METRIC_NAMES.map((n) =>
            Math.abs(mean(onDevice.map((m) => m[n])) - mean(result.metrics[type].map((m) => m[n]))),
          ),
        );
        expect(perQuery, type).toBeLessThan(1e-3);
        expect(means, type).toBeLessThan(1e-5);
      }
    } finally {
      candidates.dispose();
      scorer.dispose();
    }
  }, 600_000);
});
