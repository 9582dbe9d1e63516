import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * What the two WebGPU top-k programs share (the row top-k of the device ranking, rowTopKProgram.ts, and the
 * fused cosine neighbour search, cosineTopKProgram.ts): the largest k, the ranking order, the program's
 * shape as tfjs runs it, and the one way to run it.
 */

/** The largest k: each thread keeps a sorted list of k per row in private memory. */
export const MAX_TOP_K = 32;

/** Whether a top-k program serves k (before the row length's own bound). */
export function topKFits(k: number): boolean {
  return Number.isInteger(k) && k >= 1 && k <= MAX_TOP_K;
}

/** The WGSL order of both programs: larger value first, then lower index (as tf.topk orders ties). */
export const BETTER_WGSL = `// (v, i) ranks before (w, j): larger value first, then lower index.
fn better(v : f32, i : i32, w : f32, j : i32) -> bool {
  return v > w || (v == w && i < j);
}`;

/** A program over x [rows, n] whose output is [outRows, 2k]: per row the k values, then their indices. */
export abstract class TopKProgram implements WebGPUProgram {
  readonly variableNames = ['x'];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout = { x: [0, 1] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];

  constructor(
    name: string,
    outRows: number,
    workgroups: number,
    workgroupSize: number,
    readonly k: number,
  ) {
    this.outputShape = [outRows, 2 * k];
    this.dispatch = [workgroups, 1, 1];
    this.workgroupSize = [workgroupSize, 1, 1];
    this.shaderKey = `${name}_${k}`;
  }

  abstract getUserCode(): string;
}

/** Throws unless tfjs runs on WebGPU; `caller` names the function in the error. */
export function requireWebGpu(caller: string): void {
  if (tf.getBackend() !== 'webgpu') throw new Error(`${caller} needs the tfjs webgpu backend`);
}

/** Runs a top-k program on x (on the webgpu backend: `requireWebGpu` first). */
export function runTopKProgram(
  program: TopKProgram,
  x: tf.Tensor2D,
  uniforms?: Parameters<WebGPUBackend['runWebGPUProgram']>[3],
): tf.Tensor2D {
  const backend = tf.backend() as unknown as WebGPUBackend;
  const info = backend.runWebGPUProgram(program, [x], 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D;
}
