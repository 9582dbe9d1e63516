import { describe, expect, it } from 'vitest';
import { matrix } from '../matrix';
import { placeByNeighbours } from './placeByNeighbours';

describe('placeByNeighbours', () => {
  const fitted = matrix(4, 2, Float32Array.from([1, 0, 0, 1, -1, 0, 0, -1]));
  const coords = Float32Array.from([10, 0, 0, 10, -10, 0, 0, -10]);

  it('puts a point equal to a fitted one on it, and a point between two between them', () => {
    const out = placeByNeighbours(fitted, coords, matrix(2, 2, Float32Array.from([2, 0, 1, 1])), { k: 2 });
    expect(out[0]).toBeCloseTo(10, 3);
    expect(out[1]).toBeCloseTo(0, 3);
    expect(out[2]).toBeCloseTo(5, 5);
    expect(out[3]).toBeCloseTo(5, 5);
  });

  it('moves continuously as the point turns', () => {
    const angles = Array.from({ length: 50 }, (_, i) => (i / 49) * (Math.PI / 2));
    const pts = matrix(50, 2, Float32Array.from(angles.flatMap((a) => [Math.cos(a), Math.sin(a)])));
    const out = placeByNeighbours(fitted, coords, pts, { k: 2, temperature: 0.2 });
    for (let i = 1; i < 50; i++)
      expect(Math.hypot(out[2 * i] - out[2 * i - 2], out[2 * i + 1] - out[2 * i - 1])).toBeLessThan(1);
  });
});
