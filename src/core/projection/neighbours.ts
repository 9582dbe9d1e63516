import * as tf from '@tensorflow/tfjs-core';
import { normaliseRows } from '../compute/normaliseRows';
import type { Matrix } from '../matrix';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { yieldToEventLoop } from '../yieldToEventLoop';
import { rowTopKFits, rowTopKOnWebGpu } from './rowTopKProgram';

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
   * 2^22 floats (16 MiB; on WebGPU 2^24, 64 MiB), between 1 and 1,024 (838 for 5,000 points, 167 for
   * 25,000; on WebGPU 1,024 and 671).
   */
  blockRows?: number;
}

const BLOCK_FLOATS = 1 << 22;
/** A GPU has the memory, and fewer blocks mean fewer dispatches and fewer round trips. */
const BLOCK_FLOATS_WEBGPU = 1 << 24;
const MAX_BLOCK_ROWS = 1024;
/** Indices travel back as float32 together with the scores (one read): exact below 2^24. */
const MAX_ROWS = 1 << 24;
const YIELD_EVERY_MS = 50;

/**
 * The k nearest neighbours by cosine of every row, excluding the row itself (even when another row is
 * identical to it), computed on the active tfjs backend: the normalised rows stay on the device, and each
 * block of rows is one matmul against all of them followed by top-k, with one device read per block.
 * Progress is reported per block; cancellation is checked between blocks.
 * Cosine is dot / max(|a||b|, 1e-8), as everywhere in the engine, so a zero row is at distance 1 from all.
 * Ties are ordered as tf.topk orders them.
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
  // On WebGPU the top-k is one dispatch of our own (rowTopKProgram.ts) instead of tfjs's bitonic network.
  const fusedTopK = tf.getBackend() === 'webgpu' && rowTopKFits(k + 1);
  const blockFloats = tf.getBackend() === 'webgpu' ? BLOCK_FLOATS_WEBGPU : BLOCK_FLOATS;
  const blockRows = options.blockRows ?? Math.max(1, Math.min(MAX_BLOCK_ROWS, Math.floor(blockFloats / n)));
  if (!Number.isInteger(blockRows) || blockRows < 1)
    throw new Error(`cosineNeighbours: blockRows must be a positive integer, got ${blockRows}`);
  throwIfAborted(options.signal);

  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const stage = 'Map: neighbours';
  options.onProgress?.({ stage, done: 0, total: n });
  // Kept transposed, [d, n]: tfjs-wasm's matmul is several times slower with transposeB (0.6 s against
  // 0.07 s for 2,000 x 256 against itself), and the other backends do not mind.
  const allT = tf.tidy(() => tf.transpose(normaliseRows(tf.tensor2d(points.data, [n, d]))));
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
        const cos = tf.matMul(tf.transpose(tf.slice(allT, [0, start], [d, rows])), allT); // [rows, n]
        // k + 1 nearest including the row itself, which the host drops: masking the diagonal on the device
        // instead costs more than the matmul on tfjs-wasm.
        if (fusedTopK) return rowTopKOnWebGpu(cos as tf.Tensor2D, k + 1); // [rows, 2(k + 1)]
        const top = tf.topk(cos, k + 1, true);
        return tf.concat([top.values, tf.cast(top.indices, 'float32')], 1); // [rows, 2(k + 1)]
      });
      let values: Float32Array;
      try {
        values = (await block.data()) as Float32Array;
      } finally {
        block.dispose();
      }
      const width = k + 1;
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
    allT.dispose();
  }
  return { count: n, k, indices, distances };
}
