import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableNodeWebGpu } from '../../cli/nodeWebGpu';
import { initBackend } from '../compute/backend';
import { matrix } from '../matrix';
import { SeededRandom } from '../rng';
import { refineQueries, type RefinementProblem } from './optimizer';
import { MAX_FUSED_DOCUMENTS } from './fusedRefinementProgram';
import { packBatch } from './refinementBatch';
import { refineTensorsOnWebGpu } from './webgpuKernel';
import { goldenProblem, scaledRelativeError, type GoldenCase } from './goldenCase';

/**
 * The fused WebGPU kernel in Node, through Dawn (the `webgpu` package) on whatever Vulkan adapter the
 * machine has. Without a GPU, Chromium's SwiftShader Vulkan driver serves (Debian's chromium package ships
 * it); without either, these tests are skipped, and e2e/optimizer-golden.spec.ts covers the kernel in
 * Chromium's WebGPU instead.
 */
const webgpu = await enableNodeWebGpu({ softwareFallback: true });

const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string) =>
  expect(scaledRelativeError(actual, expected), what).toBeLessThanOrEqual(rel);

const golden = JSON.parse(
  readFileSync(new URL('../../../../shared/reference/optimizer-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

describe.skipIf(!webgpu.adapter)(`the fused WebGPU kernel in Node (${webgpu.adapter?.description})`, () => {
  beforeAll(async () => {
    await initBackend('webgpu', webgpu.adapter);
  });

  for (const c of golden.cases) {
    it(`matches the golden case ${c.name}`, async () => {
      const res = await refineQueries(
        [goldenProblem(c)],
        { lr: c.lr, numSteps: c.steps, refit: c.refit, recordEvery: 10 },
        { implementation: 'webgpu-kernel' },
      );
      expect(res.implementation).toBe('webgpu-kernel');
      expectClose(res.lossPerStep.data, c.lossPerStep, 1e-5, 'loss');
      for (const [stepText, q] of Object.entries(c.queryAtStep)) {
        const s = res.steps.indexOf(Number(stepText));
        expect(s).toBeGreaterThanOrEqual(0);
        expectClose(res.snapshots.data.subarray(s * q.length, (s + 1) * q.length), q, 1e-5, `q@${stepText}`);
      }
      expectClose(res.refined.data, c.finalQuery, 1e-5, 'final query');
    });
  }

  for (const refit of [false, true]) {
    it(`agrees with the CPU kernel on a ragged random batch (${refit ? 'ReFIT' : 'KL'})`, async () => {
      const rng = new SeededRandom(refit ? 4 : 3);
      const d = 200;
      const problems = Array.from({ length: 5 }, (_, q) => {
        const K = 3 + ((q * 5) % 18);
        return {
          query: Float32Array.from({ length: d }, () => rng.normal() * 0.1),
          docs: matrix(
            K,
            d,
            Float32Array.from({ length: K * d }, () => rng.normal() * 0.1),
          ),
          teacherScores: Float32Array.from({ length: K }, (_, k) => (k % 3 === 0 ? 1 : rng.next())),
        };
      });
      const params = { lr: refit ? 5e-3 : 1e-3, numSteps: 50, refit, recordEvery: 7 };
      const gpu = await refineQueries(problems, params, { implementation: 'webgpu-kernel' });
      const cpu = await refineQueries(problems, params, { implementation: 'cpu-kernel' });
      expect(gpu.steps).toEqual(cpu.steps);
      for (let q = 0; q < problems.length; q++) {
        const n = params.numSteps;
        expectClose(
          gpu.lossPerStep.data.subarray(q * n, (q + 1) * n),
          cpu.lossPerStep.data.subarray(q * n, (q + 1) * n),
          1e-5,
          `loss ${q}`,
        );
      }
      for (let r = 0; r < gpu.snapshots.rows; r++)
        expectClose(
          gpu.snapshots.data.subarray(r * d, (r + 1) * d),
          cpu.snapshots.data.subarray(r * d, (r + 1) * d),
          1e-5,
          `snapshot row ${r}`,
        );
    });
  }

  it(`takes up to ${MAX_FUSED_DOCUMENTS} documents per query (WebGPU's 16 KiB of workgroup memory)`, async () => {
    const rng = new SeededRandom(5);
    const d = 48;
    const problemWith = (K: number): RefinementProblem => ({
      query: Float32Array.from({ length: d }, () => rng.normal()),
      docs: matrix(
        K,
        d,
        Float32Array.from({ length: K * d }, () => rng.normal()),
      ),
      teacherScores: Float32Array.from({ length: K }, () => rng.next()),
    });
    const params = { lr: 1e-3, numSteps: 5, refit: true, recordEvery: 0 };
    const widest = [problemWith(MAX_FUSED_DOCUMENTS)];
    const gpu = await refineQueries(widest, params, { implementation: 'webgpu-kernel' });
    const cpu = await refineQueries(widest, params, { implementation: 'cpu-kernel' });
    expectClose(gpu.refined.data, cpu.refined.data, 1e-5, 'refined');
    await expect(
      refineQueries([problemWith(MAX_FUSED_DOCUMENTS + 1)], params, { implementation: 'webgpu-kernel' }),
    ).rejects.toThrow(/at most 200 sampled documents/);
  });

  it('composes with tfjs: tensors in, tensors out, nothing leaked', async () => {
    const c = golden.cases[1];
    const params = { lr: c.lr, numSteps: c.steps, refit: c.refit, recordEvery: 25 };
    const batch = packBatch([goldenProblem(c), goldenProblem(c)], c.refit);
    const { count: Q, width: K, dims: d } = batch;
    const before = tf.memory().numTensors;
    const inputs = {
      docs: tf.tensor3d(batch.docs, [Q, K, d]),
      queries: tf.tensor2d(batch.queries, [Q, d]),
      teacher: tf.tensor2d(batch.target, [Q, K]),
      counts: tf.tensor1d(batch.counts, 'int32'),
    };
    const out = refineTensorsOnWebGpu(inputs, params);
    // Downstream tfjs work on the result, still on the device: the refined queries' norms.
    const norms = tf.norm(out.refined, 'euclidean', 1);
    expect(out.refined.shape).toEqual([Q, d]);
    expect(out.lossPerStep.shape).toEqual([Q, c.steps]);
    expect(out.snapshots.shape).toEqual([out.steps.length, Q, d]);
    expect(out.steps).toEqual([0, 25, 50, 75, 100]);
    const refined = (await out.refined.data()) as Float32Array;
    expectClose(refined.subarray(0, d), c.finalQuery, 1e-5, 'refined tensor');
    expectClose(refined.subarray(d), c.finalQuery, 1e-5, 'refined tensor, second copy');
    const n = (await norms.data()) as Float32Array;
    expect(n[0]).toBeCloseTo(Math.hypot(...c.finalQuery), 5);
    tf.dispose([norms, out.refined, out.lossPerStep, out.snapshots, ...Object.values(inputs)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('without a WebGPU adapter in Node', () => {
  it.skipIf(Boolean(webgpu.adapter))('says why', () => {
    expect(webgpu.adapter).toBeNull();
    expect('reason' in webgpu && webgpu.reason).toMatch(/webgpu|Vulkan|Dawn/i);
  });
});
