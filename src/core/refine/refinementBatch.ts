import type { OptimizerParams, RefinementProblem } from './optimizer';

/**
 * What the three optimizer implementations (tfjs autodiff, CPU kernel, WebGPU kernel) share: the checks on
 * their input, the constants of the method, the padded batch layout, the teacher's target distribution and
 * Adam's per-step bias corrections. The maths is in closedFormGradient.md.
 */

// torch.optim.Adam's defaults (tfjs's own AdamOptimizer uses epsilon 1e-7: not used anywhere here).
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;
/** The ε inside the KL's log, the cosine floor and the min-max denominator: all 1e-8 in the reference. */
export const KL_EPS = 1e-8;
export const COSINE_EPS = 1e-8;
export const MINMAX_EPS = 1e-8;
export const REFIT_TEMPERATURE = 2;

/** All problems of a run, padded to the largest K: documents [Q, K, d], zero rows after counts[q]. */
export interface RefinementBatch {
  /** Q, the number of queries. */
  count: number;
  /** K, the largest number of sampled documents. */
  width: number;
  /** d, the embedding dimension. */
  dims: number;
  docs: Float32Array;
  /** Sampled documents per query (the rest of its K rows are zeros). */
  counts: Int32Array;
  /** The teacher's target distribution p per query, [Q, K], zeros after counts[q]. */
  target: Float32Array;
  /** The starting queries, [Q, d]. */
  queries: Float32Array;
}

export function packBatch(problems: RefinementProblem[], refit: boolean): RefinementBatch {
  const Q = problems.length;
  const d = problems[0].query.length;
  const K = Math.max(...problems.map((p) => p.docs.rows));
  const docs = new Float32Array(Q * K * d);
  const counts = new Int32Array(Q);
  const target = new Float32Array(Q * K);
  const queries = new Float32Array(Q * d);
  problems.forEach((p, q) => {
    docs.set(p.docs.data, q * K * d);
    counts[q] = p.docs.rows;
    target.set(teacherTarget(p.teacherScores, refit), q * K);
    queries.set(p.query, q * d);
  });
  return { count: Q, width: K, dims: d, docs, counts, target, queries };
}

/**
 * p = softmax(s), or for ReFIT softmax of the min-max normalised scores at temperature 2; computed in
 * double precision and stored as float32 (the reference's tensors are float32).
 */
export function teacherTarget(scores: ArrayLike<number>, refit: boolean): Float32Array {
  return Float32Array.from(softmax(teacherLogits(scores, refit)));
}

/** The values whose softmax is the teacher's target: the scores, or for ReFIT min-max(s) / temperature. */
export function teacherLogits(scores: ArrayLike<number>, refit: boolean): Float64Array {
  if (!refit) return Float64Array.from(scores);
  return minMaxNormalised(scores).map((x) => x / REFIT_TEMPERATURE);
}

/** ReFIT's normalisation, (x − min) / (max − min + 1e-8), in double precision. */
export function minMaxNormalised(values: ArrayLike<number>): Float64Array {
  const t = Float64Array.from(values);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < t.length; k++) {
    min = Math.min(min, t[k]);
    max = Math.max(max, t[k]);
  }
  const scale = max - min + MINMAX_EPS;
  for (let k = 0; k < t.length; k++) t[k] = (t[k] - min) / scale;
  return t;
}

/** softmax in double precision (the maximum subtracted first, so that large values do not overflow). */
export function softmax(values: ArrayLike<number>): Float64Array {
  const t = Float64Array.from(values);
  let max = -Infinity;
  for (let k = 0; k < t.length; k++) max = Math.max(max, t[k]);
  let sum = 0;
  for (let k = 0; k < t.length; k++) {
    t[k] = Math.exp(t[k] - max);
    sum += t[k];
  }
  for (let k = 0; k < t.length; k++) t[k] /= sum;
  return t;
}

/**
 * Adam's bias corrections per step t = 1..numSteps, in double precision as PyTorch computes them:
 * [t-1, 0] = lr / (1 − β1^t) (the step size), [t-1, 1] = sqrt(1 − β2^t). At least one row (zeros), so that
 * a run of 0 steps still has a non-empty table for the GPU.
 */
export function adamSchedule(lr: number, numSteps: number): Float32Array {
  const table = new Float32Array(2 * Math.max(1, numSteps));
  for (let t = 1; t <= numSteps; t++) {
    table[2 * (t - 1)] = lr / (1 - Math.pow(ADAM_BETA1, t));
    table[2 * (t - 1) + 1] = Math.sqrt(1 - Math.pow(ADAM_BETA2, t));
  }
  return table;
}

/** The steps after which a snapshot is kept (the final step always). */
export function snapshotSteps(numSteps: number, recordEvery: number): number[] {
  const steps: number[] = [];
  if (recordEvery > 0) for (let s = recordEvery; s < numSteps; s += recordEvery) steps.push(s);
  if (numSteps > 0) steps.push(numSteps);
  return steps;
}

/** What validateRefinement looks at: a problem's documents may be rows of a corpus on the device. */
export interface RefinementShape {
  query: Float32Array;
  docs: { rows: number; cols: number };
  teacherScores: Float32Array;
}

export function validateRefinement(problems: readonly RefinementShape[], params: OptimizerParams): void {
  if (problems.length === 0) throw new Error('refineQueries: no queries to refine');
  const d = problems[0].query.length;
  for (const [i, p] of problems.entries()) {
    if (p.query.length !== d)
      throw new Error(`refineQueries: query ${i} has ${p.query.length} dims, expected ${d}`);
    if (p.docs.cols !== d)
      throw new Error(`refineQueries: documents of query ${i} have ${p.docs.cols} dims, expected ${d}`);
    if (p.docs.rows === 0) throw new Error(`refineQueries: query ${i} has no sampled documents`);
    if (p.teacherScores.length !== p.docs.rows)
      throw new Error(
        `refineQueries: query ${i} has ${p.teacherScores.length} teacher scores for ${p.docs.rows} documents`,
      );
    if (!p.teacherScores.every(Number.isFinite))
      throw new Error(`refineQueries: query ${i} has a non-finite teacher score`);
  }
  if (!(params.lr > 0)) throw new Error(`lr must be positive, got ${params.lr}`);
  if (!Number.isInteger(params.numSteps) || params.numSteps < 0)
    throw new Error(`num-steps must be a non-negative integer`);
  if (!Number.isInteger(params.recordEvery) || params.recordEvery < 0)
    throw new Error(`record-every must be a non-negative integer`);
}
