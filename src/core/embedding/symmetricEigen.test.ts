import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { symmetricEigen } from './symmetricEigen';

function randomSymmetric(n: number, rng: SeededRandom): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

describe('symmetricEigen', () => {
  it('diagonalises a random symmetric matrix: A v = λ v, orthonormal vectors, descending values', () => {
    const n = 30;
    const a = randomSymmetric(n, new SeededRandom(9));
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[j * n + k];
        expect(Math.abs(av - values[j] * vectors[j * n + i])).toBeLessThan(1e-12);
      }
      for (let k = 0; k < n; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[j * n + i] * vectors[k * n + i];
        expect(Math.abs(dot - (j === k ? 1 : 0))).toBeLessThan(1e-13);
      }
    }
    // The trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 12);
  });

  it('finds known eigenvalues, repeated ones included', () => {
    // [[2, 1, 0], [1, 2, 0], [0, 0, 3]]: eigenvalues 3, 3, 1.
    const { values } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 3]), 3);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    expect(values[2]).toBeCloseTo(1, 14);
    expect(Array.from(symmetricEigen(Float64Array.from([5]), 1).values)).toEqual([5]);
  });
});
