import { matrix, row } from '../matrix';
import { stepDistributions, type StudentStep } from '../refine/stepDistributions';
import { gatherCandidateScores } from '../refine/rescoring';
import { refinementProblem } from './pipeline';
import { rankTrajectory } from './rankTrajectory';
import type { RefinementSession } from './session';

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
}

/** Ranks over steps: the rank of every relevant and every sampled document at each recorded step. */
export interface RankTrajectoryView {
  index: number;
  steps: number[];
  candidateCount: number;
  documents: FollowedDocument[];
  /** 1-based rank of document t at step s: ranks[s][t]. */
  ranks: number[][];
}

/**
 * Teacher vs student for one query of a session: both distributions recomputed from the trajectory's
 * snapshots and the documents the optimizer saw (what-if edits included, as the session holds them).
 */
export function teacherStudentView(session: RefinementSession, index: number): TeacherStudentView {
  const { result, method } = session;
  const q = result.dataset.queries[index];
  const teacher = result.teacher[index];
  const followed = followedDocuments(session, index).filter(
    (d) => d.teacherScore !== null && Number.isFinite(d.teacherScore),
  );
  const steps = result.trajectories!.steps;
  if (followed.length === 0)
    return {
      index,
      refit: method.refit,
      steps,
      documents: [],
      teacherScores: [],
      teacherLogits: [],
      p: [],
      perStep: [],
    };
  followed.sort((a, b) => a.sampledIndex! - b.sampledIndex!);
  const problem = refinementProblem(
    q.candidates,
    result.sampled[index],
    teacher,
    row(result.queryEmbeddings, index),
    result.docEmbeddings,
  );
  const distributions = stepDistributions(
    session.trajectory(index),
    problem.docs,
    problem.teacherScores,
    method.refit,
  );
  return {
    index,
    refit: method.refit,
    steps,
    documents: followed,
    teacherScores: Array.from(problem.teacherScores),
    teacherLogits: distributions.teacherLogits,
    p: distributions.p,
    perStep: distributions.steps,
  };
}

/**
 * Ranks over steps for one query: every candidate re-scored at every trajectory snapshot with the
 * session's corpus scorer (one matmul per block of snapshots on the compute backend), then the ranks of
 * the relevant and the sampled documents.
 */
export async function rankTrajectoryView(
  session: RefinementSession,
  index: number,
): Promise<RankTrajectoryView> {
  const { result } = session;
  const q = result.dataset.queries[index];
  const snapshots = session.trajectory(index);
  const all = await session.scorer.scoreAll(snapshots);
  const perStep = matrix(snapshots.rows, q.candidates.length);
  for (let s = 0; s < snapshots.rows; s++)
    perStep.data.set(gatherCandidateScores(all, s, q.candidates), s * q.candidates.length);
  const documents = followedDocuments(session, index);
  const ranks = rankTrajectory(
    perStep,
    documents.map((d) => d.candidate),
  );
  return {
    index,
    steps: result.trajectories!.steps,
    candidateCount: q.candidates.length,
    documents,
    ranks,
  };
}

/** The query's relevant and sampled documents, in candidate order. */
function followedDocuments(session: RefinementSession, index: number): FollowedDocument[] {
  const { result } = session;
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
