import { describe, expect, it } from 'vitest';
import { logGamma, regularizedIncompleteBeta, studentTCdf, studentTTwoSidedP } from './studentT';

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 12);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('matches closed forms', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 14);
    expect(regularizedIncompleteBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 14);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });
});

describe('studentTTwoSidedP', () => {
  // reference values: scipy 1.17.1, 2 * stats.t.sf(t, df)
  it.each([
    [2.0, 10, 0.07338803477074037],
    [2.228138851986, 10, 0.050000000000023255],
    [0.5, 3, 0.651447964848151],
    [5, 30, 2.32966854670078e-5],
    [1.3, 149, 0.19560841235651336],
    [12, 7, 6.358310378185098e-6],
  ])('t = %f, df = %i', (t, df, expected) => {
    expect(Math.abs(studentTTwoSidedP(t, df) - expected)).toBeLessThan(1e-12);
    expect(Math.abs(studentTTwoSidedP(-t, df) - expected)).toBeLessThan(1e-12);
  });

  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [0.1, 0.7, 1, 2.5, 10]) {
      expect(studentTTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 13);
      expect(studentTTwoSidedP(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 13);
    }
  });

  it('handles the limits', () => {
    expect(studentTTwoSidedP(0, 5)).toBe(1);
    expect(studentTTwoSidedP(Infinity, 5)).toBe(0);
    expect(studentTTwoSidedP(NaN, 5)).toBeNaN();
    expect(studentTTwoSidedP(1, 0)).toBeNaN();
  });
});

describe('studentTCdf', () => {
  it('matches scipy and is symmetric', () => {
    expect(Math.abs(studentTCdf(-1.7, 5) - 0.074938393424162)).toBeLessThan(1e-12);
    expect(Math.abs(studentTCdf(1.7, 5) - (1 - 0.074938393424162))).toBeLessThan(1e-12);
    expect(studentTCdf(0, 9)).toBe(0.5);
  });
});
