import type { BackendPreference } from '../core/compute/backend';
import type { OptimizerParams, RefinementProblem } from '../core/refine/optimizer';
import { engineClient } from './stores/runStore';

/**
 * The automation surface for Playwright and other headless checks: the same worker the UI uses, called
 * without clicking. Stable API; documented in the README.
 */
export const automation = {
  init: (backend: BackendPreference) => engineClient().call('init', backend),
  refine: (problems: RefinementProblem[], params: OptimizerParams) =>
    engineClient().call('refine', { problems, params }),
};

declare global {
  interface Window {
    refinementExplorer: typeof automation;
  }
}

window.refinementExplorer = automation;
