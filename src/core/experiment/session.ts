import { row, matrix, type Matrix } from '../matrix';
import { computeRankingMetrics, rankByScore, type RankingMetrics } from '../metrics/rankingMetrics';
import type { LongTaskOptions } from '../progress';
import { CorpusScorer } from '../refine/rescoring';
import type { MethodConfig } from './config';
import type { ExperimentResult } from './pipeline';
import { candidateScores, isScored, refineTowardsTeacher } from './pipelineStages';

/** A document as the explorer shows it: both rankings, gold label and the teacher's score. */
export interface RankedDocument {
  /** Position in the query's candidate list. */
  candidate: number;
  docId: string;
  text: string;
  label: number;
  sampled: boolean;
  /** Position among the sampled documents (the order of the teacher's scores), null if not sampled. */
  sampledIndex: number | null;
  teacherScore: number | null;
  scoreBefore: number;
  scoreAfter: number;
  /** 1-based ranks among the query's candidates. */
  rankBefore: number;
  rankAfter: number;
}

/** One query's refinement, everything the explorer's side panels draw. */
export interface QueryView {
  index: number;
  id: string;
  text: string;
  candidateCount: number;
  relevantCount: number;
  topK: number;
  /** The union of the top k before and after, plus every sampled document, in refined rank order. */
  documents: RankedDocument[];
  metricsBefore: RankingMetrics;
  metricsAfter: RankingMetrics;
  lossPerStep: number[];
  steps: number[];
  /** Whether the teacher's scores were edited (what-if) and differ from the teacher's own. */
  edited: boolean;
}

/**
 * A finished experiment kept alive for exploring single queries: views of one query, and what-if re-runs
 * of its refinement with edited teacher scores. Requires the `optimized` type with trajectories.
 */
export class RefinementSession {
  /** The corpus on the compute backend, for re-scoring refined queries and trajectory snapshots. */
  readonly scorer: CorpusScorer;
  private readonly originalTeacher: (number | null)[][];

  constructor(
    readonly result: ExperimentResult,
    readonly method: MethodConfig,
  ) {
    if (!result.scores.optimized || !result.trajectories)
      throw new Error('the explorer needs the optimized computation type with trajectories');
    this.scorer = new CorpusScorer(result.docEmbeddings);
    this.originalTeacher = result.teacher.map((t) => [...t.scores]);
  }

  view(index: number, topK = 20): QueryView {
    const { result } = this;
    this.query(index);
    const edited = result.teacher[index].scores.some((s, k) => s !== this.originalTeacher[index][k]);
    return queryViewOf(result, index, topK, edited);
  }

  /** The query vector at every recorded step (step 0 = original), rows in step order. */
  trajectory(index: number): Matrix {
    const t = this.result.trajectories!;
    const Q = this.result.dataset.queries.length;
    const d = t.snapshots.cols;
    const out = matrix(t.steps.length, d);
    t.steps.forEach((_, s) => out.data.set(row(t.snapshots, s * Q + index), s * d));
    return out;
  }

  /**
   * Re-runs one query's refinement with edited teacher scores (one per sampled document, in sampling
   * order) and replaces its optimized ranking, metrics and trajectory. `null` restores the teacher's own.
   */
  async whatIf(
    index: number,
    scores: (number | null)[] | null,
    options: LongTaskOptions = {},
  ): Promise<QueryView> {
    const { result, method } = this;
    const q = this.query(index);
    const teacherScores = scores ?? this.originalTeacher[index];
    const sampled = result.sampled[index];
    if (teacherScores.length !== sampled.length)
      throw new Error(
        `what-if needs ${sampled.length} scores (one per sampled document), got ${teacherScores.length}`,
      );
    // The run would refine a query without scores to itself; a what-if that removes them all is a mistake.
    if (!teacherScores.some(isScored)) throw new Error('what-if needs at least one scored document');
    const d = result.docEmbeddings.cols;
    // The run's stages on a batch of this one query.
    const queries = [q];
    const refined = await refineTowardsTeacher(
      {
        queries,
        embeddings: matrix(1, d, row(result.queryEmbeddings, index)),
        samples: [sampled],
        scores: [teacherScores],
      },
      result.docEmbeddings,
      { ...method, recordEvery: this.recordEvery() },
      options,
    );
    const [after] = await candidateScores(this.scorer, refined.refined, queries);

    result.teacher[index] = { scores: [...teacherScores], errors: teacherScores.map(() => null) };
    result.scores.optimized[index] = after;
    result.metrics.optimized[index] = computeRankingMetrics(q.labels, after);
    const t = result.trajectories!;
    const Q = result.dataset.queries.length;
    t.lossPerStep.data.set(refined.lossPerStep.data, index * t.lossPerStep.cols);
    t.steps.forEach((_, s) => t.snapshots.data.set(row(refined.snapshots, s), (s * Q + index) * d));
    return this.view(index);
  }

  /** Ids of the queries whose teacher scores a what-if changed. */
  editedQueryIds(): string[] {
    return this.result.dataset.queries
      .filter((_, i) => this.result.teacher[i].scores.some((s, k) => s !== this.originalTeacher[i][k]))
      .map((q) => q.id);
  }

  dispose(): void {
    this.scorer.dispose();
  }

  private recordEvery(): number {
    const steps = this.result.trajectories!.steps;
    return steps.length > 1 ? steps[1] - steps[0] : 0;
  }

  private query(index: number) {
    const q = this.result.dataset.queries[index];
    if (!q) throw new Error(`no query ${index}; the dataset has ${this.result.dataset.queries.length}`);
    return q;
  }
}

/** What a query's view is drawn from: a finished run's scores, sample and (optional) trajectories. */
export type QueryViewSource = Pick<
  ExperimentResult,
  'dataset' | 'scores' | 'metrics' | 'sampled' | 'teacher' | 'trajectories'
>;

/**
 * One query's view of a finished run: the union of the top k before and after plus the sampled documents.
 * Shared by the live session and runs opened from their files, which may lack the optimized type (then
 * "after" is the original ranking) or trajectories (then one step and no losses).
 */
export function queryViewOf(
  result: QueryViewSource,
  index: number,
  topK: number,
  edited: boolean,
): QueryView {
  const q = result.dataset.queries[index];
  if (!q) throw new Error(`no query ${index}; the dataset has ${result.dataset.queries.length}`);
  const before = result.scores.original[index];
  const refined = result.scores.optimized ? 'optimized' : 'original';
  const after = result.scores[refined][index];
  const rankBefore = ranksOf(before);
  const rankAfter = ranksOf(after);
  const sampled = new Map<number, number>();
  result.sampled[index].forEach((c, k) => sampled.set(c, k));
  const teacher = result.teacher[index].scores;
  const shown = new Set<number>(sampled.keys());
  for (let c = 0; c < q.candidates.length; c++)
    if (rankBefore[c] <= topK || rankAfter[c] <= topK) shown.add(c);
  const documents = [...shown]
    .map((c): RankedDocument => {
      const doc = result.dataset.documents[q.candidates[c]];
      return {
        candidate: c,
        docId: doc.id,
        text: doc.text,
        label: q.labels[c],
        sampled: sampled.has(c),
        sampledIndex: sampled.get(c) ?? null,
        teacherScore: sampled.has(c) ? teacher[sampled.get(c)!] : null,
        scoreBefore: before[c],
        scoreAfter: after[c],
        rankBefore: rankBefore[c],
        rankAfter: rankAfter[c],
      };
    })
    .sort((a, b) => a.rankAfter - b.rankAfter);
  const t = result.trajectories;
  return {
    index,
    id: q.id,
    text: q.text,
    candidateCount: q.candidates.length,
    relevantCount: q.labels.reduce((n, l) => n + (l > 0 ? 1 : 0), 0),
    topK,
    documents,
    metricsBefore: result.metrics.original[index],
    metricsAfter: result.metrics[refined][index],
    lossPerStep: t ? Array.from(row(t.lossPerStep, index)) : [],
    steps: t ? t.steps : [0],
    edited,
  };
}

/** 1-based rank of every candidate under `scores` (ties keep candidate order). */
export function ranksOf(scores: ArrayLike<number>): Int32Array {
  const order = rankByScore(scores);
  const ranks = new Int32Array(order.length);
  order.forEach((c, r) => (ranks[c] = r + 1));
  return ranks;
}
