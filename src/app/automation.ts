import type { BackendPreference } from '../core/compute/backend';
import type { OptimizerParams, RefineImplementation, RefinementProblem } from '../core/refine/optimizer';
import type { EmbeddingDevicePreference } from './compute/embeddingDevice';
import type { EmbeddingRunOptions } from './workers/embeddingService';
import { engineClient, useExplorer } from './stores/explorerStore';
import { useTeaching } from './stores/teachingStore';

/**
 * The automation surface for Playwright and other headless checks (documented in docs/explorer-and-automation.md): the same
 * worker the UI uses, called without clicking, and read access to what the UI shows.
 */
export const automation = {
  init: (backend: BackendPreference) => engineClient().call('init', backend),
  /** The optimizer alone; `implementation` as in refineQueries (default `auto`). */
  refine: (
    problems: RefinementProblem[],
    params: OptimizerParams,
    implementation: RefineImplementation = 'auto',
  ) => engineClient().call('refine', { problems, params, implementation }),
  /**
   * Neural embeddings of `texts` with `model` (a registered name or a Hub id) in the engine worker, on
   * `device` (auto: WebGPU on a hardware adapter, else wasm). Resolves to the matrix, the device used, notes
   * (fallbacks) and cache statistics.
   */
  embed: (
    texts: string[],
    model: string,
    device: EmbeddingDevicePreference = 'auto',
    options: EmbeddingRunOptions & { kind?: 'documents' | 'queries' } = {},
  ) => engineClient().call('embed', { ...options, texts, model, device }),
  /**
   * Cross-encoder scores of (query, document) pairs with `model` (a Hub id; default
   * cross-encoder/ms-marco-MiniLM-L-6-v2) in the engine worker, on `device` (as `embed`). Resolves to one
   * score per pair (raw logits for ms-marco models), the device used and notes (fallbacks).
   */
  crossEncode: (
    pairs: { query: string; document: string }[],
    model?: string,
    device: EmbeddingDevicePreference = 'auto',
    options: { batchSize?: number } = {},
  ) => engineClient().call('crossEncode', { ...options, pairs, model, device }),
  /** Download Hub models from `remoteHost` instead of the Hub, e.g. the app server's mirror `/hf/`. */
  setModelHost: (remoteHost: string) => engineClient().call('configureModels', { remoteHost }),
  clearEmbeddingCache: () => engineClient().call('clearEmbeddingCache', undefined),
  /** Times embedding, projection and refinement of the demo on a backend (the browser benchmark). */
  benchmark: (backend: BackendPreference) => engineClient().call('benchmark', { backend }),
  /**
   * The selected query's view as the engine computed it (metrics before/after, ranks, loss), with its
   * teaching views once computed: `teacherStudent` (teacher scores, p, and per recorded step the cosines,
   * r and KL) and `rankTrajectory` (ranks of the relevant and sampled documents at every step).
   */
  currentQuery: () => {
    const query = useExplorer.getState().query;
    if (!query) return undefined;
    const { teacherStudent, rankTrajectory } = useTeaching.getState();
    return {
      ...query,
      teacherStudent: teacherStudent?.index === query.index ? teacherStudent : undefined,
      rankTrajectory: rankTrajectory?.index === query.index ? rankTrajectory : undefined,
    };
  },
  /** The whole run's summary. */
  summary: () => useExplorer.getState().experiment?.summary,
};

declare global {
  interface Window {
    refinementExplorer: typeof automation;
  }
}

window.refinementExplorer = automation;
