import type { BackendPreference } from '../../core/compute/backend';
import {
  refineQueries,
  type OptimizerParams,
  type RefineImplementation,
  type RefinementProblem,
  type RefinementResult,
} from '../../core/refine/optimizer';
import { crossEncodeTexts } from './crossEncoderService';
import { clearEmbeddingCache, configureModelHost, embedTexts } from './embeddingService';
import { benchmarkDemo, type BrowserBenchmark } from './engineBenchmark';
import type { CallContext } from './rpc';
import { exclusive, initWorkerBackend } from './workerLock';

/**
 * The compute worker's calls besides the explorer's session: the automation surface (embed texts, score
 * pairs, where models download from), and the probes of the benchmarks and the browser golden tests. None
 * of them touches the session.
 */
export const engineProbes = {
  /** Neural embeddings of texts (the automation surface, and checking a model before a run). */
  embed: embedTexts,
  /** Cross-encoder scores of (query, document) pairs (the automation surface, and checking a model). */
  crossEncode: crossEncodeTexts,
  /** Where Hub ids download from (default the Hub; the app server's mirror is `/hf/`). */
  configureModels: configureModelHost,
  clearEmbeddingCache: async () => clearEmbeddingCache(),

  /** Times the explorer's stages on the demo with `backend` (see scripts/benchBrowser.ts). */
  async benchmark(request: { backend: BackendPreference }): Promise<BrowserBenchmark> {
    return exclusive(async () => benchmarkDemo(await initWorkerBackend(request.backend)));
  },

  /** The optimizer alone, for the browser golden tests and benchmarks. */
  async refine(
    request: {
      problems: RefinementProblem[];
      params: OptimizerParams;
      /** Default `auto`; the e2e tests name each implementation to check them against each other. */
      implementation?: RefineImplementation;
    },
    context: CallContext,
  ): Promise<RefinementResult> {
    return exclusive(async () => {
      const result = await refineQueries(request.problems, request.params, {
        signal: context.signal,
        implementation: request.implementation,
      });
      context.transfer(
        result.refined.data.buffer,
        result.lossPerStep.data.buffer,
        result.snapshots.data.buffer,
      );
      return result;
    });
  },
};
