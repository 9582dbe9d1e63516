import { row, type Matrix } from '../matrix';
import { COSINE_EPS, KL_EPS, minMaxNormalised, softmax, teacherLogits } from './refinementBatch';

/** The student's side of the loss at one recorded step of a query's trajectory. */
export interface StudentStep {
  /** Cosine of the query snapshot with each sampled document. */
  cosines: number[];
  /** The values whose softmax is r: the cosines, or for ReFIT their min-max normalisation. */
  logits: number[];
  /** r = softmax(logits). */
  r: number[];
  /** KL(p‖r) as the optimizer's loss computes it: Σ p·log((p + 1e-8) / (r + 1e-8)). */
  kl: number;
}

/** What the loss compares at every recorded step: the teacher's fixed p and the student's moving r. */
export interface StepDistributions {
  /** The values whose softmax is p: the teacher's scores, or for ReFIT min-max(s) / 2. */
  teacherLogits: number[];
  p: number[];
  /** One entry per snapshot row. */
  steps: StudentStep[];
}

/**
 * Recomputes the loss's two distributions (DESIGN.md, "The method", steps 4–5) at each trajectory snapshot,
 * in double precision: K values per step, cheap enough for any recorded trajectory. `snapshots` holds the
 * query at each recorded step (one row each), `docs` the sampled documents the optimizer used and
 * `teacherScores` their scores, in the same order.
 */
export function stepDistributions(
  snapshots: Matrix,
  docs: Matrix,
  teacherScores: ArrayLike<number>,
  refit: boolean,
): StepDistributions {
  if (docs.rows !== teacherScores.length)
    throw new Error(`stepDistributions: ${teacherScores.length} teacher scores for ${docs.rows} documents`);
  if (snapshots.cols !== docs.cols)
    throw new Error(`stepDistributions: queries have ${snapshots.cols} dims, documents ${docs.cols}`);
  const docNorms = Array.from({ length: docs.rows }, (_, k) => Math.sqrt(dot(row(docs, k), row(docs, k))));
  const cosinesPerStep: number[][] = [];
  for (let s = 0; s < snapshots.rows; s++) {
    const q = row(snapshots, s);
    const qNorm = Math.sqrt(dot(q, q));
    cosinesPerStep.push(docNorms.map((n, k) => dot(row(docs, k), q) / Math.max(n * qNorm, COSINE_EPS)));
  }
  return distributionsOfCosines(cosinesPerStep, teacherScores, refit);
}

/**
 * The same distributions from the cosines themselves, one row per step: what a run that saved no document
 * embeddings still holds (its raw scores are the cosines before and after refinement).
 */
export function distributionsOfCosines(
  cosinesPerStep: number[][],
  teacherScores: ArrayLike<number>,
  refit: boolean,
): StepDistributions {
  const logitsP = teacherLogits(teacherScores, refit);
  const p = softmax(logitsP);
  const steps = cosinesPerStep.map((cosines): StudentStep => {
    if (cosines.length !== p.length)
      throw new Error(`stepDistributions: ${cosines.length} cosines for ${p.length} teacher scores`);
    const logits = refit ? minMaxNormalised(cosines) : Float64Array.from(cosines);
    const r = softmax(logits);
    let kl = 0;
    for (let k = 0; k < r.length; k++) kl += p[k] * Math.log((p[k] + KL_EPS) / (r[k] + KL_EPS));
    return { cosines, logits: Array.from(logits), r: Array.from(r), kl };
  });
  return { teacherLogits: Array.from(logitsP), p: Array.from(p), steps };
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
