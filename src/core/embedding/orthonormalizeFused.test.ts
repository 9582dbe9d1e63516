import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { orthonormalizeColumns } from './orthonormalize';
import { axpy, dot } from './vectorKernels';

/**
 * orthonormalizeColumns as it was written before its passes were fused (one pass for the products, one for
 * the update, per earlier column): the fused passes must give exactly these bits.
 */
function unfused(block: Float64Array, length: number, count: number, rng: SeededRandom): void {
  const norm = (j: number) => Math.sqrt(dot(block, j * length, block, j * length, length));
  const projectOut = (from: number, to: number, j: number) => {
    for (let k = from; k < to; k++) {
      const p = dot(block, k * length, block, j * length, length);
      if (p !== 0) axpy(-p, block, k * length, block, j * length, length);
    }
  };
  const secondPass = (j: number, before: number) => {
    const after = norm(j);
    if (after > 0.5 * before) return after;
    projectOut(0, j, j);
    return norm(j);
  };
  const references = new Float64Array(4);
  for (let first = 0; first < count; first += 4) {
    const end = Math.min(first + 4, count);
    for (let j = first; j < end; j++) references[j - first] = norm(j);
    if (end - first === 4) {
      for (let k = 0; k < first; k++) {
        const d = [0, 0, 0, 0];
        for (let i = 0; i < length; i++)
          for (let t = 0; t < 4; t++) d[t] += block[k * length + i] * block[(first + t) * length + i];
        for (let i = 0; i < length; i++)
          for (let t = 0; t < 4; t++) block[(first + t) * length + i] -= d[t] * block[k * length + i];
      }
    } else {
      for (let j = first; j < end; j++) projectOut(0, first, j);
    }
    for (let j = first; j < end; j++) {
      projectOut(first, j, j);
      let reference = references[j - first];
      let n = secondPass(j, reference);
      while (!(n > 1e-10 * reference)) {
        for (let i = j * length; i < (j + 1) * length; i++) block[i] = rng.normal();
        reference = norm(j);
        projectOut(0, j, j);
        n = secondPass(j, reference);
      }
      for (let i = j * length; i < (j + 1) * length; i++) block[i] *= 1 / n;
    }
  }
}

describe('orthonormalizeColumns (fused passes)', () => {
  // Nearly dependent columns (second passes), an exact copy (a random replacement) and counts that are
  // not a multiple of the group of four; lengths with every remainder of `dot`'s four partial sums.
  for (const [length, count] of [
    [37, 13],
    [64, 30],
    [50, 7],
  ]) {
    it(`gives bit for bit the unfused results (${count} columns of length ${length})`, () => {
      const rng = new SeededRandom(length);
      const block = Float64Array.from({ length: length * count }, () => rng.normal());
      for (let i = 0; i < length; i++) block[2 * length + i] = block[i] + 1e-9 * block[length + i];
      block.copyWithin(5 * length, 3 * length, 4 * length);
      const expected = Float64Array.from(block);
      orthonormalizeColumns(block, length, count, new SeededRandom(1));
      unfused(expected, length, count, new SeededRandom(1));
      expect(Array.from(block, (v, i) => Object.is(v, expected[i]))).not.toContain(false);
    });
  }
});
