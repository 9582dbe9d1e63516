import * as tf from '@tensorflow/tfjs-core';
import type { Matrix } from '../matrix';
import type { LongTaskOptions } from '../progress';
import { refineWithAutodiff } from './autodiffOptimizer';
import { refineOnCpu } from './cpuKernel';
import { MAX_FUSED_DOCUMENTS } from './fusedRefinementProgram';
import { refineOnWebGpu, webGpuAdapterIsSoftware } from './webgpuKernel';

export { snapshotSteps } from './refinementBatch';

/** The refinement hyper-parameters of DESIGN.md ("The method"). */
export interface OptimizerParams {
  lr: number;
  numSteps: number;
  /** ReFIT variant: min-max normalised teacher scores at temperature 2, min-max normalised cosines. */
  refit: boolean;
  /** Keep a trajectory snapshot of every query every this many steps (0 = only start and end). */
  recordEvery: number;
}

/** One query's refinement problem: its embedding, the sampled documents and their teacher scores. */
export interface RefinementProblem {
  query: Float32Array;
  /** The sampled documents' embeddings, one row each (K rows; K may differ between problems). */
  docs: Matrix;
  teacherScores: Float32Array;
}

export interface RefinementResult {
  /** Refined queries, one row per problem. */
  refined: Matrix;
  /** Loss before each step: row q has numSteps values. */
  lossPerStep: Matrix;
  /** Step numbers of the snapshots: 0, recordEvery, 2·recordEvery, ..., numSteps. */
  steps: number[];
  /** Snapshot s of query q is row s·Q + q. */
  snapshots: Matrix;
  /** Which implementation computed it. */
  implementation: RefineImplementationName;
}

/**
 * The three implementations of the same optimizer, which agree with the PyTorch golden cases and with
 * each other: `cpu-kernel` (the closed-form gradient in plain TypeScript loops), `webgpu-kernel` (the same closed form,
 * all steps of all queries in one WebGPU dispatch; needs the tfjs `webgpu` backend) and `autodiff` (tfjs
 * autodiff on the active backend, the cross-check).
 */
export type RefineImplementationName = 'cpu-kernel' | 'webgpu-kernel' | 'autodiff';
export type RefineImplementation = RefineImplementationName | 'auto';

export interface RefineOptions extends LongTaskOptions {
  /** `auto` (default): the fastest correct one for the active tfjs backend (chooseImplementation). */
  implementation?: RefineImplementation;
}

/**
 * The fused WebGPU kernel on the `webgpu` backend with a hardware adapter; the CPU kernel on `wasm`, `cpu`,
 * a software WebGPU adapter (SwiftShader: the fused kernel is correct there but much slower) and anything
 * else. (refineQueries also uses the CPU kernel when a query has more than MAX_FUSED_DOCUMENTS documents.)
 */
export function chooseImplementation(
  backend: string = tf.getBackend(),
  softwareAdapter: boolean = backend === 'webgpu' && webGpuAdapterIsSoftware(),
): RefineImplementationName {
  return backend === 'webgpu' && !softwareAdapter ? 'webgpu-kernel' : 'cpu-kernel';
}

/**
 * Test-time refinement of all queries of a run (DESIGN.md, "The method"): 100 Adam steps (by default) on
 * each query so that the softmax of its cosines to its sampled documents matches the teacher's. Losses
 * before every step and snapshots every `recordEvery` steps come back with the refined queries.
 */
export async function refineQueries(
  problems: RefinementProblem[],
  params: OptimizerParams,
  options: RefineOptions = {},
): Promise<RefinementResult> {
  let implementation = options.implementation ?? 'auto';
  if (implementation === 'auto') {
    implementation = chooseImplementation();
    const widest = Math.max(0, ...problems.map((p) => p.docs.rows));
    if (implementation === 'webgpu-kernel' && widest > MAX_FUSED_DOCUMENTS) implementation = 'cpu-kernel';
  }
  switch (implementation) {
    case 'cpu-kernel':
      return refineOnCpu(problems, params, options);
    case 'webgpu-kernel':
      return refineOnWebGpu(problems, params, options);
    case 'autodiff':
      return refineWithAutodiff(problems, params, options);
  }
}
