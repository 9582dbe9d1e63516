import { DEFAULT_METHOD, HYDE_TYPES } from '../../core/experiment/config';
import type { RunConfig } from '../../core/experiment/runRecord';
import { runSpecOf, type RunSpec } from '../../core/experiment/runSpec';
import { registeredModelNames } from '../../core/embedding/modelRegistry';
import { DATASET_PARSERS } from '../../core/datasets/registry';
import { DOWNLOADABLE_DATASETS } from '../data/datasetSource';
import { LOCAL_PREFIX } from '../stores/explorer/viewSlice';
import type { ViewState } from '../url/urlState';
import { viewRunOf, type ViewRunSpec } from '../url/viewRunSpec';

/**
 * The settings of a finished run (its config.json, or a reference run's arguments mapped onto it) as the
 * app's view state, and whether this browser can run them again: the dataset must be built in, in the
 * server's data folder or downloadable, and the embedding model one this app loads.
 */

/** A finished run's settings: its spec as the view holds it (`viewRunOf`), on the backend the app picks. */
export type RunSettings = ViewRunSpec & Pick<ViewState, 'backend'>;

/**
 * The view of a recorded run: `runSpecOf` then `viewRunOf`, as this browser names and runs it: the dataset
 * in the registry's spelling (as the dataset picker names it), the HyDE types left to the HyDE model (the
 * worker adds them when it is named), and every step recorded.
 */
export function runSettingsOf(config: RunConfig): RunSettings {
  const spec = runSpecOf(config);
  const dataset = spec.dataset || 'unknown';
  const run = viewRunOf({
    ...spec,
    dataset: DATASET_PARSERS.find((p) => p.name.toLowerCase() === dataset.toLowerCase())?.name ?? dataset,
    embeddingModel: spec.embeddingModel || 'lsa',
    method: {
      ...spec.method,
      computationTypes: spec.method.computationTypes.filter((t) => !HYDE_TYPES.includes(t)),
      recordEvery: DEFAULT_METHOD.recordEvery,
    },
  });
  return { ...run, backend: 'auto' };
}

/**
 * Why a run of the history (its spec) cannot run in this browser, or null when it can. Dropped files are not
 * kept: a run of them re-runs on the files loaded now (the run says so otherwise).
 */
export function savedRunUnavailable(spec: RunSpec, serverDatasets: string[] | null): string | null {
  const settings = viewRunOf(spec);
  if (settings.dataset.startsWith(LOCAL_PREFIX)) return null;
  return rerunUnavailable({ ...settings, backend: 'auto' }, serverDatasets);
}

/** Why `settings` cannot run in this browser, or null when they can. */
export function rerunUnavailable(settings: RunSettings, serverDatasets: string[] | null): string | null {
  const wanted = settings.dataset.toLowerCase();
  const dataset = DATASET_PARSERS.find((p) => p.name.toLowerCase() === wanted);
  const here =
    dataset &&
    (dataset.requiredFiles.length === 0 ||
      serverDatasets?.includes(dataset.name) ||
      DOWNLOADABLE_DATASETS.includes(dataset.name));
  if (!here)
    return `the dataset "${settings.dataset}" is not available here (not built in, not in the server's data folder, not downloadable)`;
  const model = settings.embeddingModel;
  const loadable =
    /^lsa(-\d+)?$/i.test(model) ||
    registeredModelNames().includes(model) ||
    model.includes('/') ||
    model.startsWith('remote:');
  if (!loadable) return `the embedding model "${model}" is not one this app can load`;
  return null;
}
