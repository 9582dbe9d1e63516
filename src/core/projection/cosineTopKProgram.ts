import type * as tf from '@tensorflow/tfjs-core';
import { BETTER_WGSL, MAX_TOP_K, TopKProgram, requireWebGpu, runTopKProgram, topKFits } from './topKProgram';

/**
 * Rows of a workgroup's block. Thread (r, g) forms the dot products of rows r and r + ROWS / 2: two rows
 * share each load of the B tile, which halves the workgroup-memory reads per multiply-add.
 */
const ROWS = 32;
/** Threads per row pair; thread g takes columns 8g, ..., 8g + 7 of every column tile (two vec4s). */
const GROUPS = 8;
/** Columns of a tile: 2 rows × COLS / GROUPS = 16 dot products per thread and tile, kept in registers. */
const COLS = 64;
/** Elements of d staged in workgroup memory per step (as vec4s along d for A, along columns for B). */
const DEPTH = 32;
const WORKGROUP = (ROWS / 2) * GROUPS;
/** A tile row stride in vec4s: one more than DEPTH / 4, so that the rows a warp reads fall in different banks. */
const A_STRIDE = DEPTH / 4 + 1;
/** B tile row stride in vec4s, padded for the same reason on its transposing store. */
const B_STRIDE = COLS / 4 + 1;
/** WebGPU's guaranteed limit on workgroups along one dispatch dimension. */
const MAX_DISPATCH = 65535;

/** Whether cosineTopKOnWebGpu serves k neighbours. */
export const cosineTopKFits = topKFits;

/** The most rows one dispatch takes (one workgroup per ROWS rows along one dimension). */
export const COSINE_TOP_K_MAX_ROWS = ROWS * MAX_DISPATCH;

/**
 * The k nearest rows by cosine of rows [start, start + count) of x [n, d], whose rows are already
 * normalised, leaving each row itself out, as ONE WebGPU dispatch that never writes the [count, n] score
 * matrix: a tiled matmul (a 32-row block against 64-column tiles, staged 32 elements of d at a time in
 * workgroup memory, 2 rows × 8 columns of dot products per thread in registers) whose scores go straight
 * into per-thread sorted top-k lists, one per row; the 8 lists of a row are then merged in workgroup memory. Returns [count, 2k]: the cosines
 * (descending) and the column indices as float32 (exact below 2^24); ties go to the lower index, as
 * tf.topk orders them.
 *
 * Against tfjs's matmul followed by a top-k: no score matrix in device memory (15,000² floats are 900 MB),
 * one dispatch per block instead of a matmul and a top-k, and the row itself dropped on the device. Each
 * dot product is summed in order of d, so the cosines can differ from tfjs's matmul in the last bit.
 */
export function cosineTopKOnWebGpu(x: tf.Tensor2D, start: number, count: number, k: number): tf.Tensor2D {
  requireWebGpu('cosineTopKOnWebGpu');
  const [n] = x.shape;
  if (!topKFits(k) || k > n - 1)
    throw new Error(`cosineTopKOnWebGpu: k must be between 1 and ${Math.min(MAX_TOP_K, n - 1)}, got ${k}`);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > n)
    throw new Error(`cosineTopKOnWebGpu: rows [${start}, ${start + count}) are not within [0, ${n})`);
  if (count > COSINE_TOP_K_MAX_ROWS)
    throw new Error(`cosineTopKOnWebGpu: at most ${COSINE_TOP_K_MAX_ROWS} rows per dispatch, got ${count}`);
  return runTopKProgram(new CosineTopKProgram(count, k), x, [
    { type: 'int32', data: [start] },
    { type: 'int32', data: [count] },
  ]);
}

class CosineTopKProgram extends TopKProgram {
  readonly uniforms = 'start : i32, count : i32,';

  constructor(count: number, k: number) {
    super('cosineTopK', count, Math.ceil(count / ROWS), WORKGROUP, k);
  }

  getUserCode(): string {
    const K1 = this.k;
    // The merge stages GROUPS lists of K1 for MERGE_ROWS rows at a time in the (then idle) tile memory: the
    // values in the B tile, the indices (as f32, exact below 2^24) in the A tile.
    const tileFloats = 4 * Math.min(ROWS * A_STRIDE, DEPTH * B_STRIDE);
    // At most half the rows per round: a thread's two rows (r and r + ROWS / 2) are then never in the same one.
    const mergeRows = Math.min(ROWS / 2, 1 << Math.floor(Math.log2(tileFloats / (GROUPS * K1))));
    return `
const K1 = ${K1};
const ROWS = ${ROWS};
const HALF = ${ROWS / 2};
const GROUPS = ${GROUPS};
const COLS = ${COLS};
const DEPTH = ${DEPTH};
const WG = ${WORKGROUP};
const A_STRIDE = ${A_STRIDE};
const B_STRIDE = ${B_STRIDE};
const MERGE_ROWS = ${mergeRows};
const NONE = 16777216;
var<workgroup> sA : array<vec4<f32>, ${ROWS * A_STRIDE}>;
var<workgroup> sB : array<vec4<f32>, ${DEPTH * B_STRIDE}>;

${BETTER_WGSL}

// This thread's k best so far for each of its two rows, sorted: row r at [0, K1), row r + HALF at [K1, 2 K1).
var<private> val : array<f32, ${2 * K1}>;
var<private> idx : array<i32, ${2 * K1}>;

// Inserts column c's cosine v into the list at base if it ranks there (never the row itself).
fn offer(v : f32, c : i32, n : i32, row : i32, base : i32) {
  let last = base + K1 - 1;
  if (c >= n || c == row || !better(v, c, val[last], idx[last])) { return; }
  var p = last;
  loop {
    if (p == base) { break; }
    if (!better(v, c, val[p - 1], idx[p - 1])) { break; }
    val[p] = val[p - 1];
    idx[p] = idx[p - 1];
    p = p - 1;
  }
  val[p] = v;
  idx[p] = c;
}

// x[r, t..t+3], zeros past the row's end (t >= d) and for rows that are not there.
fn load4(r : i32, t : i32, present : bool, d : i32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (present) {
    let at = r * d + t;
    if (t + 3 < d) {
      v = vec4<f32>(x[at], x[at + 1], x[at + 2], x[at + 3]);
    } else {
      for (var i = 0; i < 4; i++) {
        if (t + i < d) { v[i] = x[at + i]; }
      }
    }
  }
  return v;
}

fn main(index : i32) {
  let n = uniforms.xShape.x;
  let d = uniforms.xShape.y;
  let first = uniforms.start;
  let end = uniforms.start + uniforms.count;
  let tid = i32(localId.x);
  let r = tid / GROUPS;
  let g = tid % GROUPS;
  let row0 = first + i32(workgroupId.x) * ROWS;
  let row = row0 + r;
  let row2 = row + HALF;

  for (var j = 0; j < 2 * K1; j++) {
    val[j] = -3.4e38;
    idx[j] = NONE;
  }

  // Every thread runs every loop to the same bounds (uniform control flow around the barriers).
  for (var col0 = 0; col0 < n; col0 += COLS) {
    var acc00 = vec4<f32>(0.0);
    var acc01 = vec4<f32>(0.0);
    var acc10 = vec4<f32>(0.0);
    var acc11 = vec4<f32>(0.0);
    for (var k0 = 0; k0 < d; k0 += DEPTH) {
      // A: ROWS x DEPTH, vec4s along d; neighbouring threads read neighbouring elements.
      for (var e = tid; e < ROWS * DEPTH / 4; e += WG) {
        let ar = e / (DEPTH / 4);
        let at = e % (DEPTH / 4);
        sA[ar * A_STRIDE + at] = load4(row0 + ar, k0 + 4 * at, row0 + ar < end, d);
      }
      // B: COLS x DEPTH, vec4s along d, stored transposed (a vec4 holds 4 columns).
      for (var e = tid; e < COLS * DEPTH / 4; e += WG) {
        let bc = e / (DEPTH / 4);
        let bt = 4 * (e % (DEPTH / 4));
        let v = load4(col0 + bc, k0 + bt, col0 + bc < n, d);
        for (var i = 0; i < 4; i++) {
          sB[(bt + i) * B_STRIDE + bc / 4][bc % 4] = v[i];
        }
      }
      workgroupBarrier();
      for (var t4 = 0; t4 < DEPTH / 4; t4++) {
        let a0 = sA[r * A_STRIDE + t4];
        let a1 = sA[(r + HALF) * A_STRIDE + t4];
${[0, 1, 2, 3]
  .map(
    (i) => `        {
          let b = (4 * t4 + ${i}) * B_STRIDE + 2 * g;
          let b0 = sB[b];
          let b1 = sB[b + 1];
          acc00 = fma(vec4<f32>(a0[${i}]), b0, acc00);
          acc01 = fma(vec4<f32>(a0[${i}]), b1, acc01);
          acc10 = fma(vec4<f32>(a1[${i}]), b0, acc10);
          acc11 = fma(vec4<f32>(a1[${i}]), b1, acc11);
        }`,
  )
  .join('\n')}
      }
      workgroupBarrier();
    }
    let c = col0 + 8 * g;
${[0, 1, 2, 3].map((j) => `    offer(acc00[${j}], c + ${j}, n, row, 0);`).join('\n')}
${[0, 1, 2, 3].map((j) => `    offer(acc01[${j}], c + ${4 + j}, n, row, 0);`).join('\n')}
${[0, 1, 2, 3].map((j) => `    offer(acc10[${j}], c + ${j}, n, row2, K1);`).join('\n')}
${[0, 1, 2, 3].map((j) => `    offer(acc11[${j}], c + ${4 + j}, n, row2, K1);`).join('\n')}
  }

  // Merge each row's GROUPS lists, MERGE_ROWS rows at a time; in a round a thread has at most one row.
  for (var round = 0; round < ROWS / MERGE_ROWS; round++) {
    let h = select(0, 1, r + HALF >= round * MERGE_ROWS && r + HALF < (round + 1) * MERGE_ROWS);
    let local = r + h * HALF - round * MERGE_ROWS;
    let mine = local >= 0 && local < MERGE_ROWS;
    let base = h * K1;
    if (mine) {
      let at = (local * GROUPS + g) * K1;
      for (var j = 0; j < K1; j++) {
        sB[(at + j) / 4][(at + j) % 4] = val[base + j];
        sA[(at + j) / 4][(at + j) % 4] = f32(idx[base + j]);
      }
    }
    workgroupBarrier();
    for (var s = GROUPS / 2; s > 0; s = s / 2) {
      if (mine && g < s) {
        let a0 = (local * GROUPS + g) * K1;
        let b0 = (local * GROUPS + g + s) * K1;
        var ia = a0;
        var ib = b0;
        // Merged into this thread's own list (already staged), then staged back.
        for (var j = 0; j < K1; j++) {
          let av = sB[ia / 4][ia % 4];
          let ai = i32(sA[ia / 4][ia % 4]);
          let bv = sB[ib / 4][ib % 4];
          let bi = i32(sA[ib / 4][ib % 4]);
          if (better(av, ai, bv, bi)) {
            val[base + j] = av;
            idx[base + j] = ai;
            ia++;
          } else {
            val[base + j] = bv;
            idx[base + j] = bi;
            ib++;
          }
        }
        for (var j = 0; j < K1; j++) {
          sB[(a0 + j) / 4][(a0 + j) % 4] = val[base + j];
          sA[(a0 + j) / 4][(a0 + j) % 4] = f32(idx[base + j]);
        }
      }
      workgroupBarrier();
    }
    let outRow = row + h * HALF;
    if (mine && g == 0 && outRow < end) {
      let out = (outRow - first) * 2 * K1;
      let at = local * GROUPS * K1;
      for (var j = 0; j < K1; j++) {
        result[out + j] = sB[(at + j) / 4][(at + j) % 4];
        result[out + K1 + j] = sA[(at + j) / 4][(at + j) % 4];
      }
    }
    workgroupBarrier();
  }
}
`;
  }
}
