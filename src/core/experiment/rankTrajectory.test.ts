import { describe, expect, it } from 'vitest';
import { matrix } from '../matrix';
import { rankTrajectory } from './rankTrajectory';

describe('rankTrajectory', () => {
  it('ranks each tracked candidate at each step, ties in candidate order', () => {
    // Four candidates over three steps: candidate 3 climbs from last to first.
    const scores = matrix(
      3,
      4,
      Float32Array.of(
        0.9,
        0.5,
        0.7,
        0.1, // step 0: order 0, 2, 1, 3
        0.9,
        0.5,
        0.5,
        0.6, // step 1: order 0, 3, 1, 2 (1 before 2: a tie)
        0.2,
        0.5,
        0.3,
        0.95, // step 2: order 3, 1, 2, 0
      ),
    );
    expect(rankTrajectory(scores, [3, 1, 2])).toEqual([
      [4, 3, 2],
      [2, 3, 4],
      [1, 2, 3],
    ]);
  });
});
