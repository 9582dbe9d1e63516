import { SeededRandom } from '../rng';

/** Which of `total` points to draw, and what to tell the user about the rest ("showing N of M"). */
export interface DisplaySelection {
  /** Point indices to draw, ascending, without duplicates. */
  indices: Int32Array;
  /** All points there are. */
  total: number;
  /** Whether some points are left out (indices.length < total). */
  truncated: boolean;
  /**
   * Whether the points that must be kept alone exceed the budget: all of them are drawn anyway, so more
   * than `budget` points are shown.
   */
  mustKeepExceedsBudget: boolean;
}

/**
 * Chooses the points to draw under a display budget: all of them when `count` ≤ `budget`; otherwise
 * every must-keep point (relevant and sampled documents) plus a seeded uniform sample, without
 * replacement, of the others, up to `budget` in all. When the must-keep points alone exceed the budget
 * they are all kept and `mustKeepExceedsBudget` says so. The same arguments give the same selection.
 */
export function selectForDisplay(
  count: number,
  budget: number,
  mustKeep: Iterable<number>,
  seed: number,
): DisplaySelection {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`selectForDisplay: count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(budget) || budget < 0)
    throw new Error(`selectForDisplay: budget must be a non-negative integer, got ${budget}`);
  const keep = new Uint8Array(count);
  let kept = 0;
  for (const index of mustKeep) {
    if (!Number.isInteger(index) || index < 0 || index >= count)
      throw new Error(`selectForDisplay: must-keep index ${index} is not a point (there are ${count})`);
    if (keep[index] === 0) {
      keep[index] = 1;
      kept++;
    }
  }
  if (count <= budget) {
    const all = new Int32Array(count);
    for (let i = 0; i < count; i++) all[i] = i;
    return { indices: all, total: count, truncated: false, mustKeepExceedsBudget: false };
  }

  const rest: number[] = [];
  for (let i = 0; i < count; i++) if (keep[i] === 0) rest.push(i);
  const drawn = new SeededRandom(seed).sample(rest, Math.max(0, budget - kept));
  for (const index of drawn) keep[index] = 1;
  const indices = new Int32Array(kept + drawn.length);
  let at = 0;
  for (let i = 0; i < count; i++) if (keep[i] === 1) indices[at++] = i;
  return {
    indices,
    total: count,
    truncated: indices.length < count,
    mustKeepExceedsBudget: kept > budget,
  };
}
