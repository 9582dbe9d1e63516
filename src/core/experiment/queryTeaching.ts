import { matrix, row, type Matrix } from '../matrix';
import {
  distributionsOfCosines,
  stepDistributions,
  type StepDistributions,
  type StudentStep,
} from '../refine/stepDistributions';
import { gatherCandidateScores } from '../refine/rescoring';
import { isScored, refinementProblem } from './pipelineStages';
import { rankTrajectory } from './rankTrajectory';
import type { QueryViewSource, RefinementSession } from './session';

/** A document the teaching views follow. */
export interface FollowedDocument {
  candidate: number;
  docId: string;
  text: string;
  label: number;
  /** Position among the sampled documents (the order of the teacher's scores), null if not sampled. */
  sampledIndex: number | null;
  teacherScore: number | null;
}

/** The loss made visible: the teacher's p and the student's r over the sampled documents at every step. */
export interface TeacherStudentView {
  index: number;
  refit: boolean;
  /** Recorded step numbers, one per entry of `perStep`. */
  steps: number[];
  /** The sampled documents in the loss (those the teacher scored), in sampling order. */
  documents: FollowedDocument[];
  teacherScores: number[];
  /** The values whose softmax is p (the scores; ReFIT: min-max normalised, divided by 2), and p. */
  teacherLogits: number[];
  p: number[];
  perStep: StudentStep[];
  /** Why `steps` holds only the first and the last step (a run opened without document embeddings). */
  note?: string;
}

/** Ranks over steps: the rank of every relevant and every sampled document at each recorded step. */
export interface RankTrajectoryView {
  index: number;
  steps: number[];
  candidateCount: number;
  documents: FollowedDocument[];
  /** 1-based rank of document t at step s: ranks[s][t]. */
  ranks: number[][];
  note?: string;
}

/**
 * What the teaching views are computed from: a live session, or a run opened from its files. With the
 * document embeddings and the trajectory, every recorded step is recomputed; without them (an opened run
 * that saved no embeddings, or no trajectories), what the files hold: the teacher's scores and the raw
 * scores, which are the cosines before (step 0) and after (the last step) refinement.
 */
export interface TeachingSource {
  result: QueryViewSource;
  refit: boolean;
  /** The step the refined query was taken at (a run's num_steps). */
  numSteps: number;
  /** Present when every candidate can be re-scored at every snapshot. */
  embedded?: {
    docEmbeddings: Matrix;
    /** The query at every recorded step, rows in step order. */
    trajectory(index: number): Matrix;
    /** Cosines of each query row against the whole corpus, [Q, N], on the compute backend. */
    scoreAll(queries: Matrix): Promise<Matrix>;
  };
}

/** A live session as a teaching source: it always has embeddings and trajectories. */
export function sessionTeachingSource(session: RefinementSession): TeachingSource {
  return {
    result: session.result,
    refit: session.method.refit,
    numSteps: session.method.numSteps,
    embedded: {
      docEmbeddings: session.result.docEmbeddings,
      trajectory: (index) => session.trajectory(index),
      scoreAll: (queries) => session.scorer.scoreAll(queries),
    },
  };
}

/** The steps whose cosines a run without embeddings holds: the original ranking, and the refined one. */
function knownSteps(source: TeachingSource): { steps: number[]; types: ('original' | 'optimized')[] } {
  const { result } = source;
  const first = result.trajectories?.steps[0] ?? 0;
  const last = result.trajectories?.steps.at(-1) ?? source.numSteps;
  return result.scores.optimized
    ? { steps: [first, last], types: ['original', 'optimized'] }
    : { steps: [first], types: ['original'] };
}

function partialNote(source: TeachingSource, steps: number[]): string {
  const known = steps.map((s) => `step ${s}`).join(' and ');
  return source.result.trajectories
    ? `This run's files hold no document embeddings (--save-embeddings writes them): the student's cosines are known at ${known} only, from the raw scores before and after refinement.`
    : `This run's files hold no trajectories (--save-tensors writes them): the student's cosines are known at ${known} only, from the raw scores before and after refinement.`;
}

/**
 * Teacher vs student for one query: both distributions recomputed from the trajectory's snapshots and the
 * documents the optimizer saw (a live session's what-if edits included), or, without document embeddings,
 * from the raw scores at the first and last step.
 */
export function teacherStudentView(source: TeachingSource, index: number): TeacherStudentView {
  const { result, refit } = source;
  const q = result.dataset.queries[index];
  const followed = followedDocuments(result, index).filter((d) => isScored(d.teacherScore));
  followed.sort((a, b) => a.sampledIndex! - b.sampledIndex!);
  const teacherScores = followed.map((d) => d.teacherScore!);
  let steps: number[];
  let distributions: StepDistributions;
  let note: string | undefined;
  if (followed.length === 0) {
    steps = knownSteps(source).steps;
    distributions = { teacherLogits: [], p: [], steps: [] };
  } else if (source.embedded && result.trajectories) {
    const snapshots = source.embedded.trajectory(index);
    const problem = refinementProblem(
      q.candidates,
      result.sampled[index],
      result.teacher[index].scores,
      row(snapshots, 0),
      source.embedded.docEmbeddings,
    );
    steps = result.trajectories.steps;
    distributions = stepDistributions(snapshots, problem.docs, problem.teacherScores, refit);
  } else {
    const known = knownSteps(source);
    steps = known.steps;
    note = partialNote(source, steps);
    distributions = distributionsOfCosines(
      known.types.map((type) => followed.map((d) => result.scores[type]![index][d.candidate])),
      teacherScores,
      refit,
    );
  }
  return {
    index,
    refit,
    steps,
    documents: followed,
    teacherScores,
    teacherLogits: distributions.teacherLogits,
    p: distributions.p,
    perStep: distributions.steps,
    note,
  };
}

/**
 * Ranks over steps for one query: every candidate re-scored at every trajectory snapshot (one matmul per
 * block of snapshots on the compute backend), then the ranks of the relevant and the sampled documents;
 * without document embeddings, their ranks in the raw scores before and after refinement.
 */
export async function rankTrajectoryView(source: TeachingSource, index: number): Promise<RankTrajectoryView> {
  const { result } = source;
  const q = result.dataset.queries[index];
  const C = q.candidates.length;
  let steps: number[];
  let perStep: Matrix;
  let note: string | undefined;
  if (source.embedded && result.trajectories) {
    const snapshots = source.embedded.trajectory(index);
    const all = await source.embedded.scoreAll(snapshots);
    perStep = matrix(snapshots.rows, C);
    for (let s = 0; s < snapshots.rows; s++)
      perStep.data.set(gatherCandidateScores(all, s, q.candidates), s * C);
    steps = result.trajectories.steps;
  } else {
    const known = knownSteps(source);
    steps = known.steps;
    note = partialNote(source, steps);
    perStep = matrix(known.types.length, C);
    known.types.forEach((type, s) => perStep.data.set(result.scores[type]![index], s * C));
  }
  const documents = followedDocuments(result, index);
  const ranks = rankTrajectory(
    perStep,
    documents.map((d) => d.candidate),
  );
  return { index, steps, candidateCount: C, documents, ranks, note };
}

/** The query's relevant and sampled documents, in candidate order. */
function followedDocuments(result: QueryViewSource, index: number): FollowedDocument[] {
  const q = result.dataset.queries[index];
  const sampled = new Map<number, number>();
  result.sampled[index].forEach((c, k) => sampled.set(c, k));
  const scores = result.teacher[index].scores;
  const out: FollowedDocument[] = [];
  for (let c = 0; c < q.candidates.length; c++) {
    const k = sampled.get(c);
    if (q.labels[c] <= 0 && k === undefined) continue;
    const doc = result.dataset.documents[q.candidates[c]];
    out.push({
      candidate: c,
      docId: doc.id,
      text: doc.text,
      label: q.labels[c],
      sampledIndex: k ?? null,
      teacherScore: k === undefined ? null : scores[k],
    });
  }
  return out;
}
