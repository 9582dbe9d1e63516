import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { readTensors } from '../compute/readTensors';
import { matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import {
  FusedRefinementProgram,
  MAX_FUSED_DOCUMENTS,
  fusedRefinementLayout,
  type FusedRefinementLayout,
} from './fusedRefinementProgram';
import type { OptimizerParams, RefinementProblem, RefinementResult } from './optimizer';
import { adamSchedule, packBatch, snapshotSteps, validateRefinement } from './refinementBatch';

/** The inputs of the fused kernel as tensors on the tfjs `webgpu` backend (see FusedRefinementProgram). */
export interface FusedRefinementInputs {
  /** [Q, K, d], zero rows after counts[q]. */
  docs: tf.Tensor3D;
  /** [Q, d]. */
  queries: tf.Tensor2D;
  /** The teacher's target distribution p, [Q, K], zeros after counts[q] (refinementBatch.teacherTarget). */
  teacher: tf.Tensor2D;
  /** [Q] int32: sampled documents per query. */
  counts: tf.Tensor1D;
}

/** What the fused kernel leaves on the device; the caller disposes it. */
export interface FusedRefinementTensors {
  /** [Q, d]. */
  refined: tf.Tensor2D;
  /** [Q, numSteps]: the loss before each step. */
  lossPerStep: tf.Tensor2D;
  /** [S, Q, d]: the query at step 0, every recordEvery-th step and the last. */
  snapshots: tf.Tensor3D;
  /** The step of each snapshot. */
  steps: number[];
}

/**
 * The closed-form optimizer as one WebGPU dispatch through tfjs's custom-program mechanism
 * (`runWebGPUProgram`): inputs are tfjs tensors, outputs are tfjs tensors, so it composes with the rest of
 * the engine (nothing is read back). Needs the active backend to be `webgpu`.
 */
export function refineTensorsOnWebGpu(
  inputs: FusedRefinementInputs,
  params: OptimizerParams,
): FusedRefinementTensors {
  const { out, layout, steps } = runFusedProgram(inputs, params);
  const { queries: Q, dims: d, snapshots: S, lossOffset } = layout;
  try {
    return tf.tidy(() => ({
      refined: tf.reshape(tf.slice(out, (S - 1) * Q * d, Q * d), [Q, d]) as tf.Tensor2D,
      lossPerStep: tf.reshape(tf.slice(out, lossOffset, Q * layout.steps), [Q, layout.steps]) as tf.Tensor2D,
      snapshots: tf.reshape(tf.slice(out, 0, lossOffset), [S, Q, d]) as tf.Tensor3D,
      steps,
    }));
  } finally {
    out.dispose();
  }
}

/**
 * refineQueries on WebGPU: packs the problems, runs the fused kernel, and reads its one output once.
 * Cancellation is checked before the dispatch (one dispatch cannot be interrupted).
 */
export async function refineOnWebGpu(
  problems: RefinementProblem[],
  params: OptimizerParams,
  options: LongTaskOptions = {},
): Promise<RefinementResult> {
  validateRefinement(problems, params);
  throwIfAborted(options.signal);
  const batch = packBatch(problems, params.refit);
  const { count: Q, width: K, dims: d } = batch;
  const inputs: FusedRefinementInputs = {
    docs: tf.tensor3d(batch.docs, [Q, K, d]),
    queries: tf.tensor2d(batch.queries, [Q, d]),
    teacher: tf.tensor2d(batch.target, [Q, K]),
    counts: tf.tensor1d(batch.counts, 'int32'),
  };
  try {
    return await refineInputsOnWebGpu(inputs, params, options);
  } finally {
    tf.dispose([inputs.docs, inputs.queries, inputs.teacher, inputs.counts]);
  }
}

/**
 * The fused kernel on inputs already on the device (the caller keeps and disposes them), its one output
 * read back in one round trip (`readTensors`) as a RefinementResult.
 */
export async function refineInputsOnWebGpu(
  inputs: FusedRefinementInputs,
  params: OptimizerParams,
  options: LongTaskOptions = {},
): Promise<RefinementResult> {
  throwIfAborted(options.signal);
  const [Q, , d] = inputs.docs.shape;
  const run = runFusedProgram(inputs, params);
  let data: Float32Array;
  try {
    [data] = (await readTensors([run.out])) as Float32Array[];
  } finally {
    run.out.dispose();
  }
  const { snapshots: S, lossOffset } = run.layout;
  options.onProgress?.({ stage: 'refine', done: params.numSteps, total: params.numSteps });
  return {
    refined: matrix(Q, d, data.slice((S - 1) * Q * d, S * Q * d)),
    lossPerStep: matrix(Q, params.numSteps, data.slice(lossOffset, lossOffset + Q * params.numSteps)),
    steps: run.steps,
    snapshots: matrix(S * Q, d, data.slice(0, lossOffset)),
    implementation: 'webgpu-kernel',
  };
}

function runFusedProgram(
  inputs: FusedRefinementInputs,
  params: OptimizerParams,
): { out: tf.Tensor1D; layout: FusedRefinementLayout; steps: number[] } {
  const backend = activeWebGpuBackend();
  const [Q, K, d] = inputs.docs.shape;
  if (inputs.queries.shape[0] !== Q || inputs.queries.shape[1] !== d)
    throw new Error(
      `refineTensorsOnWebGpu: queries ${inputs.queries.shape} do not match docs ${inputs.docs.shape}`,
    );
  if (inputs.teacher.shape[0] !== Q || inputs.teacher.shape[1] !== K)
    throw new Error(
      `refineTensorsOnWebGpu: teacher ${inputs.teacher.shape} does not match docs ${inputs.docs.shape}`,
    );
  if (inputs.counts.shape[0] !== Q || inputs.counts.dtype !== 'int32')
    throw new Error('refineTensorsOnWebGpu: counts must be int32 [Q]');
  if (K > MAX_FUSED_DOCUMENTS)
    throw new Error(
      `The fused WebGPU refinement kernel takes at most ${MAX_FUSED_DOCUMENTS} sampled documents per query, ` +
        `got ${K}: use the CPU kernel (implementation "cpu-kernel" or "auto").`,
    );
  const recordSteps = snapshotSteps(params.numSteps, params.recordEvery);
  const layout = fusedRefinementLayout(Q, d, params.numSteps, recordSteps.length + 1);
  const schedule = tf.tensor2d(adamSchedule(params.lr, params.numSteps), [Math.max(1, params.numSteps), 2]);
  try {
    const program = new FusedRefinementProgram(layout, K, params.refit);
    const info = backend.runWebGPUProgram(
      program,
      [inputs.docs, inputs.queries, inputs.teacher, inputs.counts, schedule],
      'float32',
      [
        { type: 'int32', data: [params.numSteps] },
        { type: 'int32', data: [params.recordEvery] },
        { type: 'int32', data: [layout.snapshots] },
      ],
    );
    const out = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor1D;
    return { out, layout, steps: [0, ...recordSteps] };
  } finally {
    // Safe while the dispatch is queued: the backend defers freeing buffers its command queue uses.
    schedule.dispose();
  }
}

/**
 * Whether the active tfjs webgpu backend runs on a software adapter (SwiftShader, llvmpipe, WARP). There
 * the fused kernel is correct but slow (workgroup barriers are emulated: 17 s against 0.4 s for the CPU
 * kernel, 150 queries × d = 1,024 × 100 steps on 2 cores), so `auto` uses the CPU kernel.
 */
export function webGpuAdapterIsSoftware(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const backend = activeWebGpuBackend() as unknown as {
    adapterInfo?: { vendor?: string; architecture?: string };
    device?: { adapterInfo?: { isFallbackAdapter?: boolean; architecture?: string; description?: string } };
  };
  const info = backend.device?.adapterInfo;
  if (info?.isFallbackAdapter) return true;
  const names = [backend.adapterInfo?.architecture, info?.architecture, info?.description]
    .filter((x): x is string => typeof x === 'string')
    .join(' ')
    .toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|warp|software/.test(names);
}

function activeWebGpuBackend(): WebGPUBackend {
  const name = tf.getBackend();
  if (name !== 'webgpu')
    throw new Error(
      `The fused WebGPU refinement kernel needs the tfjs webgpu backend, but the active backend is ${name}. ` +
        'Use the CPU kernel (implementation "cpu-kernel" or "auto") instead.',
    );
  return tf.backend() as unknown as WebGPUBackend;
}
