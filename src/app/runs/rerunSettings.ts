import { DEFAULT_METHOD, HYDE_TYPES } from '../../core/experiment/config';
import type { RunConfig } from '../../core/experiment/runRecord';
import { runSpecOf } from '../../core/experiment/runSpec';
import { registeredModelNames } from '../../core/embedding/modelRegistry';
import { DATASET_PARSERS } from '../../core/datasets/registry';
import { DOWNLOADABLE_DATASETS } from '../data/datasetSource';
import type { SavedRun } from '../storage/runHistory';

/**
 * The settings of a finished run (its config.json, or a reference run's arguments mapped onto it) as the
 * app's view state, and whether this browser can run them again: the dataset must be built in, in the
 * server's data folder or downloadable, and the embedding model one this app loads.
 */

export type RunSettings = SavedRun['settings'];

export function runSettingsOf(config: RunConfig): RunSettings {
  const spec = runSpecOf(config);
  const dataset = spec.dataset || 'unknown';
  return {
    // The registry's spelling, as the dataset picker names it.
    dataset: DATASET_PARSERS.find((p) => p.name.toLowerCase() === dataset.toLowerCase())?.name ?? dataset,
    embeddingModel: spec.embeddingModel || 'lsa',
    teacher: spec.teacher,
    teacherNoise: spec.teacherNoise,
    backend: 'auto',
    method: {
      ...spec.method,
      computationTypes: spec.method.computationTypes.filter((t) => !HYDE_TYPES.includes(t)),
      recordEvery: DEFAULT_METHOD.recordEvery,
    },
  };
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
