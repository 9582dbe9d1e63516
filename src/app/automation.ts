import type { BackendPreference } from '../core/compute/backend';
import type { OptimizerParams, RefinementProblem } from '../core/refine/optimizer';
import { engineClient, useExplorer } from './stores/explorerStore';

/**
 * The automation surface for Playwright and other headless checks (documented in the README): the same
 * worker the UI uses, called without clicking, and read access to what the UI shows.
 */
export const automation = {
  init: (backend: BackendPreference) => engineClient().call('init', backend),
  refine: (problems: RefinementProblem[], params: OptimizerParams) =>
    engineClient().call('refine', { problems, params }),
  /** The selected query's view as the engine computed it (metrics before/after, ranks, loss). */
  currentQuery: () => useExplorer.getState().query,
  /** The whole run's summary. */
  summary: () => useExplorer.getState().experiment?.summary,
};

declare global {
  interface Window {
    refinementExplorer: typeof automation;
  }
}

window.refinementExplorer = automation;
