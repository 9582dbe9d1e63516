import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const WORKGROUP = 64;
/** WebGPU's guaranteed limit on workgroups along one dispatch dimension. */
const MAX_DISPATCH = 65535;

/**
 * For each relevant candidate of each query, where it ranks, as ONE WebGPU dispatch over scores that never
 * leave the device: given candidate scores [Q, C] (row q's first counts[q] entries are its candidates),
 * relevant [Q, R] (candidate positions, -1 = none) and counts [Q], returns [Q, R, 4] float32: the relevant
 * candidate's score, how many candidates score higher, how many the same (itself included), and how many of
 * those come before it (exact below 2^24). One workgroup per (relevant candidate, query) counts over the
 * query's candidates. With them `metricsOfRelevantRanks` gives every metric exactly as the CPU does.
 */
export function candidateRanksOnWebGpu(
  scores: tf.Tensor2D,
  relevant: tf.Tensor2D,
  counts: tf.Tensor1D,
): tf.Tensor3D {
  if (tf.getBackend() !== 'webgpu') throw new Error('candidateRanksOnWebGpu needs the tfjs webgpu backend');
  const [queries, width] = relevant.shape;
  if (width > MAX_DISPATCH || queries > MAX_DISPATCH)
    throw new Error(`candidateRanksOnWebGpu: at most ${MAX_DISPATCH} queries and relevant candidates each`);
  const backend = tf.backend() as unknown as WebGPUBackend;
  const info = backend.runWebGPUProgram(
    new CandidateRanksProgram(queries, width),
    [scores, relevant, counts],
    'float32',
  );
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor3D;
}

class CandidateRanksProgram implements WebGPUProgram {
  readonly variableNames = ['scores', 'relevant', 'counts'];
  readonly outputShape: number[];
  readonly shaderKey = 'candidateRanks';
  readonly dispatchLayout = { x: [0, 1, 2] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];

  constructor(queries: number, width: number) {
    this.outputShape = [queries, width, 4];
    this.dispatch = [Math.max(width, 1), queries, 1];
  }

  getUserCode(): string {
    return `
const WG = ${WORKGROUP};
var<workgroup> sGreater : array<i32, ${WORKGROUP}>;
var<workgroup> sTied : array<i32, ${WORKGROUP}>;
var<workgroup> sBefore : array<i32, ${WORKGROUP}>;

fn main(index : i32) {
  let width = uniforms.relevantShape.y;
  let c = uniforms.scoresShape.y;
  let j = i32(workgroupId.x);
  let q = i32(workgroupId.y);
  let tid = i32(localId.x);
  // Every thread of a workgroup takes the same branches (uniform around the barriers).
  let position = relevant[q * width + j];
  let p = max(position, 0);
  let s = scores[q * c + p];
  let n = select(0, counts[q], position >= 0);
  var greater = 0;
  var tied = 0;
  var before = 0;
  for (var k = tid; k < n; k += WG) {
    let v = scores[q * c + k];
    if (v > s) {
      greater++;
    } else if (v == s) {
      tied++;
      if (k < p) { before++; }
    }
  }
  sGreater[tid] = greater;
  sTied[tid] = tied;
  sBefore[tid] = before;
  workgroupBarrier();
  for (var half = WG / 2; half > 0; half = half / 2) {
    if (tid < half) {
      sGreater[tid] += sGreater[tid + half];
      sTied[tid] += sTied[tid + half];
      sBefore[tid] += sBefore[tid + half];
    }
    workgroupBarrier();
  }
  if (tid == 0 && j < width) {
    let at = (q * width + j) * 4;
    result[at] = s;
    result[at + 1] = f32(sGreater[0]);
    result[at + 2] = f32(sTied[0]);
    result[at + 3] = f32(sBefore[0]);
  }
}
`;
  }
}
