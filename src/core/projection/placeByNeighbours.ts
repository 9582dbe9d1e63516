import { row, type Matrix } from '../matrix';

export interface PlacementOptions {
  /** Neighbours that place each point (default 15). */
  k?: number;
  /** Softmax temperature on cosine similarity (default 0.02): lower follows the nearest neighbour more. */
  temperature?: number;
}

/**
 * Places points on an existing 2-D map as the similarity-weighted mean of their k most similar fitted
 * points — umap-learn's initialisation of `transform`, without its stochastic refinement. A query's path
 * is a sequence of nearly identical vectors; UMAP's stochastic `transform` scatters them, while this
 * placement is deterministic and moves continuously with the vector, so the drawn path is the real one.
 */
export function placeByNeighbours(
  fitted: Matrix,
  fittedCoords: Float32Array,
  points: Matrix,
  options: PlacementOptions = {},
): Float32Array {
  const k = Math.min(options.k ?? 15, fitted.rows);
  const temperature = options.temperature ?? 0.02;
  if (fitted.cols !== points.cols)
    throw new Error(`placeByNeighbours: ${points.cols} dims, map has ${fitted.cols}`);
  const fittedNorms = new Float32Array(fitted.rows);
  for (let i = 0; i < fitted.rows; i++) fittedNorms[i] = norm(row(fitted, i));
  const out = new Float32Array(points.rows * 2);
  const sims = new Float32Array(fitted.rows);
  for (let p = 0; p < points.rows; p++) {
    const v = row(points, p);
    const vn = norm(v);
    for (let i = 0; i < fitted.rows; i++) {
      const f = row(fitted, i);
      let dot = 0;
      for (let j = 0; j < v.length; j++) dot += v[j] * f[j];
      sims[i] = dot / Math.max(vn * fittedNorms[i], 1e-8);
    }
    const top = topIndices(sims, k);
    const best = sims[top[0]];
    let wSum = 0,
      x = 0,
      y = 0;
    for (const i of top) {
      const w = Math.exp((sims[i] - best) / temperature);
      wSum += w;
      x += w * fittedCoords[2 * i];
      y += w * fittedCoords[2 * i + 1];
    }
    out[2 * p] = x / wSum;
    out[2 * p + 1] = y / wSum;
  }
  return out;
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Indices of the k largest values, largest first. */
function topIndices(values: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length < k || values[i] > values[top[top.length - 1]]) {
      let at = top.length < k ? top.length : top.length - 1;
      if (top.length < k) top.push(i);
      while (at > 0 && values[top[at - 1]] < values[i]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = i;
    }
  }
  return top;
}
