import type { Dataset } from '../datasets/types';
import type { Embedder } from '../embedding/types';
import { matrix, row, type Matrix } from '../matrix';
import { computeRankingMetrics, rankByScore, type RankingMetrics } from '../metrics/rankingMetrics';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import { DEFAULT_ROCCHIO, rerankOnlyScores, rocchioQuery } from '../refine/baselines';
import { DeviceRun } from '../refine/deviceRun';
import type { OptimizerParams, RefineOptions } from '../refine/optimizer';
import { CorpusScorer } from '../refine/rescoring';
import type { HydeWriter } from '../teachers/llmHyde';
import type { Teacher, TeacherScores } from '../teachers/types';
import { RunSpecError } from './runSpecError';
import {
  HYDE_TYPES,
  hydeNeedsModel,
  validateMethod,
  type ComputationType,
  type MethodConfig,
} from './config';
import {
  askTeacher,
  candidateScores,
  refineTowardsTeacher,
  type TaughtQueries,
  teacherItems,
  teacherSamples,
} from './pipelineStages';

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

/** What `runExperiment` takes besides its inputs. */
export interface ExperimentOptions extends LongTaskOptions {
  /**
   * Called once per computation type as soon as its candidate scores are final (`original` once the
   * teacher's sample exists, which its raw-score files show), while the next types compute: the CLI starts
   * writing that type's large files (`typeTableFiles`) then. It must not change what it is given.
   */
  onScores?: (type: ComputationType, scores: Float32Array[], taught: ScoresTaught) => void;
}

/** The teacher's sample and scores (`ExperimentResult.sampled`, `.teacher`), given with each type's scores. */
export interface ScoresTaught {
  sampled: Int32Array[];
  teacher: TeacherScores[];
}

/**
 * One experiment: embed → first ranking → sample → teacher → refine / baselines → re-rank → metrics.
 * The same function runs in Node (CLI) and in the browser; the tfjs backend must be initialised before.
 */
export async function runExperiment(
  inputs: ExperimentInputs,
  options: ExperimentOptions = {},
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

  // On WebGPU the corpus, the candidates and every ranking stay on the device (DeviceRun): each ranking's
  // metrics come from the device's ranks, its candidate scores are read once.
  const device = DeviceRun.open(docEmbeddings, dataset.queries);
  const scorer = device?.scorer ?? new CorpusScorer(docEmbeddings);
  try {
    const candidateScoresOf = (type: ComputationType, embeddings: Matrix) =>
      device ? device.rank(type, embeddings) : candidateScores(scorer, embeddings, dataset.queries);
    const original = await timed('rank_original', () => candidateScoresOf('original', queryEmbeddings));
    // The fused kernel gathers its documents on the device where it is `auto`'s choice (a hardware adapter).
    const refineTaught = async (taught: TaughtQueries, params: OptimizerParams, opts: RefineOptions) =>
      (await device?.refineSamples(taught.embeddings, taught.samples, taught.scores, params, opts)) ??
      refineTowardsTeacher(taught, docEmbeddings, params, opts);

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
      scores.hyde = await timed('rank_hyde', () => candidateScoresOf('hyde', hydeEmbeddings));
    }

    // The original ranking, computed once: the sample, rerank_only and the metrics all start from it.
    const originalOrders = original.map((s) => rankByScore(s));
    const sampled = teacherSamples(original, method, originalOrders);
    // optimized_hyde refines the HyDE embedding with the teacher's scores of a sample of the HyDE ranking;
    // both samples go to the teacher in one batch.
    const hydeSampled =
      hyde && types.includes('optimized_hyde') ? teacherSamples(scores.hyde, method) : undefined;
    const itemsOf = (samples: Int32Array[]) => teacherItems(dataset, dataset.queries, samples);
    const allTeacherScores = await timed('teacher', () =>
      askTeacher(teacher, dataset, [...itemsOf(sampled), ...(hydeSampled ? itemsOf(hydeSampled) : [])], {
        signal: options.signal,
        onProgress: report('teacher'),
      }),
    );
    const Q = dataset.queries.length;
    const teacherScores = allTeacherScores.slice(0, Q);
    if (hyde && hydeSampled) {
      hyde.sampled = hydeSampled;
      hyde.teacher = allTeacherScores.slice(Q, 2 * Q);
    }

    const taught: ScoresTaught = { sampled, teacher: teacherScores };
    // Only the run's types: `hyde`'s scores exist for `optimized_hyde` alone too.
    const done = (type: ComputationType) => {
      if (types.includes(type)) options.onScores?.(type, scores[type], taught);
    };
    done('original');
    if (scores.hyde) done('hyde');

    let trajectories: Trajectories | undefined;

    if (types.includes('optimized')) {
      const refined = await timed('refine', async () => {
        const result = await refineTaught(
          {
            queries: dataset.queries,
            embeddings: queryEmbeddings,
            samples: sampled,
            scores: teacherScores.map((t) => t.scores),
          },
          method,
          { signal: options.signal, onProgress: report('refine') },
        );
        trajectories = { steps: result.steps, lossPerStep: result.lossPerStep, snapshots: result.snapshots };
        return result.refined;
      });
      scores.optimized = await timed('rank_optimized', () => candidateScoresOf('optimized', refined));
      done('optimized');
    }
    if (hyde?.sampled && hyde.teacher) {
      const { sampled: hs, teacher: ht, queryEmbeddings: hq } = hyde;
      const refined = await timed('refine_hyde', async () => {
        // As the reference, no trajectory is kept for the HyDE refinement.
        const result = await refineTaught(
          { queries: dataset.queries, embeddings: hq, samples: hs, scores: ht.map((t) => t.scores) },
          { ...method, recordEvery: 0 },
          { signal: options.signal, onProgress: report('refine HyDE') },
        );
        return result.refined;
      });
      scores.optimized_hyde = await timed('rank_optimized_hyde', () =>
        candidateScoresOf('optimized_hyde', refined),
      );
      done('optimized_hyde');
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
        return candidateScoresOf('rocchio', moved);
      });
      done('rocchio');
    }
    if (types.includes('rerank_only')) {
      scores.rerank_only = original.map((sims, i) =>
        rerankOnlyScores(sims, sampled[i], teacherScores[i].scores, method.scoresFromTop, originalOrders[i]),
      );
      done('rerank_only');
    }

    const metrics = await timed('metrics', async () => {
      const out = {} as Record<ComputationType, RankingMetrics[]>;
      for (const type of types) {
        throwIfAborted(options.signal);
        out[type] =
          device?.metrics(type) ??
          dataset.queries.map((q, i) =>
            computeRankingMetrics(
              q.labels,
              scores[type][i],
              type === 'original' ? originalOrders[i] : undefined,
            ),
          );
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
    (device ?? scorer).dispose();
  }
}
