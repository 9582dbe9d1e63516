import * as tf from '@tensorflow/tfjs-core';
import { matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { yieldToEventLoop } from '../yieldToEventLoop';
import type { OptimizerParams, RefinementProblem, RefinementResult } from './optimizer';
import {
  ADAM_BETA1 as BETA1,
  ADAM_BETA2 as BETA2,
  ADAM_EPS,
  COSINE_EPS,
  KL_EPS,
  MINMAX_EPS,
  REFIT_TEMPERATURE,
  snapshotSteps,
  validateRefinement,
} from './refinementBatch';

// Adam as in torch.optim.Adam's defaults; tfjs's own AdamOptimizer uses epsilon 1e-7 and a different
// placement of the bias correction, so the update is written out here to match PyTorch bit for bit.
// Masked-out (padding) logits: exp(-1e9 - max) underflows to exactly 0 in float32.
const MASK_LOGIT = -1e9;

/**
 * The tfjs autodiff formulation of the optimizer, kept as the cross-check of the closed-form kernels
 * (cpuKernel.ts, webgpuKernel.ts): tf.grad through the loss, then Adam written out.
 * Runs test-time refinement for all problems of a run as one batched problem on the active tfjs backend:
 * sampled documents as [Q, K, d] padded to the largest K with a mask, one gradient step for all queries at
 * once. Nothing is read back from the device inside the step loop: losses and trajectory snapshots stay
 * as tensors and are read once at the end.
 */
export async function refineWithAutodiff(
  problems: RefinementProblem[],
  params: OptimizerParams,
  options: LongTaskOptions = {},
): Promise<RefinementResult> {
  validateRefinement(problems, params);
  // tfjs-core differentiates only ops whose gradients are registered, and how to load them is the
  // platform's business (src/cli/tfjsGradients.ts in Node, the bundler's import in the browser and tests).
  if (!tf.getGradient('Sum'))
    throw new Error(
      'the autodiff optimizer needs the tfjs gradients registered (@tensorflow/tfjs-core/dist/register_all_gradients)',
    );
  const Q = problems.length;
  const d = problems[0].query.length;
  const K = Math.max(...problems.map((p) => p.docs.rows));
  const recordSteps = snapshotSteps(params.numSteps, params.recordEvery);

  const docsData = new Float32Array(Q * K * d);
  const maskData = new Float32Array(Q * K);
  const scoreData = new Float32Array(Q * K);
  const queryData = new Float32Array(Q * d);
  problems.forEach((p, q) => {
    docsData.set(p.docs.data, q * K * d);
    maskData.fill(1, q * K, q * K + p.docs.rows);
    scoreData.set(p.teacherScores, q * K);
    queryData.set(p.query, q * d);
  });

  const docs = tf.tensor3d(docsData, [Q, K, d]);
  const mask = tf.tensor2d(maskData, [Q, K]);
  const docNorms = tf.tidy(() => tf.norm(docs, 'euclidean', 2)); // [Q, K]
  const target = tf.tidy(() =>
    maskedSoftmax(
      params.refit ? refitTeacher(tf.tensor2d(scoreData, [Q, K]), mask) : tf.tensor2d(scoreData, [Q, K]),
      mask,
    ),
  );
  const query = variableOf(tf.tensor2d(queryData, [Q, d]), true);
  const m = variableOf(tf.zeros([Q, d]), false);
  const v = variableOf(tf.zeros([Q, d]), false);

  const lossFn = (qv: tf.Tensor2D): { total: tf.Scalar; perQuery: tf.Tensor1D } => {
    const dots = tf.squeeze(tf.matMul(docs, tf.expandDims(qv, 2)), [2]) as tf.Tensor2D; // [Q, K]
    // sqrt(max(|q|², tiny)) rather than tf.norm: at a zero query (LSA gives one when no query word is in
    // the corpus) tf.norm's gradient is 0/0 = NaN and would poison the whole batch; PyTorch's is 0.
    const qNorm = tf.sqrt(tf.maximum(tf.sum(tf.square(qv), 1, true), 1e-30)); // [Q, 1]
    let cos: tf.Tensor2D = tf.div(dots, tf.maximum(tf.mul(docNorms, qNorm), COSINE_EPS));
    if (params.refit) cos = minMaxNormalise(cos, mask);
    const r = maskedSoftmax(cos, mask);
    const terms = tf.mul(target, tf.log(tf.div(tf.add(target, KL_EPS), tf.add(r, KL_EPS))));
    const perQuery = tf.sum(tf.mul(terms, mask), 1) as tf.Tensor1D;
    // Queries are independent, so the gradient of the summed loss is each query's own gradient.
    return { total: tf.sum(perQuery), perQuery };
  };

  const losses: tf.Tensor1D[] = [];
  const snapshots: tf.Tensor2D[] = [tf.clone(query)];
  try {
    let lastYield = performance.now();
    for (let step = 1; step <= params.numSteps; step++) {
      // Let a cancel message or a progress repaint through now and then (a yield, not a device read).
      if (performance.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      throwIfAborted(options.signal);
      tf.tidy(() => {
        let perQuery: tf.Tensor1D | undefined;
        const grad = tf.grad((qv: tf.Tensor) => {
          const out = lossFn(qv as tf.Tensor2D);
          // Kept inside the gradient's own scope, or tf.grad disposes it with the other intermediates.
          perQuery = tf.keep(out.perQuery);
          return out.total;
        })(query);
        if (perQuery) losses.push(perQuery);
        // torch.optim.Adam: m̂ / (sqrt(v̂) + eps) with the bias corrections folded into step size and denominator.
        m.assign(tf.add(tf.mul(m, BETA1), tf.mul(grad, 1 - BETA1)));
        v.assign(tf.add(tf.mul(v, BETA2), tf.mul(tf.square(grad), 1 - BETA2)));
        const bc1 = 1 - Math.pow(BETA1, step);
        const bc2 = 1 - Math.pow(BETA2, step);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), ADAM_EPS);
        query.assign(tf.sub(query, tf.mul(tf.div(m, denom), params.lr / bc1)));
      });
      if (recordSteps.includes(step)) snapshots.push(tf.clone(query));
      options.onProgress?.({ stage: 'refine', done: step, total: params.numSteps });
    }
    // The only device reads of the whole run.
    const [refinedData, lossData, snapData] = await Promise.all([
      query.data() as Promise<Float32Array>,
      readStacked(losses, 1, [Q, params.numSteps]),
      readStacked(snapshots, 0, [snapshots.length * Q, d]),
    ]);
    return {
      refined: matrix(Q, d, new Float32Array(refinedData)),
      lossPerStep: matrix(Q, params.numSteps, lossData),
      steps: [0, ...recordSteps],
      snapshots: matrix(snapshots.length * Q, d, snapData),
      implementation: 'autodiff',
    };
  } finally {
    tf.dispose([docs, mask, docNorms, target, query, m, v, ...losses, ...snapshots]);
  }
}

/** tf.variable copies its initial value: dispose the initial tensor. */
function variableOf(initial: tf.Tensor2D, trainable: boolean): tf.Variable<tf.Rank.R2> {
  const variable = tf.variable(initial, trainable);
  initial.dispose();
  return variable;
}

async function readStacked(parts: tf.Tensor[], axis: number, shape: [number, number]): Promise<Float32Array> {
  if (parts.length === 0) return new Float32Array(0);
  const stacked = tf.stack(parts, axis);
  try {
    const data = (await stacked.data()) as Float32Array;
    if (data.length !== shape[0] * shape[1]) throw new Error('refineQueries: unexpected stacked shape');
    return new Float32Array(data);
  } finally {
    stacked.dispose();
  }
}

function maskedSoftmax(logits: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  const masked = tf.where(tf.cast(mask, 'bool'), logits, tf.fill(logits.shape, MASK_LOGIT));
  return tf.softmax(masked, -1);
}

/** (x - min) / (max - min + 1e-8) per row, over the unmasked entries. */
function minMaxNormalise(x: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  const valid = tf.cast(mask, 'bool');
  const min = tf.min(tf.where(valid, x, tf.fill(x.shape, Infinity)), 1, true);
  const max = tf.max(tf.where(valid, x, tf.fill(x.shape, -Infinity)), 1, true);
  return tf.div(tf.sub(x, min), tf.add(tf.sub(max, min), MINMAX_EPS));
}

function refitTeacher(scores: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.div(minMaxNormalise(scores, mask), REFIT_TEMPERATURE);
}
