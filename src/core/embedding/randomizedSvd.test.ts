import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { denseOperator } from './linearOperator';
import { orthonormalizeColumns } from './orthonormalize';
import { randomizedSvd, type TruncatedSvd } from './randomizedSvd';
import { symmetricEigen } from './symmetricEigen';

/** Row-major rows x cols matrix U diag(s) Vᵀ with random orthonormal U, V (seeded). */
function lowRank(rows: number, cols: number, singularValues: number[], seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const r = singularValues.length;
  const u = Float64Array.from({ length: rows * r }, () => rng.normal());
  const v = Float64Array.from({ length: cols * r }, () => rng.normal());
  orthonormalizeColumns(u, rows, r, rng);
  orthonormalizeColumns(v, cols, r, rng);
  const a = new Float64Array(rows * cols);
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) a[i * cols + j] += singularValues[k] * u[k * rows + i] * v[k * cols + j];
    }
  }
  return a;
}

/** Largest |V Vᵀ - I| entry, for the rows (length `length`) of a row-major block. */
function orthonormalityError(vectors: Float64Array, count: number, length: number): number {
  let worst = 0;
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += vectors[a * length + i] * vectors[b * length + i];
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

/** Exact singular values from the eigenvalues of AᵀA (fine for small, well-scaled test matrices). */
function exactSingularValues(a: Float64Array, rows: number, cols: number): number[] {
  const gram = new Float64Array(cols * cols);
  for (let p = 0; p < cols; p++) {
    for (let q = 0; q < cols; q++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += a[i * cols + p] * a[i * cols + q];
      gram[p * cols + q] = dot;
    }
  }
  return Array.from(symmetricEigen(gram, cols).values, (v) => Math.sqrt(Math.max(v, 0)));
}

function reconstructionError(a: Float64Array, rows: number, cols: number, svd: TruncatedSvd): number {
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let value = 0;
      for (let k = 0; k < svd.rank; k++) {
        value += svd.singularValues[k] * svd.leftVectors[k * rows + i] * svd.components[k * cols + j];
      }
      worst = Math.max(worst, Math.abs(value - a[i * cols + j]));
    }
  }
  return worst;
}

const SINGULAR_VALUES = [10, 7, 5, 3, 2, 1.5, 1, 0.5];

describe('randomizedSvd', () => {
  for (const [rows, cols] of [
    [60, 40],
    [40, 60],
  ]) {
    it(`recovers a rank-8 ${rows}x${cols} matrix: singular values, orthonormal vectors, product`, async () => {
      const a = lowRank(rows, cols, SINGULAR_VALUES, 1);
      const svd = await randomizedSvd(denseOperator(rows, cols, a), 8, { seed: 7 });
      expect(svd.rank).toBe(8);
      SINGULAR_VALUES.forEach((s, k) => expect(Math.abs(svd.singularValues[k] - s) / s).toBeLessThan(1e-6));
      expect(orthonormalityError(svd.components, 8, cols)).toBeLessThan(1e-10);
      expect(orthonormalityError(svd.leftVectors, 8, rows)).toBeLessThan(1e-10);
      expect(reconstructionError(a, rows, cols, svd)).toBeLessThan(1e-10);
      // svd_flip: the largest-magnitude entry of each component is positive.
      for (let k = 0; k < 8; k++) {
        const component = Array.from(svd.components.subarray(k * cols, (k + 1) * cols));
        const largest = component.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
        expect(largest).toBeGreaterThan(0);
      }
    });
  }

  it('finds the leading singular values of a full-rank matrix with a decaying spectrum', async () => {
    const spectrum = Array.from({ length: 40 }, (_, i) => 0.8 ** i);
    const a = lowRank(80, 50, spectrum, 2);
    const exact = exactSingularValues(a, 80, 50);
    const svd = await randomizedSvd(denseOperator(80, 50, a), 6, { seed: 3, powerIterations: 4 });
    for (let k = 0; k < 6; k++)
      expect(Math.abs(svd.singularValues[k] - exact[k]) / exact[k]).toBeLessThan(1e-6);
    for (let k = 1; k < 6; k++) expect(svd.singularValues[k]).toBeLessThanOrEqual(svd.singularValues[k - 1]);
  });

  it('is deterministic for a seed, and finds the same subspace with another seed', async () => {
    const spectrum = Array.from({ length: 30 }, (_, i) => 1 / (1 + i));
    const a = lowRank(70, 45, spectrum, 4);
    const op = denseOperator(70, 45, a);
    const first = await randomizedSvd(op, 5, { seed: 11 });
    const again = await randomizedSvd(op, 5, { seed: 11 });
    expect(new Uint8Array(again.components.buffer)).toEqual(new Uint8Array(first.components.buffer));
    expect(new Uint8Array(again.singularValues.buffer)).toEqual(new Uint8Array(first.singularValues.buffer));
    expect(new Uint8Array(again.leftVectors.buffer)).toEqual(new Uint8Array(first.leftVectors.buffer));

    const other = await randomizedSvd(op, 5, { seed: 12, powerIterations: 8 });
    const exact = exactSingularValues(a, 70, 45);
    for (let k = 0; k < 5; k++) {
      expect(Math.abs(first.singularValues[k] - exact[k]) / exact[k]).toBeLessThan(1e-4);
      expect(Math.abs(other.singularValues[k] - first.singularValues[k]) / exact[k]).toBeLessThan(1e-4);
    }
    // Each component of one run lies (almost) in the span of the other run's components.
    for (let k = 0; k < 3; k++) {
      let inSpan = 0;
      for (let m = 0; m < 5; m++) {
        let dot = 0;
        for (let i = 0; i < 45; i++) dot += other.components[k * 45 + i] * first.components[m * 45 + i];
        inSpan += dot * dot;
      }
      expect(inSpan).toBeGreaterThan(1 - 1e-3);
    }
  });

  it('caps the rank at the smaller side of the matrix', async () => {
    const a = lowRank(12, 5, [4, 3, 2, 1, 0.5], 5);
    const svd = await randomizedSvd(denseOperator(12, 5, a), 256, { seed: 1 });
    expect(svd.rank).toBe(5);
    [4, 3, 2, 1, 0.5].forEach((s, k) => expect(svd.singularValues[k]).toBeCloseTo(s, 10));
    expect(orthonormalityError(svd.components, 5, 5)).toBeLessThan(1e-12);
  });

  it('leaves the vectors of zero singular values zero instead of dividing by zero', async () => {
    const a = lowRank(30, 20, [3, 2], 6);
    const svd = await randomizedSvd(denseOperator(30, 20, a), 4, { seed: 1 });
    expect(svd.singularValues[0]).toBeCloseTo(3, 10);
    expect(svd.singularValues[1]).toBeCloseTo(2, 10);
    expect(svd.singularValues[2]).toBeLessThan(1e-6);
    for (const x of svd.components) expect(Number.isFinite(x)).toBe(true);
    for (const x of svd.leftVectors) expect(Number.isFinite(x)).toBe(true);
  });

  it('reports progress and honours cancellation', async () => {
    const a = lowRank(30, 20, [3, 2, 1], 7);
    const events: number[] = [];
    await randomizedSvd(denseOperator(30, 20, a), 3, { onProgress: (e) => events.push(e.done) });
    expect(events).toEqual([1, 2, 3, 4, 5, 6]);

    const controller = new AbortController();
    const run = randomizedSvd(denseOperator(30, 20, a), 3, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.done === 2) controller.abort(new Error('stop'));
      },
    });
    await expect(run).rejects.toThrow('stop');
  });
});
