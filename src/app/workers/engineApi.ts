import type { BackendInfo, BackendPreference } from '../../core/compute/backend';
import { createEmbedder } from '../../core/embedding/embedderFactory';
import { TransformersEmbedder } from '../../core/embedding/transformersEmbedder';
import { HYDE_TYPES, type ComputationType, type MethodConfig } from '../../core/experiment/config';
import { summarize, type ExperimentSummary } from '../../core/experiment/outputs';
import { runExperiment } from '../../core/experiment/pipeline';
import { experimentZip } from '../../core/experiment/runArchive';
import { measureLatency, type LatencyReport } from '../../core/experiment/latency';
import type { Embedder } from '../../core/embedding/types';
import type { RunConfig } from '../../core/experiment/runRecord';
import { validateRunSpec, type RunSpec } from '../../core/experiment/runSpec';
import type { Teacher } from '../../core/teachers/types';
import * as tf from '@tensorflow/tfjs-core';
import { QueryProjector, type QueryProjection } from '../../core/experiment/queryProjection';
import { RefinementSession, type QueryView } from '../../core/experiment/session';
import {
  rankTrajectoryView,
  sessionTeachingSource,
  teacherStudentView,
  type TeachingSource,
  type RankTrajectoryView,
  type TeacherStudentView,
} from '../../core/experiment/queryTeaching';
import type { RankingMetrics } from '../../core/metrics/rankingMetrics';
import { chooseImplementation } from '../../core/refine/optimizer';
import { CrossEncoderTeacher } from '../../core/teachers/crossEncoderTeacher';
import { createTeacher } from '../../core/teachers/teacherFactory';
import { LlmHttpClient } from '../../core/teachers/llmHttpClient';
import { LlmHydeWriter } from '../../core/teachers/llmHyde';
import { loadDatasetSource, type DatasetSource } from '../data/datasetSource';
import { browserEmbedderSettings, type EmbeddingRunOptions } from './embeddingService';
import type { CallContext } from './rpc';
import { isRemoteEmbeddingModel, remoteBrowserEmbedderSettings } from './remoteEmbedding';
import { browserCrossEncoderSettings } from './crossEncoderService';
import type { OpenedRunSession } from '../../core/experiment/openedRun';
import type { RunSource } from '../runs/runSource';
import { openRunSession, type OpenedRunResponse } from './openRunService';
import { engineProbes } from './engineProbes';
import { exclusive, initWorkerBackend, workerBackend } from './workerLock';
import { browserRunConfig } from './browserRunConfig';

export interface ExperimentRequest {
  source: DatasetSource;
  /** The run, as the view asks for it (`runSpecOfView`); the worker validates, runs and records it. */
  spec: RunSpec;
  /**
   * How a neural embedding model runs (device, templates); ignored by LSA. Its dtype and pooling are the
   * spec's (`spec.embedding`), which override any given here.
   */
  embedding?: EmbeddingRunOptions;
  /** The page's origin: where the teacher proxy (`/api`) is. */
  origin: string;
}

export interface QueryOutcome {
  id: string;
  text: string;
  metrics: Partial<Record<ComputationType, RankingMetrics>>;
}

export interface ExperimentResponse {
  summary: ExperimentSummary;
  /** Teacher scores above this count as relevant (0.5 for labels and P(yes), 50 for 0–100 ratings). */
  teacherThreshold: number;
  queries: QueryOutcome[];
  embeddingDims: number;
  /** Model device fallbacks (embedder and cross-encoder teacher) and cache problems, for the user. */
  embeddingNotes: string[];
}

let session: RefinementSession | undefined;
/** What the current session was run with, for its exports. */
let lastRun:
  | {
      config: RunConfig;
      /** For the latency report: the run's teacher, its embedder, and an uncached copy of a neural one. */
      teacher: Teacher;
      embedder: Embedder;
      uncachedEmbedder: () => Embedder;
      method: MethodConfig;
      latency?: LatencyReport;
    }
  | undefined;
let projector: QueryProjector | undefined;
/** A finished run opened from its files (read-only); while it is open there is no live session. */
let opened: OpenedRunSession | undefined;

/** Documents fitted on the map at most; relevant and sampled ones are always added. */
const MAP_BUDGET = 2000;

function noSessionError(): Error {
  return new Error(
    opened
      ? 'this run was opened from its files and is read-only: use "Re-run in the browser" to refine, edit or export it here'
      : 'no experiment has run yet: run the dataset first',
  );
}

/** The teaching views' source: the opened run's files, else the live session. */
function teachingSource(): TeachingSource {
  return opened ? opened.teachingSource() : sessionTeachingSource(currentSession());
}

function currentSession(): RefinementSession {
  if (!session) throw noSessionError();
  return session;
}

/** The explorer always needs the refined ranking, whatever else was asked for. */
function withOptimized(types: ComputationType[]): ComputationType[] {
  return types.includes('optimized') ? types : [...types, 'optimized'];
}

/**
 * The engine as the compute worker serves it (see engine.worker.ts): the explorer's session (a run, its
 * queries, maps, teaching views, exports and latency, or an opened run) here, and the automation and
 * benchmark probes (engineProbes.ts).
 */
export const engineApi = {
  async init(preference: BackendPreference): Promise<BackendInfo> {
    return exclusive(() => initWorkerBackend(preference));
  },

  /**
   * Runs every query of the dataset and keeps the result as the worker's session, which the explorer's
   * single-query calls below read. A new run replaces the previous session.
   */
  async runExperiment(request: ExperimentRequest, context: CallContext): Promise<ExperimentResponse> {
    return exclusive(() => runAll(request, context));
  },

  async queryView(request: { index: number; topK: number }): Promise<QueryView> {
    return exclusive(async () =>
      opened ? opened.view(request.index, request.topK) : currentSession().view(request.index, request.topK),
    );
  },

  /** Re-runs one query with edited teacher scores (null: the teacher's own) and returns its new view. */
  async whatIf(
    request: { index: number; scores: (number | null)[] | null; topK: number },
    context: CallContext,
  ): Promise<QueryView> {
    return exclusive(async () => {
      await currentSession().whatIf(request.index, request.scores, { signal: context.signal });
      return currentSession().view(request.index, request.topK);
    });
  },

  /** The UMAP map of a query's candidates and the query's path over it (fitted once per candidate set). */
  async projectQuery(request: { index: number }, context: CallContext): Promise<QueryProjection> {
    return exclusive(async () => {
      const mapper = opened ?? projector;
      if (!mapper) throw noSessionError();
      const map = await mapper.project(request.index, {
        signal: context.signal,
        onProgress: context.onProgress,
      });
      // Copies, so that transferring them leaves the cached fit intact.
      const out = { ...map, coords: map.coords.slice(), trajectory: map.trajectory.slice() };
      context.transfer(out.coords.buffer, out.trajectory.buffer, out.candidates.buffer, out.labels.buffer);
      return out;
    });
  },

  /** Teacher vs student: p and r over the query's sampled documents at every recorded step (and the KL). */
  async teacherStudent(request: { index: number }): Promise<TeacherStudentView> {
    return exclusive(async () => teacherStudentView(teachingSource(), request.index));
  },

  /** Ranks over steps: the query's relevant and sampled documents re-ranked at every trajectory snapshot. */
  async rankTrajectory(request: { index: number }): Promise<RankTrajectoryView> {
    return exclusive(() => rankTrajectoryView(teachingSource(), request.index));
  },

  /**
   * The current run as one zip with exactly the files the CLI writes (config.json, results, raw scores as
   * CSV and Parquet, TREC run files and qrels, summary.json, trajectories). What-if edits are included,
   * and config.json lists the queries they changed.
   */
  async exportRun(request: { name: string }, context: CallContext): Promise<Uint8Array> {
    return exclusive(async () => {
      if (!session || !lastRun) throw noSessionError();
      const config = {
        ...lastRun.config,
        experiment_name: request.name,
        what_if_edited_queries: session.editedQueryIds(),
      };
      const summary = summarize(session.result, request.name, lastRun.config.random_seed ?? 42);
      if (lastRun.latency) summary.latency_ms = lastRun.latency;
      const zip = await experimentZip(session.result, {
        config,
        summary,
        folder: request.name,
        trajectories: true,
        signal: context.signal,
        onProgress: context.onProgress,
      });
      context.transfer(zip.buffer);
      return zip;
    });
  },

  /**
   * The per-query latency report of the current run (as `--measure-latency`): query embedding, teacher,
   * refinement and re-scoring timed one query at a time after warm-up, in this worker on its backend.
   */
  async measureLatency(
    request: { queries: number; warmup: number },
    context: CallContext,
  ): Promise<LatencyReport> {
    return exclusive(async () => {
      if (!session || !lastRun) throw noSessionError();
      const run = lastRun;
      const neural = run.embedder instanceof TransformersEmbedder;
      const report = await measureLatency(
        {
          result: session.result,
          embedder: neural ? run.uncachedEmbedder() : run.embedder,
          teacher: run.teacher,
          method: run.method,
          queries: request.queries,
          warmup: request.warmup,
          notes: [
            `measured in the browser's compute worker on ${tf.getBackend()}`,
            ...(neural
              ? ['query embeddings were computed by the model (the embedding cache was not used)']
              : []),
            ...(run.teacher.id.startsWith('llm')
              ? ['the LLM teacher was called through the teacher proxy, whose cache may answer']
              : []),
          ],
        },
        { signal: context.signal, onProgress: context.onProgress },
      );
      run.latency = report;
      return report;
    });
  },

  /**
   * Opens a finished run from its files (a CLI folder, an exported zip, a reference run, a server run):
   * parsed here, Parquet a row group at a time with progress, cancellable. It replaces the live session.
   */
  async openRun(
    request: { source: RunSource; origin: string },
    context: CallContext,
  ): Promise<OpenedRunResponse> {
    return exclusive(async () => {
      const { session: next, response } = await openRunSession(
        request.source,
        request.origin,
        { budget: MAP_BUDGET, seed: 42 },
        context,
      );
      session?.dispose();
      session = undefined;
      lastRun = undefined;
      projector = undefined;
      opened?.dispose();
      opened = next;
      return response;
    });
  },

  ...engineProbes,
};

export type EngineApi = typeof engineApi;

/**
 * Runs every query of the dataset and keeps the result as the worker's session, which the explorer's
 * single-query calls read. A new run replaces the previous session.
 */
async function runAll(request: ExperimentRequest, context: CallContext): Promise<ExperimentResponse> {
  const options = { signal: context.signal, onProgress: context.onProgress };
  const seed = request.spec.method.randomSeed;
  // The explorer always shows the refined ranking; a HyDE model adds the HyDE types (as the CLI's `all`).
  const types = withOptimized(request.spec.method.computationTypes);
  if (request.spec.hydeModel) for (const t of HYDE_TYPES) if (!types.includes(t)) types.push(t);
  const method = { ...request.spec.method, computationTypes: types };
  const spec = { ...request.spec, method };
  validateRunSpec(spec);
  context.onProgress({ stage: 'load dataset', done: 0, total: 1 });
  const dataset = await loadDatasetSource(request.source, {
    signal: context.signal,
    onProgress: context.onProgress,
  });
  // remote:<model> runs on the embeddings server behind the app server; others in this worker.
  const embedding = { ...request.embedding, ...spec.embedding };
  const neural = isRemoteEmbeddingModel(spec.embeddingModel)
    ? remoteBrowserEmbedderSettings(request.origin, embedding, { instruction: dataset.instruction })
    : await browserEmbedderSettings(spec.embeddingModel, embedding, {
        instruction: dataset.instruction,
        onProgress: context.onProgress,
      });
  const embedder = createEmbedder(spec.embeddingModel, seed, neural.settings);
  const llm = new LlmHttpClient(request.origin, (url, init) => fetch(url, init));
  const teacherRun = await browserCrossEncoderSettings(
    spec.teacher,
    request.embedding?.device,
    context.onProgress,
  );
  const teacher = createTeacher(spec.teacher, {
    noise: spec.teacherNoise,
    seed,
    llm,
    mode: spec.teacherMode,
    crossEncoder: teacherRun.crossEncoder,
  });
  const hyde = spec.hydeModel ? new LlmHydeWriter(llm, { model: spec.hydeModel }) : undefined;
  const result = await runExperiment({ dataset, embedder, teacher, method, hyde }, options);
  session?.dispose();
  session = new RefinementSession(result, method);
  opened?.dispose();
  opened = undefined;
  lastRun = {
    config: browserRunConfig(request, spec, {
      dataset,
      embedder,
      teacher,
      types: result.types,
      backend: {
        name: tf.getBackend(),
        adapter: workerBackend()?.name === tf.getBackend() ? workerBackend()!.adapter : tf.getBackend(),
      },
      optimizerImplementation: chooseImplementation(),
      tfjsVersion: tf.version_core,
      now: new Date(),
    }),
    teacher,
    embedder,
    uncachedEmbedder: () =>
      createEmbedder(spec.embeddingModel, seed, { ...neural.settings, cache: undefined }),
    method,
  };
  projector = new QueryProjector(session, { budget: MAP_BUDGET, seed });
  return {
    summary: summarize(result, `${dataset.name} in the browser`, seed),
    embeddingDims: embedder.dims,
    teacherThreshold: teacher.relevanceThreshold,
    embeddingNotes: [
      ...neural.notes,
      ...(embedder instanceof TransformersEmbedder ? embedder.notes : []),
      ...teacherRun.notes,
      ...(teacher instanceof CrossEncoderTeacher ? teacher.notes : []),
    ],
    queries: dataset.queries.map((q, i) => ({
      id: q.id,
      text: q.text,
      metrics: Object.fromEntries(result.types.map((t) => [t, result.metrics[t][i]])),
    })),
  };
}
