import * as tf from '@tensorflow/tfjs-core';
import type { Matrix } from '../matrix';
import type { RankingMetrics } from '../metrics/rankingMetrics';
import { metricsOfRelevantRanks } from '../metrics/relevantRanks';
import type { LongTaskOptions } from '../progress';
import { DeviceCandidates, type RankedQuery } from './deviceRanking';
import { MAX_FUSED_DOCUMENTS } from './fusedRefinementProgram';
import {
  chooseImplementation,
  type OptimizerParams,
  type RefinementResult,
  type RefineOptions,
} from './optimizer';
import { teacherTarget, validateRefinement } from './refinementBatch';
import { CorpusScorer } from './rescoring';
import { refineInputsOnWebGpu } from './webgpuKernel';

/**
 * Queries scored per matmul: CorpusScorer.scoreAll's blocks, so that every query's scores come out of the
 * same matmul shape as on the host path (tfjs picks its matmul program by shape, and programs sum in
 * different orders) and the two paths give the same scores, hence the same metrics.
 */
const QUERY_BLOCK = 256;

/** One query's refinement problem with its documents named by corpus row instead of copied. */
export interface CorpusRefinementProblem {
  query: Float32Array;
  /** Corpus rows of the documents in the loss. */
  rows: Int32Array;
  teacherScores: Float32Array;
}

/**
 * A run on the WebGPU device: the corpus is uploaded once ([N, d], and normalised from that copy on the
 * device for scoring), with every query's candidates (`DeviceCandidates`). Rankings are scored, ranked and
 * reduced to metrics there (`rank`: the relevant candidates' ranks and each candidate's score come back in
 * one read; `metricsOfRelevantRanks` gives exactly `computeRankingMetrics`'s values), and the fused
 * refinement kernel gathers its documents from the corpus on the device (`refine`: no packing in
 * JavaScript, no upload of documents). `open` gives null on any other backend. On a software adapter
 * (used only when asked for: `auto` never picks one) its programs are emulated and much slower than the
 * host path, as everything there; they are tested there.
 *
 * The candidate scores are still read, once per ranking, because a run's result keeps them (raw-score
 * files, TREC runs, the explorer's views); what stays on the device is the [Q, N] score matrix against the
 * whole corpus (only the candidates' columns are read), the sort behind the metrics, and the documents of
 * the refinement.
 */
export class DeviceRun {
  readonly scorer: CorpusScorer;
  private readonly corpus: tf.Tensor2D;
  private readonly candidates: DeviceCandidates;
  private readonly metricsByName = new Map<string, RankingMetrics[]>();

  private constructor(
    corpus: Matrix,
    private readonly queries: readonly RankedQuery[],
  ) {
    this.corpus = tf.tensor2d(corpus.data, [corpus.rows, corpus.cols]);
    this.scorer = new CorpusScorer(this.corpus);
    this.candidates = new DeviceCandidates(queries, corpus.rows);
  }

  static open(corpus: Matrix, queries: readonly RankedQuery[]): DeviceRun | null {
    return tf.getBackend() === 'webgpu' ? new DeviceRun(corpus, queries) : null;
  }

  /**
   * Each query's candidate scores (candidate order) for `embeddings` (row i: query i), as the host path's
   * `candidateScores` gives them; the ranking's metrics are kept under `name` (see `metrics`).
   */
  async rank(name: string, embeddings: Matrix): Promise<Float32Array[]> {
    const scores: Float32Array[] = [];
    const metrics: RankingMetrics[] = [];
    for (let first = 0; first < embeddings.rows; first += QUERY_BLOCK) {
      const rows = Math.min(QUERY_BLOCK, embeddings.rows - first);
      const block = tf.tidy(() =>
        this.scorer.scoreOnDevice(
          tf.tensor2d(embeddings.data.subarray(first * embeddings.cols, (first + rows) * embeddings.cols), [
            rows,
            embeddings.cols,
          ]),
        ),
      );
      try {
        for (const r of await this.candidates.rank(block, 0, { withScores: true, first })) {
          scores.push(r.scores!);
          metrics.push(metricsOfRelevantRanks(r.ranks));
        }
      } finally {
        block.dispose();
      }
    }
    this.metricsByName.set(name, metrics);
    return scores;
  }

  /** The metrics of the ranking `rank` computed under `name`. */
  metrics(name: string): RankingMetrics[] | undefined {
    return this.metricsByName.get(name);
  }

  /**
   * The refinement of the queries (`embeddings`, row i: query i) towards the teacher's scores of their
   * samples (candidate positions; null or non-finite: not scored, left out of the loss) with the fused
   * kernel, its documents gathered on the device — where the implementation asked for is the fused kernel
   * (`auto`: on a hardware adapter), with at most MAX_FUSED_DOCUMENTS documents per query. Otherwise null, and the caller refines on the
   * host path; so too when a query has no scored document (the host path gives it a neutral document, its
   * own direction, which is not a corpus row).
   */
  async refineSamples(
    embeddings: Matrix,
    samples: readonly Int32Array[],
    scores: readonly (readonly (number | null)[])[],
    params: OptimizerParams,
    options: RefineOptions = {},
  ): Promise<RefinementResult | null> {
    if (embeddings.rows !== this.queries.length || samples.length !== this.queries.length)
      throw new Error(`DeviceRun.refineSamples: takes the run's ${this.queries.length} queries`);
    const implementation = options.implementation ?? 'auto';
    if ((implementation === 'auto' ? chooseImplementation() : implementation) !== 'webgpu-kernel')
      return null;
    const problems: CorpusRefinementProblem[] = [];
    for (const [i, q] of this.queries.entries()) {
      const kept = Array.from(samples[i].keys()).filter((k) => {
        const s = scores[i][k];
        return s !== null && Number.isFinite(s);
      });
      if (kept.length === 0 || kept.length > MAX_FUSED_DOCUMENTS) return null;
      problems.push({
        query: embeddings.data.subarray(i * embeddings.cols, (i + 1) * embeddings.cols),
        rows: Int32Array.from(kept, (k) => q.candidates[samples[i][k]]),
        teacherScores: Float32Array.from(kept, (k) => scores[i][k]!),
      });
    }
    return this.refine(problems, params, options);
  }

  /**
   * The fused refinement kernel on problems whose documents are corpus rows: one gather on the device
   * builds its [Q, K, d] documents (zero rows past a query's count), so only the queries, the targets and
   * the row numbers are uploaded. The same result as `refineOnWebGpu` on the same documents copied.
   */
  async refine(
    problems: readonly CorpusRefinementProblem[],
    params: OptimizerParams,
    options: LongTaskOptions = {},
  ): Promise<RefinementResult> {
    const [N, d] = this.corpus.shape;
    validateRefinement(
      problems.map((p) => ({
        query: p.query,
        docs: { rows: p.rows.length, cols: d },
        teacherScores: p.teacherScores,
      })),
      params,
    );
    const Q = problems.length;
    const K = Math.max(...problems.map((p) => p.rows.length));
    const index = new Int32Array(Q * K);
    const present = new Float32Array(Q * K);
    const target = new Float32Array(Q * K);
    const queries = new Float32Array(Q * d);
    problems.forEach((p, q) => {
      for (const row of p.rows)
        if (!Number.isInteger(row) || row < 0 || row >= N)
          throw new Error(`DeviceRun.refine: query ${q} names corpus row ${row} of ${N}`);
      index.set(p.rows, q * K);
      present.fill(1, q * K, q * K + p.rows.length);
      target.set(teacherTarget(p.teacherScores, params.refit), q * K);
      queries.set(p.query, q * d);
    });
    const inputs = {
      // Padding gathers row 0 and multiplies it by 0: the kernel expects zero rows past a query's count.
      docs: tf.tidy(() =>
        tf.reshape(
          tf.mul(tf.gather(this.corpus, tf.tensor1d(index, 'int32')), tf.tensor2d(present, [Q * K, 1])),
          [Q, K, d],
        ),
      ) as tf.Tensor3D,
      queries: tf.tensor2d(queries, [Q, d]),
      teacher: tf.tensor2d(target, [Q, K]),
      counts: tf.tensor1d(
        Int32Array.from(problems, (p) => p.rows.length),
        'int32',
      ),
    };
    try {
      return await refineInputsOnWebGpu(inputs, params, options);
    } finally {
      tf.dispose(Object.values(inputs));
    }
  }

  dispose(): void {
    this.candidates.dispose();
    this.scorer.dispose();
    this.corpus.dispose();
  }
}
