import * as tf from '@tensorflow/tfjs-core';
import { normaliseRows } from '../compute/normaliseRows';
import { matrix, type Matrix } from '../matrix';

/**
 * Holds the L2-normalised corpus on the device for a whole run, so that every ranking (original, refined,
 * baselines) is one blocked matmul against it: cosine = (q/|q|) · (d/|d|), each norm floored at 1e-8,
 * which equals dot / max(|q||d|, 1e-8) except for exactly-zero vectors, where both give 0.
 */
export class CorpusScorer {
  /** The normalised corpus, transposed [d, N]: tfjs-wasm's matMul is several times slower with transposeB. */
  private readonly docsT: tf.Tensor2D;
  readonly count: number;
  readonly dims: number;

  /** `corpus` [N, d] from JavaScript, or already on the device (then the caller keeps and disposes it). */
  constructor(corpus: Matrix | tf.Tensor2D) {
    [this.count, this.dims] = corpus instanceof tf.Tensor ? corpus.shape : [corpus.rows, corpus.cols];
    this.docsT = tf.tidy(() =>
      tf.transpose(
        normaliseRows(
          corpus instanceof tf.Tensor ? corpus : tf.tensor2d(corpus.data, [corpus.rows, corpus.cols]),
        ),
      ),
    );
  }

  /**
   * Cosine of every query against every document, [Q, N], computed in blocks of queries so that device
   * memory stays bounded (blockRows x N floats at a time); one read per block.
   */
  async scoreAll(queries: Matrix, blockRows = 256): Promise<Matrix> {
    if (queries.cols !== this.dims)
      throw new Error(`scoreAll: queries have ${queries.cols} dims, corpus ${this.dims}`);
    const out = new Float32Array(queries.rows * this.count);
    for (let start = 0; start < queries.rows; start += blockRows) {
      const rows = Math.min(blockRows, queries.rows - start);
      const block = tf.tidy(() =>
        this.scoreOnDevice(
          tf.tensor2d(queries.data.subarray(start * this.dims, (start + rows) * this.dims), [
            rows,
            this.dims,
          ]),
        ),
      );
      out.set((await block.data()) as Float32Array, start * this.count);
      block.dispose();
    }
    return matrix(queries.rows, this.count, out);
  }

  /** Cosines of queries [Q, d] against the corpus, [Q, N], left on the device (one matmul; nothing read). */
  scoreOnDevice(queries: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.matMul(normaliseRows(queries), this.docsT));
  }

  dispose(): void {
    this.docsT.dispose();
  }
}

/** Picks each query's candidates out of its full row of scores. */
export function gatherCandidateScores(all: Matrix, queryIndex: number, candidates: Int32Array): Float32Array {
  const rowStart = queryIndex * all.cols;
  const out = new Float32Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) out[i] = all.data[rowStart + candidates[i]];
  return out;
}
