import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { dotFour } from './randomizedSvdKernels';
import { dot } from './vectorKernels';

describe('dotFour', () => {
  // Lengths with every remainder of 4: the unrolled loop and its tail.
  for (const length of [1, 6, 37, 64]) {
    it(`gives dot's four results bit for bit (length ${length})`, () => {
      const rng = new SeededRandom(length);
      const x = Float64Array.from({ length: length + 3 }, () => rng.normal());
      const stride = length + 5;
      const y = Float64Array.from({ length: 2 + 4 * stride }, () => rng.normal() * 1e3);
      const out = new Float64Array(6);
      dotFour(x, 3, y, 2, stride, length, out, 1);
      const expected = [0, 1, 2, 3].map((k) => dot(x, 3, y, 2 + k * stride, length));
      expect(Array.from(out.subarray(1, 5))).toEqual(expected);
    });
  }
});
