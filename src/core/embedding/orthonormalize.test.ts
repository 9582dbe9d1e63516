import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { orthonormalizeColumns } from './orthonormalize';

/** Largest |QᵀQ - I| entry of a column-major block. */
function orthonormalityError(q: Float64Array, length: number, count: number): number {
  let worst = 0;
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += q[a * length + i] * q[b * length + i];
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthonormalizeColumns', () => {
  it('makes a random block orthonormal and keeps the span of its first columns', () => {
    const rng = new SeededRandom(3);
    const length = 50;
    const count = 12;
    const block = Float64Array.from({ length: length * count }, () => rng.normal());
    const original = block.slice();
    orthonormalizeColumns(block, length, count, rng);
    expect(orthonormalityError(block, length, count)).toBeLessThan(1e-13);
    // Column j of the input is a combination of columns 0..j of Q (upper-triangular R).
    for (let j = 0; j < count; j++) {
      const residual = original.slice(j * length, (j + 1) * length);
      for (let k = 0; k <= j; k++) {
        let dot = 0;
        for (let i = 0; i < length; i++) dot += block[k * length + i] * residual[i];
        for (let i = 0; i < length; i++) residual[i] -= dot * block[k * length + i];
      }
      expect(Math.hypot(...residual)).toBeLessThan(1e-12);
    }
  });

  it('completes the basis when columns are zero or dependent', () => {
    const rng = new SeededRandom(4);
    const length = 20;
    const count = 6;
    const block = new Float64Array(length * count);
    for (let i = 0; i < length; i++) {
      block[i] = i + 1; // column 0
      block[length + i] = 2 * (i + 1); // column 1 = 2 · column 0
      block[3 * length + i] = Math.sin(i); // column 2 stays zero
      block[4 * length + i] = i + 1 + 1e-14 * Math.cos(i); // column 4 ≈ column 0
    }
    orthonormalizeColumns(block, length, count, rng);
    expect(orthonormalityError(block, length, count)).toBeLessThan(1e-13);
  });

  it('conditions badly scaled columns well (second pass)', () => {
    const rng = new SeededRandom(5);
    const length = 40;
    const count = 10;
    const base = Float64Array.from({ length }, () => rng.normal());
    const block = new Float64Array(length * count);
    for (let j = 0; j < count; j++) {
      for (let i = 0; i < length; i++) block[j * length + i] = base[i] + 1e-7 * rng.normal();
    }
    orthonormalizeColumns(block, length, count, rng);
    expect(orthonormalityError(block, length, count)).toBeLessThan(1e-13);
  });
});
