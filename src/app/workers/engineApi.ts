import type { BackendInfo, BackendPreference } from '../../core/compute/backend';
import { loadDataset } from '../../core/datasets/registry';
import type { DataFiles } from '../../core/datasets/types';
import { createEmbedder } from '../../core/embedding/embedderFactory';
import type { ComputationType, MethodConfig } from '../../core/experiment/config';
import { summarize, type ExperimentSummary } from '../../core/experiment/outputs';
import { runExperiment } from '../../core/experiment/pipeline';
import type { RankingMetrics } from '../../core/metrics/rankingMetrics';
import {
  refineQueries,
  type OptimizerParams,
  type RefinementProblem,
  type RefinementResult,
} from '../../core/refine/optimizer';
import { createTeacher } from '../../core/teachers/teacherFactory';
import { initBrowserBackend } from '../compute/browserBackends';
import type { CallContext } from './rpc';

export interface ExperimentRequest {
  dataset: string;
  embeddingModel: string;
  teacher: string;
  teacherNoise: number;
  method: MethodConfig;
}

export interface QueryOutcome {
  id: string;
  text: string;
  metrics: Partial<Record<ComputationType, RankingMetrics>>;
}

export interface ExperimentResponse {
  summary: ExperimentSummary;
  queries: QueryOutcome[];
  embeddingDims: number;
}

/** Only built-in datasets load in the browser for now; folders, zips and the server's /data come later. */
const noFiles: DataFiles = {
  location: 'the browser (built-in datasets only)',
  exists: async () => false,
  readText: async (p) =>
    Promise.reject(new Error(`cannot read ${p}: only built-in datasets load in the browser`)),
  readBytes: async (p) =>
    Promise.reject(new Error(`cannot read ${p}: only built-in datasets load in the browser`)),
};

/** The engine as the compute worker serves it (see engine.worker.ts). */
export const engineApi = {
  async init(preference: BackendPreference): Promise<BackendInfo> {
    return initBrowserBackend(preference);
  },

  async runExperiment(request: ExperimentRequest, context: CallContext): Promise<ExperimentResponse> {
    const options = { signal: context.signal, onProgress: context.onProgress };
    const dataset = await loadDataset(request.dataset, noFiles, { seed: request.method.randomSeed });
    const embedder = createEmbedder(request.embeddingModel, request.method.randomSeed);
    const teacher = createTeacher(request.teacher, {
      noise: request.teacherNoise,
      seed: request.method.randomSeed,
    });
    const result = await runExperiment({ dataset, embedder, teacher, method: request.method }, options);
    return {
      summary: summarize(result, `${dataset.name} in the browser`, request.method.randomSeed),
      embeddingDims: embedder.dims,
      queries: dataset.queries.map((q, i) => ({
        id: q.id,
        text: q.text,
        metrics: Object.fromEntries(result.types.map((t) => [t, result.metrics[t][i]])),
      })),
    };
  },

  /** The optimizer alone, for the browser golden tests and benchmarks. */
  async refine(
    request: { problems: RefinementProblem[]; params: OptimizerParams },
    context: CallContext,
  ): Promise<RefinementResult> {
    const result = await refineQueries(request.problems, request.params, { signal: context.signal });
    context.transfer(
      result.refined.data.buffer,
      result.lossPerStep.data.buffer,
      result.snapshots.data.buffer,
    );
    return result;
  },
};

export type EngineApi = typeof engineApi;
