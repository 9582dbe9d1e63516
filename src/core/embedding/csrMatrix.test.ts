import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { csrOperator, type CsrMatrix } from './csrMatrix';
import { randomCsr } from '../../testing/randomCsr';

/** The products one vector at a time, as plain loops: the arithmetic the blocked products must repeat. */
function plainMultiply(m: CsrMatrix, block: Float64Array, count: number): Float64Array {
  const out = new Float64Array(m.rows * count);
  for (let c = 0; c < count; c++)
    for (let i = 0; i < m.rows; i++) {
      let sum = 0;
      for (let e = m.indptr[i]; e < m.indptr[i + 1]; e++)
        sum += m.values[e] * block[c * m.cols + m.indices[e]];
      out[c * m.rows + i] = sum;
    }
  return out;
}

function plainMultiplyTransposed(m: CsrMatrix, block: Float64Array, count: number): Float64Array {
  const out = new Float64Array(m.cols * count);
  for (let c = 0; c < count; c++)
    for (let i = 0; i < m.rows; i++) {
      const yi = block[c * m.rows + i];
      if (yi === 0) continue;
      for (let e = m.indptr[i]; e < m.indptr[i + 1]; e++) out[c * m.cols + m.indices[e]] += m.values[e] * yi;
    }
  return out;
}

/** A block of `count` vectors with some exact zeros (and a -0), which the transposed product skips. */
function randomBlock(length: number, count: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const block = Float64Array.from({ length: length * count }, () => rng.normal());
  for (let i = 0; i < block.length; i += 11) block[i] = 0;
  block[5] = -0;
  return block;
}

describe('csrOperator', () => {
  const m = randomCsr(57, 43, 1);
  // 4·k vectors and a remainder: both the blocked and the single-vector paths.
  for (const count of [1, 4, 9]) {
    it(`multiplies ${count} vectors bit for bit as one vector at a time`, () => {
      const x = randomBlock(m.cols, count, 2);
      expect(csrOperator(m).multiply(x, count)).toEqual(plainMultiply(m, x, count));
      const y = randomBlock(m.rows, count, 3);
      const blocked = csrOperator(m).multiplyTransposed(y, count);
      const plain = plainMultiplyTransposed(m, y, count);
      // Object.is per element: the sign of zeros too.
      expect(Array.from(blocked, (v, i) => Object.is(v, plain[i]))).not.toContain(false);
    });
  }
});
