import type * as tf from '@tensorflow/tfjs-core';
import { BETTER_WGSL, MAX_TOP_K, TopKProgram, requireWebGpu, runTopKProgram, topKFits } from './topKProgram';

/** Threads per row; each keeps a list of k in private memory, and WORKGROUP of them share workgroup memory. */
const WORKGROUP = 64;

/**
 * The k largest values of every row of x [rows, n], with their column indices, as ONE WebGPU dispatch:
 * one workgroup per row; each thread keeps a sorted list of its k best over a strided share of the row,
 * then the lists are merged pairwise in workgroup memory. Returns [rows, 2k]: the values (descending) and
 * the indices as float32 (exact below 2^24). Ties go to the lower index, as tf.topk orders them.
 *
 * tfjs's own topk on WebGPU is a bitonic network of about 60 dispatches for k = 16 (plus gathers). Used by
 * the device ranking (deviceRanking.ts); the neighbour search has its own fused kernel (cosineTopKProgram.ts).
 * Needs the active backend to be `webgpu`.
 */
export function rowTopKOnWebGpu(x: tf.Tensor2D, k: number): tf.Tensor2D {
  requireWebGpu('rowTopKOnWebGpu');
  const [rows, n] = x.shape;
  if (!topKFits(k) || k > n)
    throw new Error(`rowTopKOnWebGpu: k must be between 1 and ${Math.min(MAX_TOP_K, n)}, got ${k}`);
  return runTopKProgram(new RowTopKProgram(rows, k), x);
}

/** Whether rowTopKOnWebGpu can serve a top-k of this size. */
export const rowTopKFits = topKFits;

class RowTopKProgram extends TopKProgram {
  constructor(rows: number, k: number) {
    super('rowTopK', rows, rows, WORKGROUP, k);
  }

  getUserCode(): string {
    return `
const K1 = ${this.k};
const WG = ${WORKGROUP};
var<workgroup> sVal : array<f32, ${WORKGROUP * this.k}>;
var<workgroup> sIdx : array<i32, ${WORKGROUP * this.k}>;

${BETTER_WGSL}

fn main(index : i32) {
  // No early return (uniformity around the barriers): a workgroup past the last row repeats it, unwritten.
  let rows = uniforms.xShape.x;
  let n = uniforms.xShape.y;
  let linear = i32(workgroupId.x + workgroupId.y * numWorkgroups.x
      + workgroupId.z * numWorkgroups.x * numWorkgroups.y);
  let r = min(linear, rows - 1);
  let tid = i32(localId.x);

  var val : array<f32, K1>;
  var idx : array<i32, K1>;
  for (var j = 0; j < K1; j++) {
    val[j] = -3.4e38;
    idx[j] = 2147483647;
  }
  for (var c = tid; c < n; c += WG) {
    let v = x[r * n + c];
    if (better(v, c, val[K1 - 1], idx[K1 - 1])) {
      var p = K1 - 1;
      loop {
        if (p == 0) { break; }
        if (!better(v, c, val[p - 1], idx[p - 1])) { break; }
        val[p] = val[p - 1];
        idx[p] = idx[p - 1];
        p = p - 1;
      }
      val[p] = v;
      idx[p] = c;
    }
  }
  for (var j = 0; j < K1; j++) {
    sVal[tid * K1 + j] = val[j];
    sIdx[tid * K1 + j] = idx[j];
  }
  workgroupBarrier();

  for (var s = WG / 2; s > 0; s = s / 2) {
    if (tid < s) {
      let a0 = tid * K1;
      let b0 = (tid + s) * K1;
      var ia = 0;
      var ib = 0;
      for (var j = 0; j < K1; j++) {
        let av = sVal[a0 + ia];
        let ai = sIdx[a0 + ia];
        let bv = sVal[b0 + ib];
        let bi = sIdx[b0 + ib];
        if (better(av, ai, bv, bi)) {
          val[j] = av;
          idx[j] = ai;
          ia++;
        } else {
          val[j] = bv;
          idx[j] = bi;
          ib++;
        }
      }
      for (var j = 0; j < K1; j++) {
        sVal[a0 + j] = val[j];
        sIdx[a0 + j] = idx[j];
      }
    }
    workgroupBarrier();
  }

  if (tid == 0 && linear < rows) {
    for (var j = 0; j < K1; j++) {
      result[r * 2 * K1 + j] = sVal[j];
      result[r * 2 * K1 + K1 + j] = f32(sIdx[j]);
    }
  }
}
`;
  }
}
