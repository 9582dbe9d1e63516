import * as tf from '@tensorflow/tfjs-core';
import { readTensors } from '../compute/readTensors';
import type { RelevantRanks } from '../metrics/relevantRanks';
import { rowTopKOnWebGpu, rowTopKFits } from '../projection/rowTopKProgram';
import { MAX_TOP_K } from '../projection/topKProgram';
import { candidateRanksOnWebGpu } from './candidateRanksProgram';

/** A query's candidates (document indices) and their gold labels, as a dataset query has them. */
export interface RankedQuery {
  candidates: Int32Array;
  labels: Float32Array;
}

/** What a device-resident ranking reads back per query: the relevant candidates' ranks and the top k. */
export interface QueryRanking {
  ranks: RelevantRanks;
  /** The k best candidates (positions in the query's candidate list), best first, and their scores. */
  topPositions: Int32Array;
  topScores: Float32Array;
  /** Every candidate's score in candidate order, when asked for (`withScores`). */
  scores?: Float32Array;
}

/**
 * The candidates of a whole run on the WebGPU device, uploaded once: each query's candidate indices
 * (padded), its relevant candidates' positions and its candidate count. `rank` takes a score matrix of all
 * or a block of the queries against the whole corpus that is already on the device (`CorpusScorer.scoreOnDevice`), picks each
 * query's candidates there, ranks them there (`candidateRanksOnWebGpu`, `rowTopKOnWebGpu`), and reads back
 * only the relevant candidates' ranks and the top k: for Clinc150 about 150 × (100 × 4 + 2k) numbers
 * instead of 2.25 million scores, in one read.
 */
export class DeviceCandidates {
  private readonly index?: tf.Tensor2D;
  private readonly valid?: tf.Tensor2D;
  private readonly relevant: tf.Tensor2D;
  private readonly counts: tf.Tensor1D;
  private readonly width: number;
  private readonly relevantWidth: number;

  constructor(
    private readonly queries: readonly RankedQuery[],
    corpusSize: number,
  ) {
    const Q = queries.length;
    this.width = Math.max(1, ...queries.map((q) => q.candidates.length));
    // A query whose candidates are the whole corpus in order (classification datasets) needs no gather.
    const whole = queries.every(
      (q) => q.candidates.length === corpusSize && q.candidates.every((d, c) => d === c),
    );
    const relevantOf = queries.map((q) => {
      const positions: number[] = [];
      q.labels.forEach((label, c) => {
        if (label > 0) positions.push(c);
      });
      return positions;
    });
    this.relevantWidth = Math.max(1, ...relevantOf.map((r) => r.length));
    const relevant = new Int32Array(Q * this.relevantWidth).fill(-1);
    relevantOf.forEach((r, q) => relevant.set(r, q * this.relevantWidth));
    this.relevant = tf.tensor2d(relevant, [Q, this.relevantWidth], 'int32');
    this.counts = tf.tensor1d(
      Int32Array.from(queries, (q) => q.candidates.length),
      'int32',
    );
    if (!whole) {
      const index = new Int32Array(Q * this.width);
      const valid = new Float32Array(Q * this.width);
      queries.forEach((q, i) => {
        index.set(q.candidates, i * this.width);
        valid.fill(1, i * this.width, i * this.width + q.candidates.length);
      });
      this.index = tf.tensor2d(index, [Q, this.width], 'int32');
      this.valid = tf.tensor2d(valid, [Q, this.width]);
    }
  }

  /**
   * Ranks queries' candidates by `scores` [B, N] (on the device; row b is query `first + b`) and reads back
   * once: the relevant candidates' ranks, the top `topK` (0: none) and, with `withScores`, every candidate's
   * score in candidate order (for callers that keep them, such as the run's files).
   */
  async rank(
    scores: tf.Tensor2D,
    topK: number,
    options: { withScores?: boolean; first?: number } = {},
  ): Promise<QueryRanking[]> {
    const first = options.first ?? 0;
    const B = scores.shape[0];
    if (!Number.isInteger(first) || first < 0 || first + B > this.queries.length)
      throw new Error(
        `DeviceCandidates.rank: queries [${first}, ${first + B}) are not within [0, ${this.queries.length})`,
      );
    const k = Math.min(topK, this.width);
    if (k !== 0 && !rowTopKFits(k))
      throw new Error(`DeviceCandidates.rank: top k must be between 0 and ${MAX_TOP_K}, got ${topK}`);
    const rowsOf = <T extends tf.Tensor>(t: T): T =>
      B === this.queries.length ? t : (tf.slice(t, first, B) as T);
    const { packed, gathered } = tf.tidy(() => {
      let candidateScores = scores;
      if (this.index && this.valid) {
        const picked = tf.gather(scores, rowsOf(this.index), 1, 1) as tf.Tensor2D;
        // Padding never reaches the top k.
        candidateScores = tf.where(
          tf.cast(rowsOf(this.valid), 'bool'),
          picked,
          tf.fill(picked.shape, -3.4e38),
        );
      }
      const ranks = candidateRanksOnWebGpu(candidateScores, rowsOf(this.relevant), rowsOf(this.counts));
      const parts = [tf.reshape(ranks, [B, this.relevantWidth * 4])];
      if (k > 0) parts.push(rowTopKOnWebGpu(candidateScores, k));
      return {
        packed: parts.length === 1 ? parts[0] : tf.concat(parts, 1),
        gathered: candidateScores === scores ? undefined : candidateScores,
      };
    });
    let data: Float32Array;
    let all: Float32Array | undefined;
    try {
      [data, all] = (await readTensors(
        options.withScores ? [packed, gathered ?? scores] : [packed],
      )) as Float32Array[];
    } finally {
      tf.dispose([packed, ...(gathered ? [gathered] : [])]);
    }
    const stride = this.relevantWidth * 4 + 2 * k;
    const width = gathered ? this.width : scores.shape[1];
    return this.queries.slice(first, first + B).map((q, i) => {
      const row = data.subarray(i * stride, (i + 1) * stride);
      const relevantCount = q.labels.reduce((n, l) => n + (l > 0 ? 1 : 0), 0);
      const field = (f: number) => Int32Array.from({ length: relevantCount }, (_, j) => row[j * 4 + f]);
      const shown = Math.min(k, q.candidates.length);
      return {
        ranks: {
          count: q.candidates.length,
          score: Float32Array.from({ length: relevantCount }, (_, j) => row[j * 4]),
          greater: field(1),
          tied: field(2),
          tiedBefore: field(3),
        },
        topScores: row.slice(this.relevantWidth * 4, this.relevantWidth * 4 + shown),
        topPositions: Int32Array.from(
          row.subarray(this.relevantWidth * 4 + k, this.relevantWidth * 4 + k + shown),
        ),
        // A copy per query: callers may hand each array on (a worker transfers their buffers).
        scores: all?.slice(i * width, i * width + q.candidates.length),
      };
    });
  }

  dispose(): void {
    for (const t of [this.index, this.valid, this.relevant, this.counts]) t?.dispose();
  }
}
