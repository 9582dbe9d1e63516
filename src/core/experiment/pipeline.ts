import type { Dataset } from '../datasets/types';
import type { Embedder } from '../embedding/types';
import { matrix, row, type Matrix } from '../matrix';
import { computeRankingMetrics, type RankingMetrics } from '../metrics/rankingMetrics';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { DEFAULT_ROCCHIO, rerankOnlyScores, rocchioQuery } from '../refine/baselines';
import { refineQueries, type RefinementProblem } from '../refine/optimizer';
import { CorpusScorer, gatherCandidateScores } from '../refine/rescoring';
import { sampleForTeacher } from '../refine/sampling';
import type { HydeWriter } from '../teachers/llmHyde';
import type { Teacher, TeacherItem, TeacherScores } from '../teachers/types';
import { RunSpecError } from './runSpecError';
import {
  HYDE_TYPES,
  hydeNeedsModel,
  validateMethod,
  type ComputationType,
  type MethodConfig,
} from './config';

export interface ExperimentInputs {
  dataset: Dataset;
  embedder: Embedder;
  teacher: Teacher;
  method: MethodConfig;
  /** Writes the hypothetical documents of the `hyde` and `optimized_hyde` types (needed only for those). */
  hyde?: HydeWriter;
}

/** What the HyDE types computed: the passages, their embeddings, and `optimized_hyde`'s sample and scores. */
export interface HydeResult {
  writer: string;
  /** One hypothetical document per query. */
  documents: string[];
  /** The passages embedded as queries (the reference applies the query template to them). */
  queryEmbeddings: Matrix;
  /** `optimized_hyde` only: candidate positions sampled from the HyDE ranking, and the teacher's scores. */
  sampled?: Int32Array[];
  teacher?: TeacherScores[];
}

/** Each query's trajectory through refinement (computation type `optimized`). */
export interface Trajectories {
  steps: number[];
  /** Row q: the loss before each step of query q. */
  lossPerStep: Matrix;
  /** Snapshot s of query q is row s·Q + q; step 0 is the original query, the last is the refined one. */
  snapshots: Matrix;
}

export interface ExperimentResult {
  dataset: Dataset;
  types: ComputationType[];
  /** Per type, per query: one score per candidate (candidate order of the dataset). */
  scores: Record<ComputationType, Float32Array[]>;
  metrics: Record<ComputationType, RankingMetrics[]>;
  /** Per query: candidate positions the teacher scored, and its scores (null where it could not). */
  sampled: Int32Array[];
  teacher: TeacherScores[];
  trajectories?: Trajectories;
  /** Present when a HyDE type ran. */
  hyde?: HydeResult;
  docEmbeddings: Matrix;
  queryEmbeddings: Matrix;
  /** Wall time per stage in milliseconds. */
  timings: Record<string, number>;
}

/**
 * One experiment: embed → first ranking → sample → teacher → refine / baselines → re-rank → metrics.
 * The same function runs in Node (CLI) and in the browser; the tfjs backend must be initialised before.
 */
export async function runExperiment(
  inputs: ExperimentInputs,
  options: LongTaskOptions = {},
): Promise<ExperimentResult> {
  const { dataset, embedder, teacher, method } = inputs;
  validateMethod(method);
  if (dataset.queries.length === 0) throw new Error(`dataset ${dataset.name} has no queries`);
  const types = method.computationTypes.includes('original')
    ? method.computationTypes
    : ['original' as const, ...method.computationTypes];
  const hydeTypes = types.filter((t) => HYDE_TYPES.includes(t));
  if (hydeTypes.length && !inputs.hyde)
    throw new RunSpecError(
      hydeTypes.map((t) => ({ field: 'computation_types', message: hydeNeedsModel(t) })),
    );
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    throwIfAborted(options.signal);
    const start = performance.now();
    const out = await work();
    timings[stage] = Math.round(performance.now() - start);
    return out;
  };
  const report = (stage: string) => (e: { done: number; total: number }) =>
    options.onProgress?.({ ...e, stage });

  const docTexts = dataset.documents.map((d) => d.text);
  const queryTexts = dataset.queries.map((q) => q.text);
  await timed('fit_embedder', () =>
    embedder.fit(docTexts, { signal: options.signal, onProgress: report('fit embedder') }),
  );
  const docEmbeddings = await timed('embed_documents', () =>
    embedder.embedDocuments(docTexts, { signal: options.signal, onProgress: report('embed documents') }),
  );
  const queryEmbeddings = await timed('embed_queries', () =>
    embedder.embedQueries(queryTexts, { signal: options.signal, onProgress: report('embed queries') }),
  );

  const scorer = new CorpusScorer(docEmbeddings);
  try {
    const candidateScoresOf = (all: Matrix) =>
      dataset.queries.map((q, i) => gatherCandidateScores(all, i, q.candidates));
    const original = await timed('rank_original', async () =>
      candidateScoresOf(await scorer.scoreAll(queryEmbeddings)),
    );

    const sampling = {
      totalScores: method.totalScores,
      scoresFromTop: method.scoresFromTop,
      seed: method.randomSeed,
    };
    const scores = { original } as Record<ComputationType, Float32Array[]>;
    let hyde: HydeResult | undefined;
    if (hydeTypes.length && inputs.hyde) {
      const writer = inputs.hyde;
      const documents = await timed('hyde_write', () =>
        writer.write(queryTexts, { signal: options.signal, onProgress: report('write HyDE passages') }),
      );
      const hydeEmbeddings = await timed('embed_hyde', () =>
        embedder.embedQueries(documents, {
          signal: options.signal,
          onProgress: report('embed HyDE passages'),
        }),
      );
      hyde = { writer: writer.id, documents, queryEmbeddings: hydeEmbeddings };
      scores.hyde = await timed('rank_hyde', async () =>
        candidateScoresOf(await scorer.scoreAll(hydeEmbeddings)),
      );
    }

    const sampled = original.map((sims) => sampleForTeacher(sims, sampling));
    // optimized_hyde refines the HyDE embedding with the teacher's scores of a sample of the HyDE ranking;
    // both samples go to the teacher in one batch.
    const hydeSampled =
      hyde && types.includes('optimized_hyde')
        ? scores.hyde.map((sims) => sampleForTeacher(sims, sampling))
        : undefined;
    const teacherItems = (samples: Int32Array[]): TeacherItem[] =>
      dataset.queries.map((q, i) => ({
        queryId: q.id,
        queryText: q.text,
        documents: Array.from(samples[i], (c) => ({
          id: dataset.documents[q.candidates[c]].id,
          text: dataset.documents[q.candidates[c]].text,
          goldLabel: q.labels[c],
        })),
      }));
    const allTeacherScores = await timed('teacher', () =>
      teacher.score(
        {
          task: dataset.task,
          instruction: dataset.instruction,
          items: [...teacherItems(sampled), ...(hydeSampled ? teacherItems(hydeSampled) : [])],
        },
        { signal: options.signal, onProgress: report('teacher') },
      ),
    );
    const Q = dataset.queries.length;
    const teacherScores = allTeacherScores.slice(0, Q);
    if (hyde && hydeSampled) {
      hyde.sampled = hydeSampled;
      hyde.teacher = allTeacherScores.slice(Q, 2 * Q);
    }

    let trajectories: Trajectories | undefined;

    if (types.includes('optimized')) {
      const refined = await timed('refine', async () => {
        const problems = dataset.queries.map((q, i) =>
          refinementProblem(
            q.candidates,
            sampled[i],
            teacherScores[i],
            row(queryEmbeddings, i),
            docEmbeddings,
          ),
        );
        const result = await refineQueries(problems, method, {
          signal: options.signal,
          onProgress: report('refine'),
        });
        trajectories = { steps: result.steps, lossPerStep: result.lossPerStep, snapshots: result.snapshots };
        return result.refined;
      });
      scores.optimized = await timed('rank_optimized', async () =>
        candidateScoresOf(await scorer.scoreAll(refined)),
      );
    }
    if (hyde?.sampled && hyde.teacher) {
      const { sampled: hs, teacher: ht, queryEmbeddings: hq } = hyde;
      const refined = await timed('refine_hyde', async () => {
        const problems = dataset.queries.map((q, i) =>
          refinementProblem(q.candidates, hs[i], ht[i], row(hq, i), docEmbeddings),
        );
        // As the reference, no trajectory is kept for the HyDE refinement.
        const result = await refineQueries(
          problems,
          { ...method, recordEvery: 0 },
          { signal: options.signal, onProgress: report('refine HyDE') },
        );
        return result.refined;
      });
      scores.optimized_hyde = await timed('rank_optimized_hyde', async () =>
        candidateScoresOf(await scorer.scoreAll(refined)),
      );
    }
    if (types.includes('rocchio')) {
      scores.rocchio = await timed('rocchio', async () => {
        const d = queryEmbeddings.cols;
        const moved = matrix(dataset.queries.length, d);
        dataset.queries.forEach((q, i) => {
          const docs = Array.from(sampled[i], (c) => row(docEmbeddings, q.candidates[c]));
          const params = { ...DEFAULT_ROCCHIO, threshold: teacher.relevanceThreshold };
          moved.data.set(rocchioQuery(row(queryEmbeddings, i), docs, teacherScores[i].scores, params), i * d);
        });
        return candidateScoresOf(await scorer.scoreAll(moved));
      });
    }
    if (types.includes('rerank_only')) {
      scores.rerank_only = original.map((sims, i) =>
        rerankOnlyScores(sims, sampled[i], teacherScores[i].scores, method.scoresFromTop),
      );
    }

    const metrics = await timed('metrics', async () => {
      const out = {} as Record<ComputationType, RankingMetrics[]>;
      for (const type of types) {
        throwIfAborted(options.signal);
        out[type] = dataset.queries.map((q, i) => computeRankingMetrics(q.labels, scores[type][i]));
      }
      return out;
    });

    return {
      dataset,
      types,
      scores,
      metrics,
      sampled,
      teacher: teacherScores,
      trajectories,
      hyde,
      docEmbeddings,
      queryEmbeddings,
      timings,
    };
  } finally {
    scorer.dispose();
  }
}

/** The optimizer's input for one query; documents the teacher could not score are left out of the loss. */
export function refinementProblem(
  candidates: Int32Array,
  sampled: Int32Array,
  teacher: TeacherScores,
  query: Float32Array,
  docEmbeddings: Matrix,
): RefinementProblem {
  const kept = Array.from(sampled.keys()).filter(
    (i) => teacher.scores[i] !== null && Number.isFinite(teacher.scores[i]),
  );
  const d = docEmbeddings.cols;
  // A query whose documents the teacher could not score at all gets a single neutral document (its own
  // direction) so the batch stays rectangular: softmax over one entry is 1 = target, so the loss and the
  // gradient are zero and Adam leaves the query where it is.
  if (kept.length === 0)
    return { query, docs: matrix(1, d, Float32Array.from(query)), teacherScores: Float32Array.of(0) };
  const docs = matrix(kept.length, d);
  kept.forEach((i, r) => docs.data.set(row(docEmbeddings, candidates[sampled[i]]), r * d));
  return { query, docs, teacherScores: Float32Array.from(kept, (i) => teacher.scores[i]!) };
}
