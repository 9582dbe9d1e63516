import path from 'node:path';
import type { Dataset } from '../core/datasets/types';
import type { Embedder } from '../core/embedding/types';
import type { ComputationType } from '../core/experiment/config';
import { toConfig, type RunConfig } from '../core/experiment/runRecord';
import { chooseImplementation } from '../core/refine/optimizer';
import type { Teacher } from '../core/teachers/types';
import { runSpecOfOptions, type ExperimentOptions } from './experimentOptions';
import { outputKinds } from './outputsOption';
import { packageVersions } from './versions';

/** What `npm run experiment` found out while it ran, for its config.json. */
export interface CliRunFacts {
  dataset: Dataset;
  /** Where the dataset was read from, and the data folder (null: none). */
  location: string;
  dataDir: string | null;
  /** The effective document cap (Infinity: none). */
  maxDocuments: number;
  embedder: Embedder;
  teacher: Teacher;
  types: readonly ComputationType[];
  backend: { name: string; adapter: string };
  /** The teacher proxy's URL or "direct"; null when the run used no LLM. */
  llmVia: string | null;
  now: Date;
}

/** config.json of a CLI run: its options as a `RunSpec`, through the same `toConfig` as the browser's. */
export function cliRunConfig(options: ExperimentOptions, facts: CliRunFacts): RunConfig {
  return toConfig(runSpecOfOptions(options), {
    source: 'cli',
    dataset: {
      name: facts.dataset.name,
      instruction: facts.dataset.instruction,
      notes: facts.dataset.notes ?? [],
      maxDocuments: Number.isFinite(facts.maxDocuments) ? facts.maxDocuments : null,
      location: facts.location,
      dataDir: facts.dataDir,
    },
    embedder: facts.embedder,
    teacher: facts.teacher,
    types: facts.types,
    backend: facts.backend,
    // The optimizer implementation `refineQueries` picks for this backend (all three match the golden cases).
    optimizerImplementation: chooseImplementation(facts.backend.name),
    llmVia: facts.llmVia,
    versions: packageVersions(),
    outputs: {
      experimentName: options.experimentName,
      outputDir: path.resolve(options.outputDir),
      saveTensors: options.saveTensors,
      saveEmbeddings: options.saveEmbeddings,
      outputLayout: options.outputLayout,
      outputs: outputKinds(options.outputs),
      embeddingBatchSize: options.embedding.batchSize ?? null,
    },
    timestamp: facts.now.toISOString(),
  });
}
