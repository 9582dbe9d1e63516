import * as tf from '@tensorflow/tfjs-core';
import { readTensors } from '../core/compute/readTensors';
import type { Dataset } from '../core/datasets/types';
import type { Embedder } from '../core/embedding/types';
import { DEFAULT_METHOD } from '../core/experiment/config';
import { runExperiment } from '../core/experiment/pipeline';
import { matrix, type Matrix } from '../core/matrix';
import { DeviceCandidates, type RankedQuery } from '../core/refine/deviceRanking';
import { CorpusScorer } from '../core/refine/rescoring';
import { SeededRandom } from '../core/rng';
import { GoldTeacher } from '../core/teachers/goldTeacher';

/**
 * The device-resident cases of `npm run bench` on WebGPU: the read-back floor through the persistent
 * staging buffer (`readTensors`) against `tensor.data()`, and re-scoring with the ranking on the device
 * (`rescore_rank_on_device`: only the relevant candidates' ranks and the top 10 come back, never the
 * scores); and the experiment runner itself on any backend (`runner`: on WebGPU its device-resident run).
 */

/** bench.ts's measurer: times `work` (after one warm-up) and records the sample under name and params. */
export type Measure = (
  name: string,
  backend: 'webgpu' | 'wasm' | 'cpu',
  params: Record<string, number | boolean | string>,
  work: () => Promise<unknown>,
) => Promise<{ stages_ms?: Record<string, number> }>;

/** Queries of the re-scoring cases, as bench.ts's `rescore` section. */
const QUERIES = 150;
const TOP = 10;

/**
 * One device-to-JavaScript read of 1 float and of a re-scoring's [150, N] output, through `tensor.data()`
 * (tfjs: a staging buffer, a submit and a map per tensor) and through `readTensors` (one persistent
 * staging buffer); then three tensors (a refinement's and a ranking's outputs come in a few), each read on
 * its own against all three in one map.
 */
export async function benchReadBack(measure: Measure, corpusSize: number): Promise<void> {
  for (const floats of [1, QUERIES * corpusSize]) {
    const x = tf.fill([floats], 1);
    try {
      for (const path of ['tensor.data()', 'staging buffer'] as const)
        await measure('read_back', 'webgpu', { floats, path }, async () => {
          // A fresh result each time: tfjs caches a tensor's values once read.
          const y = tf.add(x, 1);
          try {
            return path === 'staging buffer' ? await readTensors([y]) : await y.data();
          } finally {
            y.dispose();
          }
        });
    } finally {
      x.dispose();
    }
  }
  const shapes = [QUERIES * 1024, QUERIES * 100, QUERIES * 2 * TOP];
  const inputs = shapes.map((n) => tf.fill([n], 1));
  try {
    for (const path of ['tensor.data() each', 'staging buffer, one map'] as const)
      await measure(
        'read_back',
        'webgpu',
        { tensors: shapes.length, floats: shapes.join('+'), path },
        async () => {
          const outputs = inputs.map((x) => tf.add(x, 1));
          try {
            return path === 'staging buffer, one map'
              ? await readTensors(outputs)
              : await Promise.all(outputs.map((y) => y.data()));
          } finally {
            tf.dispose(outputs);
          }
        },
      );
  } finally {
    tf.dispose(inputs);
  }
}

/**
 * Re-scores 150 queries against N documents (normalised corpus on the device, one matmul) and ranks every
 * document for each query on the device: each query's ranks of its relevant documents (every 150th) and
 * its top 10 are read back, about 150 × (167 × 4 + 20) numbers instead of 150 × N scores.
 */
export async function benchRankOnDevice(measure: Measure, corpusSize: number, dims: number[]): Promise<void> {
  const candidates = Int32Array.from({ length: corpusSize }, (_, c) => c);
  const ranked: RankedQuery[] = Array.from({ length: QUERIES }, (_, i) => ({
    candidates,
    labels: Float32Array.from({ length: corpusSize }, (_, c) => (c % QUERIES === i ? 1 : 0)),
  }));
  const device = new DeviceCandidates(ranked, corpusSize);
  try {
    for (const d of dims) {
      const rng = new SeededRandom(2);
      const scorer = new CorpusScorer(randomMatrix(rng, corpusSize, d));
      const queries = randomMatrix(rng, QUERIES, d);
      const onDevice = tf.tensor2d(queries.data, [QUERIES, d]);
      try {
        await measure(
          'rescore_rank_on_device',
          'webgpu',
          { Q: QUERIES, N: corpusSize, d, top: TOP, read: 'relevant ranks and top 10' },
          async () => {
            const scores = scorer.scoreOnDevice(onDevice);
            try {
              return await device.rank(scores, TOP);
            } finally {
              scores.dispose();
            }
          },
        );
      } finally {
        onDevice.dispose();
        scorer.dispose();
      }
    }
  } finally {
    device.dispose();
  }
}

function randomMatrix(rng: SeededRandom, rows: number, cols: number): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return matrix(rows, cols, data);
}

/**
 * `runExperiment` itself on a Clinc150-shaped dataset (every document a candidate of every query, every
 * `queries`-th one relevant; fixed random embeddings, the gold teacher; original and optimized, 100 steps,
 * the default sample of 20): on WebGPU the device-resident run (`DeviceRun`: the corpus uploaded once,
 * rankings and metrics on the device, the fused kernel's documents gathered there on a hardware adapter),
 * elsewhere the host path. `stages_ms`: the median of the runner's own stage timings.
 */
export async function benchRunner(
  measure: Measure,
  backend: 'webgpu' | 'wasm' | 'cpu',
  shape: { queries: number; documents: number; dims: number },
): Promise<void> {
  const rng = new SeededRandom(29);
  const corpus = randomMatrix(rng, shape.documents, shape.dims);
  const queryEmbeddings = randomMatrix(rng, shape.queries, shape.dims);
  const candidates = Int32Array.from({ length: shape.documents }, (_, c) => c);
  const dataset: Dataset = {
    name: 'clinc150-shaped',
    task: 'classification',
    instruction: '',
    documents: Array.from({ length: shape.documents }, (_, c) => ({ id: `d${c}`, text: `d${c}` })),
    queries: Array.from({ length: shape.queries }, (_, i) => ({
      id: `q${i}`,
      text: `q${i}`,
      candidates,
      labels: Float32Array.from({ length: shape.documents }, (_, c) => (c % shape.queries === i ? 1 : 0)),
    })),
  };
  // The embeddings are given: the case times the run, not an embedder.
  const embedder: Embedder = {
    id: 'fixed-random',
    dims: shape.dims,
    fit: async () => undefined,
    embedDocuments: async () => corpus,
    embedQueries: async () => queryEmbeddings,
  };
  const method = { ...DEFAULT_METHOD, computationTypes: ['original' as const, 'optimized' as const] };
  const timings: Record<string, number>[] = [];
  const sample = await measure(
    'runner',
    backend,
    { Q: shape.queries, N: shape.documents, d: shape.dims, on_device: backend === 'webgpu' },
    async () => {
      const result = await runExperiment({ dataset, embedder, teacher: new GoldTeacher(), method });
      timings.push(result.timings);
      return result.metrics;
    },
  );
  // The first run is the warm-up.
  const measured = timings.slice(1);
  sample.stages_ms = Object.fromEntries(
    Object.keys(measured[0] ?? {}).map((stage) => [stage, median(measured.map((t) => t[stage]))]),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
