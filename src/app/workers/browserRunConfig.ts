import { parserForSpec } from '../../core/datasets/datasetSpec';
import { getDatasetParser } from '../../core/datasets/registry';
import type { Dataset } from '../../core/datasets/types';
import type { Embedder } from '../../core/embedding/types';
import type { ComputationType } from '../../core/experiment/config';
import { toConfig, type RunConfig } from '../../core/experiment/runRecord';
import type { RunSpec } from '../../core/experiment/runSpec';
import { llmTeacherModel } from '../../core/teachers/teacherNames';
import type { Teacher } from '../../core/teachers/types';
import type { DatasetSource } from '../data/datasetSource';
import type { ExperimentRequest } from './engineApi';

/**
 * A browser run's record: the request's `RunSpec` (the view's, `runSpecOfView`) and what the run found out,
 * through the same `toConfig` as the CLI's, so that a run's files read the same whichever driver made them.
 */

/** Where the browser read the dataset from, for config.json's `dataset_location`. */
function datasetLocationOf(source: DatasetSource): string {
  switch (source.kind) {
    case 'builtin':
      return 'built-in';
    case 'server':
      return `the server's data folder (${source.origin})`;
    case 'remote':
      return source.mirror ? `downloaded through ${source.mirror}` : 'downloaded from its public source';
    case 'files':
      return `files opened in the browser (${source.label})`;
  }
}

export interface BrowserRunFacts {
  dataset: Dataset;
  embedder: Embedder;
  teacher: Teacher;
  types: readonly ComputationType[];
  backend: { name: string; adapter: string };
  optimizerImplementation: string;
  tfjsVersion: string;
  now: Date;
}

/** config.json of a browser run (`spec`: its request's, with the types that run). */
export function browserRunConfig(
  request: ExperimentRequest,
  spec: RunSpec,
  facts: BrowserRunFacts,
): RunConfig {
  const { source } = request;
  const parser = source.kind === 'files' ? parserForSpec(source.spec) : getDatasetParser(source.name);
  const usesLlm = llmTeacherModel(spec.teacher) !== undefined || !!spec.hydeModel;
  return toConfig(spec, {
    source: 'browser',
    dataset: {
      name: facts.dataset.name,
      instruction: facts.dataset.instruction,
      notes: facts.dataset.notes ?? [],
      maxDocuments: parser.defaultMaxDocuments ?? null,
      location: datasetLocationOf(source),
      dataDir: null,
    },
    embedder: facts.embedder,
    teacher: facts.teacher,
    types: facts.types,
    backend: facts.backend,
    optimizerImplementation: facts.optimizerImplementation,
    // LLM calls go through the teacher proxy of the page's server.
    llmVia: usesLlm ? request.origin : null,
    versions: { tfjs: facts.tfjsVersion },
    outputs: null,
    timestamp: facts.now.toISOString(),
  });
}
