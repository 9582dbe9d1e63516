import { describe, expect, it } from 'vitest';
import { flippedScore } from './whatIfScore';

describe('flippedScore', () => {
  it('flips gold labels and probabilities between 0 and 1', () => {
    expect(flippedScore(1, [1, 1, 1], 0.5)).toBe(0);
    expect(flippedScore(0, [0, 1], 0.5)).toBe(1);
    expect(flippedScore(0.8, [0.8, 0.3], 0.5)).toBe(0);
    expect(flippedScore(null, [0.2, null], 0.5)).toBe(1);
  });

  it('keeps the scale of 0–100 ratings and of logits', () => {
    expect(flippedScore(90, [90, 20], 50)).toBe(0);
    expect(flippedScore(20, [90, 20], 50)).toBe(100);
    expect(flippedScore(7.5, [7.5, -3], 0)).toBe(-5);
    expect(flippedScore(-3, [7.5, -3], 0)).toBe(7.5);
  });
});
