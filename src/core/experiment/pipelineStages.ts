import type { Dataset, DatasetQuery } from '../datasets/types';
import { matrix, row, type Matrix } from '../matrix';
import type { LongTaskOptions } from '../progress';
import {
  refineQueries,
  type OptimizerParams,
  type RefinementProblem,
  type RefinementResult,
  type RefineOptions,
} from '../refine/optimizer';
import { gatherCandidateScores, type CorpusScorer } from '../refine/rescoring';
import { sampleForTeacher } from '../refine/sampling';
import type { Teacher, TeacherItem, TeacherScores } from '../teachers/types';
import type { MethodConfig } from './config';

/**
 * The stages of a run, one function each, over any batch of a dataset's queries: the whole dataset
 * (`runExperiment`), one query at a time (the latency report) or one query with edited teacher scores (the
 * explorer's what-if). Every caller goes through these, so a query is ranked, sampled, taught and refined
 * the same way whichever of them computes it.
 */

/**
 * Each query's cosines to its candidates (candidate order of the dataset), from one matmul of the query
 * embeddings (row i: `queries[i]`) against the whole corpus.
 */
export async function candidateScores(
  scorer: CorpusScorer,
  embeddings: Matrix,
  queries: readonly DatasetQuery[],
): Promise<Float32Array[]> {
  const all = await scorer.scoreAll(embeddings);
  return queries.map((q, i) => gatherCandidateScores(all, i, q.candidates));
}

/**
 * Each query's sample for the teacher (candidate positions) from its candidates' scores (`orders`: their
 * rankings, `rankByScore`, where the caller has them already).
 */
export function teacherSamples(
  scores: readonly Float32Array[],
  method: Pick<MethodConfig, 'totalScores' | 'scoresFromTop' | 'randomSeed'>,
  orders?: readonly Uint32Array[],
): Int32Array[] {
  const params = {
    totalScores: method.totalScores,
    scoresFromTop: method.scoresFromTop,
    seed: method.randomSeed,
  };
  return scores.map((s, i) => sampleForTeacher(s, params, orders?.[i]));
}

/** What the teacher is asked about each query: its text and its sampled documents, with their gold labels. */
export function teacherItems(
  dataset: Dataset,
  queries: readonly DatasetQuery[],
  samples: readonly Int32Array[],
): TeacherItem[] {
  return queries.map((q, i) => ({
    queryId: q.id,
    queryText: q.text,
    documents: Array.from(samples[i], (c) => ({
      id: dataset.documents[q.candidates[c]].id,
      text: dataset.documents[q.candidates[c]].text,
      goldLabel: q.labels[c],
    })),
  }));
}

/** The teacher's scores of the items, in the dataset's task and with its instruction. */
export function askTeacher(
  teacher: Teacher,
  dataset: Dataset,
  items: TeacherItem[],
  options?: LongTaskOptions,
): Promise<TeacherScores[]> {
  return teacher.score({ task: dataset.task, instruction: dataset.instruction, items }, options);
}

/** Whether the teacher gave a score (it gives null, or a non-finite number, where it could not). */
export function isScored(score: number | null): score is number {
  return score !== null && Number.isFinite(score);
}

/** The optimizer's input for one query; documents the teacher could not score are left out of the loss. */
export function refinementProblem(
  candidates: Int32Array,
  sampled: Int32Array,
  scores: readonly (number | null)[],
  query: Float32Array,
  docEmbeddings: Matrix,
): RefinementProblem {
  const kept = Array.from(sampled.keys()).filter((i) => isScored(scores[i]));
  const d = docEmbeddings.cols;
  // A query whose documents the teacher could not score at all gets a single neutral document (its own
  // direction) so the batch stays rectangular: softmax over one entry is 1 = target, so the loss and the
  // gradient are zero and Adam leaves the query where it is.
  if (kept.length === 0)
    return { query, docs: matrix(1, d, Float32Array.from(query)), teacherScores: Float32Array.of(0) };
  const docs = matrix(kept.length, d);
  kept.forEach((i, r) => docs.data.set(row(docEmbeddings, candidates[sampled[i]]), r * d));
  return { query, docs, teacherScores: Float32Array.from(kept, (i) => scores[i]!) };
}

/** Queries to refine: their embeddings (row i: `queries[i]`), each one's sample and the teacher's scores. */
export interface TaughtQueries {
  queries: readonly DatasetQuery[];
  embeddings: Matrix;
  samples: readonly Int32Array[];
  scores: readonly (readonly (number | null)[])[];
}

/** Refines every query towards the teacher's scores of its sample, as one batched problem. */
export function refineTowardsTeacher(
  taught: TaughtQueries,
  docEmbeddings: Matrix,
  params: OptimizerParams,
  options?: RefineOptions,
): Promise<RefinementResult> {
  const problems = taught.queries.map((q, i) =>
    refinementProblem(
      q.candidates,
      taught.samples[i],
      taught.scores[i],
      row(taught.embeddings, i),
      docEmbeddings,
    ),
  );
  return refineQueries(problems, params, options);
}
