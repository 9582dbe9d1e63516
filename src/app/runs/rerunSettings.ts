import {
  COMPUTATION_TYPES,
  DEFAULT_METHOD,
  HYDE_TYPES,
  type ComputationType,
} from '../../core/experiment/config';
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

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const num = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/** The embedder name to ask for: the spec the run was given (an LSA embedder's id carries its seed). */
function embedderName(config: Record<string, unknown>): string {
  const name = text(config.embedding_model_spec) ?? text(config.embedding_model) ?? 'lsa';
  return /^(lsa(?:-\d+)?)-seed\d+$/i.exec(name)?.[1] ?? name;
}

export function runSettingsOf(config: Record<string, unknown>): RunSettings {
  const types = Array.isArray(config.computation_types)
    ? (config.computation_types as unknown[]).filter((t): t is ComputationType =>
        (COMPUTATION_TYPES as readonly unknown[]).includes(t),
      )
    : DEFAULT_METHOD.computationTypes;
  const teacher = text(config.teacher_spec) ?? text(config.teacher) ?? 'gold';
  const dataset = text(config.dataset_spec) ?? text(config.dataset) ?? 'unknown';
  return {
    // The registry's spelling, as the dataset picker names it.
    dataset: DATASET_PARSERS.find((p) => p.name.toLowerCase() === dataset.toLowerCase())?.name ?? dataset,
    embeddingModel: embedderName(config),
    teacher,
    teacherNoise: num(config.teacher_noise, 0.2),
    backend: 'auto',
    method: {
      ...DEFAULT_METHOD,
      computationTypes: types.filter((t) => !HYDE_TYPES.includes(t)),
      lr: num(config.lr, DEFAULT_METHOD.lr),
      numSteps: num(config.num_steps, DEFAULT_METHOD.numSteps),
      totalScores: num(config.total_scores, DEFAULT_METHOD.totalScores),
      scoresFromTop: num(config.scores_from_top, DEFAULT_METHOD.scoresFromTop),
      randomSeed: num(config.random_seed, DEFAULT_METHOD.randomSeed),
      refit: config.refit === true,
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
