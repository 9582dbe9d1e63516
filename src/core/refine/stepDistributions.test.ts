import { describe, expect, it } from 'vitest';
import { matrix } from '../matrix';
import { SeededRandom } from '../rng';
import { refineOnCpu } from './cpuKernel';
import { distributionsOfCosines, stepDistributions } from './stepDistributions';
// The test's own softmax, min-max and cosine, written out from DESIGN.md rather than taken from the engine.
import { cosine, minMax, softmax } from '../../testing/referenceMath';

describe('stepDistributions', () => {
  it('gives p = softmax(s) and r = softmax(cos) for a hand-sized case', () => {
    // q along x; documents along x, y and −x: cosines 1, 0, −1.
    const snapshots = matrix(1, 2, Float32Array.of(2, 0));
    const docs = matrix(3, 2, Float32Array.of(1, 0, 0, 3, -1, 0));
    const d = stepDistributions(snapshots, docs, [1, 0, 0], false);
    const e = Math.E;
    expect(d.teacherLogits).toEqual([1, 0, 0]);
    d.p.forEach((v, k) => expect(v).toBeCloseTo([e / (e + 2), 1 / (e + 2), 1 / (e + 2)][k], 14));
    expect(d.steps[0].cosines).toEqual([1, 0, -1]);
    const z = e + 1 + 1 / e;
    d.steps[0].r.forEach((v, k) => expect(v).toBeCloseTo([e / z, 1 / z, 1 / e / z][k], 14));
    const kl = d.p.reduce((sum, p, k) => sum + p * Math.log((p + 1e-8) / (d.steps[0].r[k] + 1e-8)), 0);
    expect(d.steps[0].kl).toBeCloseTo(kl, 14);
  });

  for (const refit of [false, true]) {
    it(`equals softmax of the trajectory's values at every step and the optimizer's loss${refit ? ' (ReFIT)' : ''}`, async () => {
      const rng = new SeededRandom(7);
      const dims = 16;
      const K = 12;
      const docs = matrix(
        K,
        dims,
        Float32Array.from({ length: K * dims }, () => rng.normal()),
      );
      const query = Float32Array.from({ length: dims }, () => rng.normal());
      const scores = Float32Array.from({ length: K }, (_, k) => (k % 3 === 0 ? 0.9 - k / 100 : k / 50));
      const steps = 30;
      const run = await refineOnCpu([{ query, docs, teacherScores: scores }], {
        lr: refit ? 0.005 : 0.01,
        numSteps: steps,
        refit,
        recordEvery: 1,
      });
      const d = stepDistributions(run.snapshots, docs, scores, refit);

      const s = Array.from(scores);
      const expectedP = softmax(refit ? minMax(s).map((x) => x / 2) : s);
      d.p.forEach((v, k) => expect(v).toBeCloseTo(expectedP[k], 12));
      expect(d.steps).toHaveLength(steps + 1);
      for (const [i, step] of d.steps.entries()) {
        const q = run.snapshots.data.subarray(i * dims, (i + 1) * dims);
        const cos = Array.from({ length: K }, (_, k) =>
          cosine(docs.data.subarray(k * dims, (k + 1) * dims), q),
        );
        const expectedR = softmax(refit ? minMax(cos) : cos);
        step.r.forEach((v, k) => expect(v).toBeCloseTo(expectedR[k], 12));
        // The loss the optimizer recorded before step i+1 was computed at this very snapshot.
        if (i < steps) expect(step.kl).toBeCloseTo(run.lossPerStep.data[i], 5);
      }
      // The refinement moved r towards p.
      expect(d.steps[steps].kl).toBeLessThan(d.steps[0].kl);
    });
  }

  it('gives the same distributions from the cosines alone (a run saved without embeddings)', () => {
    const snapshots = matrix(2, 2, Float32Array.of(2, 0, 1, 1));
    const docs = matrix(3, 2, Float32Array.of(1, 0, 0, 3, -1, 0));
    for (const refit of [false, true]) {
      const full = stepDistributions(snapshots, docs, [0.9, 0.2, 0.1], refit);
      const fromCosines = distributionsOfCosines(
        full.steps.map((step) => step.cosines),
        [0.9, 0.2, 0.1],
        refit,
      );
      expect(fromCosines).toEqual(full);
      const cos = full.steps[1].cosines;
      const expectedR = softmax(refit ? minMax(cos) : cos);
      fromCosines.steps[1].r.forEach((v, k) => expect(v).toBeCloseTo(expectedR[k], 12));
    }
    expect(() => distributionsOfCosines([[0.5]], [1, 0], false)).toThrow(/1 cosines for 2 teacher scores/);
  });
});
