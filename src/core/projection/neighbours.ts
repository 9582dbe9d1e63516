import * as tf from '@tensorflow/tfjs-core';
import { normaliseRows } from '../compute/normaliseRows';
import { readTensors } from '../compute/readTensors';
import type { Matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { yieldToEventLoop } from '../yieldToEventLoop';
import { COSINE_TOP_K_MAX_ROWS, cosineTopKFits, cosineTopKOnWebGpu } from './cosineTopKProgram';

/** The k nearest rows of every row, flat and row-major: row i's neighbours are at [i*k, (i+1)*k). */
export interface Neighbours {
  /** Rows of the input. */
  count: number;
  /** Neighbours per row. */
  k: number;
  /** Neighbour row indices, nearest first; never the row itself. */
  indices: Int32Array;
  /** Cosine distances 1 − cosine, ascending within a row, clamped at 0 (float error can make them −1e-7). */
  distances: Float32Array;
}

export interface NeighbourOptions extends LongTaskOptions {
  /**
   * Rows per device block: memory is blockRows × count floats at a time. Default: as many as fit in
   * 2^22 floats (16 MiB), between 1 and 1,024 (838 for 5,000 points, 167 for 25,000). On WebGPU the
   * fused kernel writes no scores: a block is a dispatch and a read of blockRows × 2k floats, by default
   * 2^38 / (count · d) rows (all 15,000 of 15,000 1,024-d points in one block).
   */
  blockRows?: number;
}

const BLOCK_FLOATS = 1 << 22;
/**
 * Multiply-adds per fused WebGPU dispatch (rows × count × d). One dispatch of many rows keeps a large GPU
 * busy: a block of 4,000 of 15,000 rows is 125 workgroups, under one per SM of an H100. The bound keeps a
 * dispatch near a tenth of a second on an integrated GPU (browsers stop GPU work that runs for seconds).
 */
const FUSED_BLOCK_WORK = 2 ** 38;
const MAX_BLOCK_ROWS = 1024;
/** Indices travel back as float32 together with the scores (one read): exact below 2^24. */
const MAX_ROWS = 1 << 24;
const YIELD_EVERY_MS = 50;

/**
 * The k nearest neighbours by cosine of every row, excluding the row itself (even when another row is
 * identical to it), computed on the active tfjs backend: the normalised rows stay on the device, with one
 * device read per block of rows. On WebGPU (k ≤ 32) a block is one dispatch of a tiled matmul fused with
 * the row top-k that leaves the row itself out (cosineTopKProgram.ts): no score matrix is written. Elsewhere
 * a block is one matmul against all rows followed by top-k of k + 1, the row itself dropped on the host.
 * Progress is reported per block; cancellation is checked between blocks.
 * Cosine is dot / max(|a||b|, 1e-8), as everywhere in the engine, so a zero row is at distance 1 from all.
 * Ties are ordered as tf.topk orders them (the lower index first).
 */
export async function cosineNeighbours(
  points: Matrix,
  k: number,
  options: NeighbourOptions = {},
): Promise<Neighbours> {
  const n = points.rows;
  const d = points.cols;
  if (!Number.isInteger(k) || k < 1)
    throw new Error(`cosineNeighbours: k must be a positive integer, got ${k}`);
  if (k > n - 1)
    throw new Error(`cosineNeighbours: ${n} points have at most ${n - 1} neighbours each, asked for ${k}`);
  if (n >= MAX_ROWS) throw new Error(`cosineNeighbours: at most ${MAX_ROWS - 1} points, got ${n}`);
  const fused = tf.getBackend() === 'webgpu' && cosineTopKFits(k);
  const blockRows =
    options.blockRows ??
    (fused
      ? Math.min(COSINE_TOP_K_MAX_ROWS, Math.max(1, Math.floor(FUSED_BLOCK_WORK / (n * d))))
      : Math.max(1, Math.min(MAX_BLOCK_ROWS, Math.floor(BLOCK_FLOATS / n))));
  if (!Number.isInteger(blockRows) || blockRows < 1 || (fused && blockRows > COSINE_TOP_K_MAX_ROWS))
    throw new Error(`cosineNeighbours: blockRows must be a positive integer, got ${blockRows}`);
  throwIfAborted(options.signal);

  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const stage = 'Map: neighbours';
  options.onProgress?.({ stage, done: 0, total: n });
  // The fused kernel reads rows [n, d]. The matmul path keeps them transposed, [d, n]: tfjs-wasm's matmul
  // is several times slower with transposeB (0.6 s against 0.07 s for 2,000 x 256 against itself), and the
  // other backends do not mind.
  const all = tf.tidy(() => {
    const normalised = normaliseRows(tf.tensor2d(points.data, [n, d]));
    return fused ? normalised : tf.transpose(normalised);
  });
  try {
    let lastYield = performance.now();
    for (let start = 0; start < n; start += blockRows) {
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      throwIfAborted(options.signal);
      const rows = Math.min(blockRows, n - start);
      const block = tf.tidy(() => {
        if (fused) return cosineTopKOnWebGpu(all, start, rows, k); // [rows, 2k], the row itself left out
        const cos = tf.matMul(tf.transpose(tf.slice(all, [0, start], [d, rows])), all); // [rows, n]
        // k + 1 nearest including the row itself, which the host drops: masking the diagonal on the device
        // instead costs more than the matmul on tfjs-wasm.
        const top = tf.topk(cos, k + 1, true);
        return tf.concat([top.values, tf.cast(top.indices, 'float32')], 1); // [rows, 2(k + 1)]
      });
      let values: Float32Array;
      try {
        [values] = (await readTensors([block])) as Float32Array[];
      } finally {
        block.dispose();
      }
      const width = fused ? k : k + 1;
      for (let r = 0; r < rows; r++) {
        const from = r * 2 * width;
        const self = start + r;
        let to = self * k;
        const end = to + k;
        // The first k entries that are not the row itself (it is usually first, but an identical row can
        // tie with it, and a zero row ties with everything).
        for (let j = 0; j < width && to < end; j++) {
          const index = values[from + width + j];
          if (index === self) continue;
          indices[to] = index;
          distances[to] = Math.max(0, 1 - values[from + j]);
          to++;
        }
      }
      options.onProgress?.({ stage, done: start + rows, total: n });
    }
  } finally {
    all.dispose();
  }
  return { count: n, k, indices, distances };
}
