import { matrix } from '../matrix';
import type { RefinementProblem } from './optimizer';

/**
 * One PyTorch golden case of ../shared/reference/optimizer-golden.json: the shape the tests (Vitest, Node
 * WebGPU, Chromium) and the benchmark's golden check read.
 */
export interface GoldenCase {
  name: string;
  lr: number;
  steps: number;
  refit: boolean;
  docs: number[][];
  query: number[];
  teacherScores: number[];
  lossPerStep: number[];
  queryAtStep: Record<string, number[]>;
  finalQuery: number[];
  finalCosines: number[];
}

/** The optimizer's input for a golden case. */
export function goldenProblem(c: GoldenCase): RefinementProblem {
  return {
    query: Float32Array.from(c.query),
    docs: matrix(c.docs.length, c.query.length, Float32Array.from(c.docs.flat())),
    teacherScores: Float32Array.from(c.teacherScores),
  };
}

/**
 * The largest error relative to the vector's scale (max |expected|), as every golden check bounds it:
 * single elements near zero carry the float32 rounding of the larger ones.
 */
export function scaledRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), scale);
    worst = Math.max(worst, Number.isNaN(error) ? Infinity : error);
  }
  return worst;
}
