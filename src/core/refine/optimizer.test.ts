import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, beforeAll } from 'vitest';
import { initBackend, type BackendName } from '../compute/backend';
import { matrix } from '../matrix';
import { refineQueries, type RefinementProblem } from './optimizer';

interface GoldenCase {
  name: string;
  lr: number;
  steps: number;
  refit: boolean;
  docs: number[][];
  query: number[];
  teacherScores: number[];
  lossPerStep: number[];
  queryAtStep: Record<string, number[]>;
  finalQuery: number[];
  finalCosines: number[];
}

const golden = JSON.parse(
  readFileSync(new URL('../../../../shared/reference/optimizer-golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

function problemOf(c: GoldenCase): RefinementProblem {
  return {
    query: Float32Array.from(c.query),
    docs: matrix(c.docs.length, c.query.length, Float32Array.from(c.docs.flat())),
    teacherScores: Float32Array.from(c.teacherScores),
  };
}

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  what: string,
): void {
  expect(actual.length, what).toBe(expected.length);
  // Relative to the vector's scale: single elements near zero carry float32 rounding of the larger ones.
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const tol = rel * Math.max(Math.abs(expected[i]), scale);
    if (Math.abs(actual[i] - expected[i]) > tol)
      throw new Error(`${what}[${i}]: ${actual[i]} vs golden ${expected[i]} (tolerance ${tol})`);
  }
}

function cosines(docs: number[][], q: ArrayLike<number>): number[] {
  const qn = Math.hypot(...Array.from(q));
  return docs.map((row) => {
    let dot = 0;
    for (let i = 0; i < row.length; i++) dot += row[i] * q[i];
    return dot / Math.max(Math.hypot(...row) * qn, 1e-8);
  });
}

for (const backend of ['cpu', 'wasm'] satisfies BackendName[]) {
  describe(`refineQueries on ${backend} matches the PyTorch golden cases`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    for (const c of golden.cases) {
      it(c.name, async () => {
        const res = await refineQueries([problemOf(c)], {
          lr: c.lr,
          numSteps: c.steps,
          refit: c.refit,
          recordEvery: 10,
        });
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
      const batch = await refineQueries([problemOf(base), problemOf(short)], {
        lr: base.lr,
        numSteps: 100,
        refit: false,
        recordEvery: 0,
      });
      const alone = await refineQueries([problemOf(short)], {
        lr: base.lr,
        numSteps: 100,
        refit: false,
        recordEvery: 0,
      });
      expectClose(batch.refined.data.subarray(0, 384), base.finalQuery, 1e-5, 'batched full case');
      expectClose(batch.refined.data.subarray(384), alone.refined.data, 1e-5, 'batched padded case');
      expect(batch.steps).toEqual([0, 100]);
    });

    it('leaks no tensors', async () => {
      const c = golden.cases[0];
      const before = tf.memory().numTensors;
      await refineQueries([problemOf(c)], { lr: c.lr, numSteps: 5, refit: true, recordEvery: 2 });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe('refineQueries with a zero query', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  // As in PyTorch, cosine = dot / max(|d||q|, 1e-8) has gradient d / 1e-8 at q = 0: the query moves.
  it('refines a zero query to finite values without poisoning the rest of the batch', async () => {
    const c = golden.cases[0];
    const zero: RefinementProblem = { ...problemOf(c), query: new Float32Array(c.query.length) };
    const res = await refineQueries([zero, problemOf(c)], {
      lr: c.lr,
      numSteps: c.steps,
      refit: false,
      recordEvery: 0,
    });
    expect(Array.from(res.refined.data).every(Number.isFinite)).toBe(true);
    expect(Array.from(res.lossPerStep.data).every(Number.isFinite)).toBe(true);
    expectClose(res.refined.data.subarray(c.query.length), c.finalQuery, 1e-5, 'batched non-zero case');
  });
});
