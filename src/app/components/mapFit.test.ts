import { describe, expect, it } from 'vitest';
import { fitAll, fitPath } from './mapFit';

describe('map fits', () => {
  it('fits every point inside the padded canvas, centred', () => {
    const fit = fitAll([Float32Array.of(0, 0, 10, 5)], 220, 120, 10);
    expect(fit).toEqual({ cx: 5, cy: 2.5, scale: 20 });
  });

  it('follows a short path: zooms until the path spans 40% of the canvas, centred on it', () => {
    const path = Float32Array.of(0, 0, 1, 0);
    const sampled = Float32Array.of(-2, -2, 2, 2);
    const fit = fitPath(path, sampled, 400, 400, 20);
    expect(fit.cx).toBe(0.5);
    expect(fit.cy).toBe(0);
    expect(fit.scale).toBeCloseTo(160, 9);
  });

  it('keeps the path and its documents in view when the path is long enough', () => {
    const path = Float32Array.of(0, 0, 80, 0);
    const sampled = Float32Array.of(0, -10, 100, 10);
    expect(fitPath(path, sampled, 400, 400, 20)).toEqual(fitAll([path, sampled], 400, 400, 20));
  });
});
