import { describe, expect, it } from 'vitest';
import { pythonRound } from './pythonRound';

// Every expected value below was printed by python3 (3.11): round(value, digits).
describe('pythonRound', () => {
  it('sends an exact tie to the even digit: every odd j/64 at 5 decimals (the only ties there)', () => {
    const python = [
      0.01562, 0.04688, 0.07812, 0.10938, 0.14062, 0.17188, 0.20312, 0.23438, 0.26562, 0.29688, 0.32812,
      0.35938, 0.39062, 0.42188, 0.45312, 0.48438, 0.51562, 0.54688, 0.57812, 0.60938, 0.64062, 0.67188,
      0.70312, 0.73438, 0.76562, 0.79688, 0.82812, 0.85938, 0.89062, 0.92188, 0.95312, 0.98438,
    ];
    python.forEach((expected, k) =>
      expect(pythonRound((2 * k + 1) / 64, 5), `${2 * k + 1}/64`).toBe(expected),
    );
    // Math.round sends 1/64 = 0.015625 up, as toFixed does.
    expect(Math.round((1 / 64) * 1e5) / 1e5).toBe(0.01563);
  });

  it('rounds the exact binary value, so decimal-looking ties go where Python sends them', () => {
    const cases: [number, number][] = [
      [0.125, 0.12],
      [0.375, 0.38],
      [2.675, 2.67],
      [1.005, 1.0],
      [0.615, 0.61],
      [-0.125, -0.12],
      [-0.025, -0.03],
    ];
    for (const [value, expected] of cases) expect(pythonRound(value, 2), String(value)).toBe(expected);
    expect(pythonRound(0.1234567 / 0.8234567, 5)).toBe(0.14992);
    expect(pythonRound(0.7 / 0.93, 5)).toBe(0.75269);
    expect(pythonRound(1, 5)).toBe(1);
    expect(pythonRound(0, 5)).toBe(0);
  });

  it('refuses what it does not cover', () => {
    expect(() => pythonRound(NaN, 5)).toThrow(RangeError);
    expect(() => pythonRound(0.5, -1)).toThrow(RangeError);
  });
});
