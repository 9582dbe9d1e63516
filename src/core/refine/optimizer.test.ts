import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
// The autodiff implementation needs them; the platform registers them (src/cli/tfjsGradients.ts in Node).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it, beforeAll } from 'vitest';
import { initBackend, type BackendName } from '../compute/backend';
import { matrix } from '../matrix';
import { SeededRandom } from '../rng';
import {
  chooseImplementation,
  refineQueries,
  type RefineImplementationName,
  type RefinementProblem,
} from './optimizer';
import { goldenProblem, scaledRelativeError, type GoldenCase } from './goldenCase';

const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string) =>
  expect(scaledRelativeError(actual, expected), what).toBeLessThanOrEqual(rel);

const golden = JSON.parse(
  readFileSync(new URL('../../../../shared/reference/optimizer-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

function cosines(docs: number[][], q: ArrayLike<number>): number[] {
  const qn = Math.hypot(...Array.from(q));
  return docs.map((row) => {
    let dot = 0;
    for (let i = 0; i < row.length; i++) dot += row[i] * q[i];
    return dot / Math.max(Math.hypot(...row) * qn, 1e-8);
  });
}

/** Every implementation that runs in Node, on the tfjs backend it uses (the CPU kernel needs none). */
const IMPLEMENTATIONS: { implementation: RefineImplementationName; backend: BackendName }[] = [
  { implementation: 'cpu-kernel', backend: 'cpu' },
  { implementation: 'autodiff', backend: 'cpu' },
  { implementation: 'autodiff', backend: 'wasm' },
];

for (const { implementation, backend } of IMPLEMENTATIONS) {
  describe(`${implementation} on ${backend} matches the PyTorch golden cases`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    for (const c of golden.cases) {
      it(c.name, async () => {
        const res = await refineQueries(
          [goldenProblem(c)],
          { lr: c.lr, numSteps: c.steps, refit: c.refit, recordEvery: 10 },
          { implementation },
        );
        expect(res.implementation).toBe(implementation);
        expectClose(res.lossPerStep.data, c.lossPerStep, 1e-5, 'loss');
        for (const [stepText, q] of Object.entries(c.queryAtStep)) {
          const s = res.steps.indexOf(Number(stepText));
          expect(s, `snapshot of step ${stepText}`).toBeGreaterThanOrEqual(0);
          expectClose(
            res.snapshots.data.subarray(s * q.length, (s + 1) * q.length),
            q,
            1e-5,
            `query@${stepText}`,
          );
        }
        expectClose(res.refined.data, c.finalQuery, 1e-5, 'final query');
        expectClose(cosines(c.docs, res.refined.data), c.finalCosines, 1e-5, 'final cosines');
      });
    }

    it('solves all golden cases in one ragged batch exactly as one by one', async () => {
      const sameSteps = golden.cases.filter((c) => c.steps === 100 && !c.refit && c.query.length === 384);
      const other = golden.cases.filter((c) => c.steps === 100 && !c.refit && c.query.length !== 384);
      expect(sameSteps.length + other.length).toBeGreaterThan(0);
      // Mix dimensions is not allowed; mix K (20 vs padded) by adding a truncated copy of a case.
      const base = sameSteps[0];
      const short: GoldenCase = {
        ...base,
        docs: base.docs.slice(0, 12),
        teacherScores: base.teacherScores.slice(0, 12),
      };
      const params = { lr: base.lr, numSteps: 100, refit: false, recordEvery: 0 };
      const batch = await refineQueries([goldenProblem(base), goldenProblem(short)], params, {
        implementation,
      });
      const alone = await refineQueries([goldenProblem(short)], params, { implementation });
      expectClose(batch.refined.data.subarray(0, 384), base.finalQuery, 1e-5, 'batched full case');
      expectClose(batch.refined.data.subarray(384), alone.refined.data, 1e-5, 'batched padded case');
      expect(batch.steps).toEqual([0, 100]);
    });

    it('leaks no tensors', async () => {
      const c = golden.cases[0];
      const before = tf.memory().numTensors;
      await refineQueries(
        [goldenProblem(c)],
        { lr: c.lr, numSteps: 5, refit: true, recordEvery: 2 },
        { implementation },
      );
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

/** A ragged batch of random problems (K from 5 to 20, d = 96), with LLM-like scores and some ties. */
function randomBatch(seed: number): RefinementProblem[] {
  const rng = new SeededRandom(seed);
  const d = 96;
  return Array.from({ length: 6 }, (_, q) => {
    const K = 5 + ((q * 7) % 16);
    return {
      query: Float32Array.from({ length: d }, () => rng.normal() * 0.1),
      docs: matrix(
        K,
        d,
        Float32Array.from({ length: K * d }, () => rng.normal() * 0.1),
      ),
      teacherScores: Float32Array.from({ length: K }, (_, k) => (k % 4 === 0 ? 1 : rng.next())),
    };
  });
}

describe('the CPU kernel and tfjs autodiff agree with each other', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  for (const refit of [false, true]) {
    it(`on a ragged random batch (${refit ? 'ReFIT' : 'KL'})`, async () => {
      const problems = randomBatch(refit ? 2 : 1);
      const params = { lr: refit ? 5e-3 : 1e-3, numSteps: 60, refit, recordEvery: 20 };
      const kernel = await refineQueries(problems, params, { implementation: 'cpu-kernel' });
      const autodiff = await refineQueries(problems, params, { implementation: 'autodiff' });
      expect(kernel.steps).toEqual(autodiff.steps);
      const d = problems[0].query.length;
      for (let q = 0; q < problems.length; q++) {
        const steps = params.numSteps;
        expectClose(
          kernel.lossPerStep.data.subarray(q * steps, (q + 1) * steps),
          autodiff.lossPerStep.data.subarray(q * steps, (q + 1) * steps),
          1e-5,
          `loss of query ${q}`,
        );
      }
      for (let r = 0; r < kernel.snapshots.rows; r++)
        expectClose(
          kernel.snapshots.data.subarray(r * d, (r + 1) * d),
          autodiff.snapshots.data.subarray(r * d, (r + 1) * d),
          1e-5,
          `snapshot row ${r}`,
        );
    });
  }
});

describe('refineQueries picks its implementation', () => {
  it('uses the fused kernel only on WebGPU with a hardware adapter', () => {
    expect(chooseImplementation('webgpu', false)).toBe('webgpu-kernel');
    expect(chooseImplementation('webgpu', true)).toBe('cpu-kernel');
    expect(chooseImplementation('wasm')).toBe('cpu-kernel');
    expect(chooseImplementation('cpu')).toBe('cpu-kernel');
  });

  it('uses the CPU kernel on the cpu backend by default', async () => {
    await initBackend('cpu');
    const c = golden.cases[0];
    const res = await refineQueries([goldenProblem(c)], {
      lr: c.lr,
      numSteps: 3,
      refit: false,
      recordEvery: 0,
    });
    expect(res.implementation).toBe('cpu-kernel');
  });

  it('explains that the fused kernel needs the webgpu backend', async () => {
    await initBackend('cpu');
    const c = golden.cases[0];
    await expect(
      refineQueries(
        [goldenProblem(c)],
        { lr: c.lr, numSteps: 3, refit: false, recordEvery: 0 },
        { implementation: 'webgpu-kernel' },
      ),
    ).rejects.toThrow(/needs the tfjs webgpu backend/);
  });

  it('stops the CPU kernel when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const c = golden.cases[0];
    await expect(
      refineQueries(
        [goldenProblem(c)],
        { lr: c.lr, numSteps: 3, refit: false, recordEvery: 0 },
        { implementation: 'cpu-kernel', signal: controller.signal },
      ),
    ).rejects.toThrow('stop');
  });
});

describe('refineQueries with a zero query', () => {
  // As in PyTorch, cosine = dot / max(|d||q|, 1e-8) has gradient d / 1e-8 at q = 0: the query moves.
  for (const implementation of ['cpu-kernel', 'autodiff'] satisfies RefineImplementationName[]) {
    it(`refines a zero query to finite values without poisoning the rest of the batch (${implementation})`, async () => {
      await initBackend('cpu');
      const c = golden.cases[0];
      const zero: RefinementProblem = { ...goldenProblem(c), query: new Float32Array(c.query.length) };
      const res = await refineQueries(
        [zero, goldenProblem(c)],
        { lr: c.lr, numSteps: c.steps, refit: false, recordEvery: 0 },
        { implementation },
      );
      expect(Array.from(res.refined.data).every(Number.isFinite)).toBe(true);
      expect(Array.from(res.lossPerStep.data).every(Number.isFinite)).toBe(true);
      expectClose(res.refined.data.subarray(c.query.length), c.finalQuery, 1e-5, 'batched non-zero case');
    });
  }

  it('moves a zero query the same way in both implementations', async () => {
    await initBackend('cpu');
    const c = golden.cases[0];
    const zero: RefinementProblem = { ...goldenProblem(c), query: new Float32Array(c.query.length) };
    const params = { lr: c.lr, numSteps: 20, refit: false, recordEvery: 0 };
    const kernel = await refineQueries([zero], params, { implementation: 'cpu-kernel' });
    const autodiff = await refineQueries([zero], params, { implementation: 'autodiff' });
    expectClose(kernel.refined.data, autodiff.refined.data, 1e-5, 'zero query refined');
  });
});
