import * as tf from '@tensorflow/tfjs-core';
import { matrix, row, type Matrix } from '../core/matrix';
import { computeRankingMetrics, type RankingMetrics } from '../core/metrics/rankingMetrics';
import { metricsOfRelevantRanks } from '../core/metrics/relevantRanks';
import { DeviceCandidates, type RankedQuery } from '../core/refine/deviceRanking';
import { refineQueries } from '../core/refine/optimizer';
import { CorpusScorer } from '../core/refine/rescoring';
import { SeededRandom } from '../core/rng';

/**
 * The `pipeline` section of `npm run bench`: one whole Clinc150-shaped dataset (150 queries, every one of
 * 15,000 documents a candidate, 100 relevant per query), from the embeddings in JavaScript to the metrics:
 * upload the normalised corpus, rank and sample the teacher's 20 (the top 20), refine (100 steps), re-score,
 * rank, metrics, each stage timed (`PipelineStageTimes`). On WebGPU the rankings stay on the device
 * (`DeviceCandidates`: the top k and the relevant candidates' ranks are read, never the 2.25 M scores);
 * elsewhere every score is read and ranked on the CPU, as the CLI does.
 */

export interface PipelineShape {
  queries: number;
  documents: number;
  dims: number;
}

export interface PipelineInputs {
  corpus: Matrix;
  queries: Matrix;
  ranked: RankedQuery[];
}

export function pipelineInputs(shape: PipelineShape): PipelineInputs {
  const rng = new SeededRandom(23);
  const random = (rows: number) =>
    matrix(
      rows,
      shape.dims,
      Float32Array.from({ length: rows * shape.dims }, () => rng.normal()),
    );
  const candidates = Int32Array.from({ length: shape.documents }, (_, c) => c);
  return {
    corpus: random(shape.documents),
    queries: random(shape.queries),
    ranked: Array.from({ length: shape.queries }, (_, i) => ({
      candidates,
      labels: Float32Array.from({ length: shape.documents }, (_, c) => (c % shape.queries === i ? 1 : 0)),
    })),
  };
}

const TOP = 20;

/** The stages of one pass, in order; each stage's time in `PipelineStageTimes`. */
export const PIPELINE_STAGES = ['upload', 'sample', 'refine', 'rescore', 'rank_metrics'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
/**
 * Milliseconds per stage: `upload` the corpus (and on WebGPU the candidate lists); `sample` score, rank and
 * take each query's top 20; `refine` 100 steps; `rescore` the refined queries against the corpus; and
 * `rank_metrics` rank and compute the metrics (one step on the CPU, `computeRankingMetrics`; on WebGPU the
 * ranking's read-back ends the re-scoring dispatch, whose GPU time therefore lands here).
 */
export type PipelineStageTimes = Record<PipelineStage, number>;

/** One pass of the whole pipeline; the metrics of the refined queries. `stages` gets each stage's time. */
export async function runPipeline(
  inputs: PipelineInputs,
  stages: Partial<PipelineStageTimes> = {},
): Promise<RankingMetrics[]> {
  const { corpus, queries, ranked } = inputs;
  const onDevice = tf.getBackend() === 'webgpu';
  let lap = performance.now();
  const done = (stage: PipelineStage) => {
    const now = performance.now();
    stages[stage] = Math.round((now - lap) * 100) / 100;
    lap = now;
  };
  const scorer = new CorpusScorer(corpus);
  const device = onDevice ? new DeviceCandidates(ranked, corpus.rows) : undefined;
  done('upload');
  try {
    // The first ranking: the teacher's sample is the top 20 (the default 20 from the top).
    let sampled: Int32Array[];
    if (device) {
      const q = tf.tensor2d(queries.data, [queries.rows, queries.cols]);
      const scores = scorer.scoreOnDevice(q);
      q.dispose();
      sampled = (await device.rank(scores, TOP)).map((r) => r.topPositions);
      scores.dispose();
    } else {
      const all = await scorer.scoreAll(queries);
      sampled = ranked.map((_, i) => topPositions(row(all, i), TOP));
    }
    done('sample');
    const problems = sampled.map((positions, i) => {
      const docs = matrix(positions.length, corpus.cols);
      positions.forEach((c, k) => docs.data.set(row(corpus, c), k * corpus.cols));
      return {
        query: row(queries, i),
        docs,
        teacherScores: Float32Array.from(positions, (c) => ranked[i].labels[c]),
      };
    });
    const refined = await refineQueries(problems, { lr: 1e-4, numSteps: 100, refit: false, recordEvery: 0 });
    done('refine');
    if (device) {
      const q = tf.tensor2d(refined.refined.data, [refined.refined.rows, refined.refined.cols]);
      const scores = scorer.scoreOnDevice(q);
      q.dispose();
      done('rescore');
      const rankings = await device.rank(scores, 10);
      scores.dispose();
      const metrics = rankings.map((r) => metricsOfRelevantRanks(r.ranks));
      done('rank_metrics');
      return metrics;
    }
    const all = await scorer.scoreAll(refined.refined);
    done('rescore');
    const metrics = ranked.map((q, i) => computeRankingMetrics(q.labels, row(all, i)));
    done('rank_metrics');
    return metrics;
  } finally {
    device?.dispose();
    scorer.dispose();
  }
}

function topPositions(scores: Float32Array, k: number): Int32Array {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(order.slice(0, k));
}
