import { initBackend } from '../core/compute/backend';
import { buildDemoDataset } from '../core/datasets/demo/demoParser';
import type { Dataset } from '../core/datasets/types';
import { LsaEmbedder } from '../core/embedding/lsaEmbedder';
import type { MethodConfig } from '../core/experiment/config';
import { runExperiment, type ExperimentOptions, type ExperimentResult } from '../core/experiment/pipeline';
import { GoldTeacher } from '../core/teachers/goldTeacher';

/**
 * For tests: a whole experiment on the built-in demo dataset, on the CPU backend, with LSA embeddings of
 * `embeddingDims` dimensions (seed 42) and the gold teacher; `dataset` replaces the demo dataset.
 */
export async function runDemoExperiment(
  method: MethodConfig,
  embeddingDims = 64,
  options: ExperimentOptions = {},
  dataset: Dataset = buildDemoDataset(),
): Promise<ExperimentResult> {
  await initBackend('cpu');
  return runExperiment(
    {
      dataset,
      embedder: new LsaEmbedder({ dims: embeddingDims, seed: 42 }),
      teacher: new GoldTeacher(),
      method,
    },
    options,
  );
}
