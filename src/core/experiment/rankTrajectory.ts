import { row, type Matrix } from '../matrix';
import { ranksOf } from './session';

/**
 * The 1-based rank of each tracked candidate at each step: `scores` holds one row of candidate scores per
 * recorded step; ties keep candidate order, as every ranking in this project. ranks[s][t] is the rank of
 * candidate `tracked[t]` at step s.
 */
export function rankTrajectory(scores: Matrix, tracked: ArrayLike<number>): number[][] {
  const out: number[][] = [];
  for (let s = 0; s < scores.rows; s++) {
    const ranks = ranksOf(row(scores, s));
    out.push(Array.from(tracked, (c) => ranks[c]));
  }
  return out;
}
