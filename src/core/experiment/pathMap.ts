import { row, type Matrix } from '../matrix';
import { projectionOf, type QueryProjection } from './queryProjection';
import { ranksOf, type QueryViewSource } from './session';

/**
 * The map of a query when its run saved no document embeddings (a run opened from its files without
 * `--save-embeddings`, or the reference's layout): the query's own path laid out by PCA of its trajectory,
 * and its documents placed by what the run's scores say of them. A document's cosine to the original query
 * (a) and to the refined one (b) give, exactly, the cosine of the angle between the document and the
 * direction the query moved: (b − a) / |q̂_end − q̂_start|. So each document sits at that angle from the
 * path's heading (in front: the query moved towards it; behind: away), relevant ones on the left of the
 * path and the others on the right, at a distance from the path's end that grows with 1 − b (cosine
 * distance to the refined query). The path is magnified to be seen next to the documents.
 * Without a trajectory, the documents are a scatter of b against a, the query in the corner (1, 1).
 */

/** Documents drawn at most besides the sampled and top-10 ones: relevant ones, best refined rank first. */
const RELEVANT_BUDGET = 200;

export function pathMap(
  result: QueryViewSource,
  index: number,
  trajectory: Matrix | undefined,
): QueryProjection {
  const q = result.dataset.queries[index];
  const before = result.scores.original[index];
  const after = (result.scores.optimized ?? result.scores.original)[index];
  const rankBefore = ranksOf(before);
  const rankAfter = ranksOf(after);
  const sampledIndex = new Map<number, number>();
  result.sampled[index].forEach((c, k) => sampledIndex.set(c, k));

  const keep = new Set<number>(sampledIndex.keys());
  const relevant: number[] = [];
  for (let c = 0; c < q.candidates.length; c++) {
    if (rankBefore[c] <= 10 || rankAfter[c] <= 10) keep.add(c);
    else if (q.labels[c] > 0) relevant.push(c);
  }
  relevant.sort((x, y) => rankAfter[x] - rankAfter[y]);
  for (const c of relevant.slice(0, RELEVANT_BUDGET)) keep.add(c);
  const drawn = Int32Array.from([...keep].sort((x, y) => x - y));

  const coords = new Float32Array(drawn.length * 2);
  let path: Float32Array;
  let note: string;
  const kind = trajectory && trajectory.rows >= 2 ? 'path' : 'similarity';
  if (trajectory && trajectory.rows >= 2) {
    path = pcaPath(trajectory);
    const moved = unitDistance(row(trajectory, 0), row(trajectory, trajectory.rows - 1));
    const n = trajectory.rows - 1;
    const heading = Math.atan2(path[2 * n + 1] - path[1], path[2 * n] - path[0]);
    const distances = Array.from(drawn, (c) => 1 - after[c]);
    const unit = median(distances) || 1;
    // The path spans half the typical document distance, whatever its true length.
    const length = Math.hypot(path[2 * n] - path[0], path[2 * n + 1] - path[1]) || 1;
    const magnify = (0.5 * unit) / length;
    for (let i = 0; i < path.length; i++) path[i] *= magnify;
    const [ex, ey] = [path[2 * n], path[2 * n + 1]];
    drawn.forEach((c, i) => {
      const cos = moved > 0 ? Math.max(-1, Math.min(1, (after[c] - before[c]) / moved)) : 0;
      const side = q.labels[c] > 0 ? 1 : -1;
      const angle = heading + side * Math.acos(cos);
      const r = distances[i] / unit;
      coords[2 * i] = ex + r * Math.cos(angle);
      coords[2 * i + 1] = ey + r * Math.sin(angle);
    });
    note =
      'This run saved no document embeddings (--save-embeddings), so this is not a UMAP: the path is a PCA ' +
      'of the query\u2019s trajectory (magnified), and each document sits at the angle between it and the ' +
      'direction the query moved (in front: moved towards it), relevant on the left, at a distance that ' +
      'grows with its cosine distance to the refined query.';
  } else {
    path = Float32Array.of(1, 1);
    drawn.forEach((c, i) => {
      coords[2 * i] = before[c];
      coords[2 * i + 1] = after[c];
    });
    note =
      'This run saved neither document embeddings nor trajectories (--save-embeddings, --save-tensors): ' +
      'each document is placed by its similarity to the original query (x) and to the refined query (y); ' +
      'the query is the corner (1, 1).';
  }
  return projectionOf(
    result.dataset,
    index,
    drawn,
    { coords, trajectory: path, note, kind },
    { before: rankBefore, after: rankAfter, sampledIndex },
  );
}

/**
 * x, y per row of `points` on their first two principal components (centred), oriented so that the path
 * runs left to right. Power iteration on the rows' Gram matrix: a trajectory has about a hundred rows.
 */
export function pcaPath(points: Matrix): Float32Array {
  const { rows: n, cols: d } = points;
  const mean = new Float64Array(d);
  for (let s = 0; s < n; s++) for (let j = 0; j < d; j++) mean[j] += points.data[s * d + j] / n;
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = a; b < n; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++)
        dot += (points.data[a * d + j] - mean[j]) * (points.data[b * d + j] - mean[j]);
      gram[a * n + b] = gram[b * n + a] = dot;
    }
  const out = new Float32Array(2 * n);
  for (let k = 0; k < 2; k++) {
    // A fixed, deterministic start (not orthogonal to a straight path's component).
    let v = Float64Array.from({ length: n }, (_, i) => (k === 0 ? i + 1 : (-1) ** i * (i + 1)));
    let lambda = 0;
    for (let iter = 0; iter < 200; iter++) {
      const next = new Float64Array(n);
      for (let a = 0; a < n; a++) {
        let sum = 0;
        for (let b = 0; b < n; b++) sum += gram[a * n + b] * v[b];
        next[a] = sum;
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      lambda = norm / Math.hypot(...v);
      v = next.map((x) => x / norm);
    }
    const scale = Math.sqrt(Math.max(lambda, 0));
    for (let s = 0; s < n; s++) out[2 * s + k] = v[s] * scale;
    // Deflate: remove this component before finding the next.
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) gram[a * n + b] -= lambda * v[a] * v[b];
  }
  if (out[2 * (n - 1)] < out[0]) for (let s = 0; s < n; s++) out[2 * s] = -out[2 * s];
  return out;
}

/** |â − b̂|: how far the query's direction moved (the vectors normalised). */
function unitDistance(a: Float32Array, b: Float32Array): number {
  let na = 0,
    nb = 0;
  for (let j = 0; j < a.length; j++) {
    na += a[j] * a[j];
    nb += b[j] * b[j];
  }
  const [sa, sb] = [Math.sqrt(na) || 1, Math.sqrt(nb) || 1];
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j] / sa - b[j] / sb) ** 2;
  return Math.sqrt(sum);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}
