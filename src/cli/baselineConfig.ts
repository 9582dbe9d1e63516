import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BACKENDS, DEFAULT_VIEW, type ViewState } from '../app/url/urlState';
import { parseDatasetSpec } from '../core/datasets/datasetSpec';
import { getDatasetParser } from '../core/datasets/registry';
import { DEFAULT_METHOD } from '../core/experiment/config';
import { summarize, type ExperimentSummary } from '../core/experiment/outputs';
import { projectConfigOfReference } from '../core/experiment/referenceLayout';
import { readReferenceRun } from '../core/experiment/referenceRun';
import { parseConfig, type RunConfig } from '../core/experiment/runRecord';
import { runSpecOf, runsOnTransformers } from '../core/experiment/runSpec';
import { folderFiles } from './dataFolder';

/** A baseline of the regression check: a run's summary.json and the config.json beside it. */
export interface Baseline {
  summaryFile: string;
  summary: ExperimentSummary;
  config: RunConfig;
}

/** Reads `<folder>/summary.json` (or the summary file given) and the config.json next to it. */
export async function readBaseline(reference: string): Promise<Baseline> {
  const target = path.resolve(reference);
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new Error(
      `--baseline ${reference}: no such file or folder (give a run's summary.json or its folder)`,
    );
  }
  const summaryFile = info.isDirectory() ? path.join(target, 'summary.json') : target;
  const folder = path.dirname(summaryFile);
  const configFile = path.join(folder, 'config.json');
  const referenceConfigFile = path.join(folder, 'experiment_config.json');
  // A folder in the reference layout (the reference's own, or --output-layout reference) has
  // experiment_config.json instead of config.json, and may lack summary.json: it is computed from its files.
  if (!existsSync(configFile) && existsSync(referenceConfigFile)) {
    const config = projectConfigOfReference(
      await readJson(referenceConfigFile, 'the reference configuration'),
      referenceConfigFile,
    );
    if (existsSync(summaryFile))
      return {
        summaryFile,
        summary: (await readJson(summaryFile, 'the baseline summary')) as unknown as ExperimentSummary,
        config,
      };
    const run = await readReferenceRun(folderFiles(folder));
    const summary = summarize({ ...run, timings: {} }, path.basename(folder), config.random_seed ?? 42);
    return { summaryFile: referenceConfigFile, summary, config };
  }
  const summary = await readJson(summaryFile, 'the baseline summary');
  const config = parseConfig(
    await readJson(configFile, 'the baseline configuration (config.json beside summary.json)'),
    configFile,
  );
  if (!isRecord(summary) || !isRecord(summary.types))
    throw new Error(`${summaryFile} is not an experiment summary (it has no "types")`);
  return { summaryFile, summary: summary as unknown as ExperimentSummary, config };
}

async function readJson(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`cannot read ${what}: ${file} does not exist or is not readable`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value)) throw new Error('not a JSON object');
    return value;
  } catch (error) {
    throw new Error(`${what} ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: string | null | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** The Hub revision in a transformers.js embedder's id (`<model>@<revision>:<dtype>:<pooling>`). */
function revisionOf(config: RunConfig): string | undefined {
  return /@([^@]*):(fp32|fp16|q8):[a-z_]+(:raw)?$/.exec(config.embedding_model ?? '')?.[1];
}

const escapeTemplate = (t: string) => t.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');

export interface RerunOverrides {
  /** The data folder instead of the baseline's; null: none (the runner's default, $DATA_DIR or ./data). */
  dataDir?: string | null;
  backend?: string;
}

/**
 * The `npm run experiment` arguments that recompute a baseline's numbers: its `RunSpec` (`runSpecOf`: the
 * same dataset, embedder and its dtype and pooling, teacher and its mode, HyDE model, computation types,
 * parameters and seed) and the facts of its record that change the numbers (data folder, document cap,
 * model revision, token limit, templates, the LLM server). Output location, tensors and timing options are
 * left out: they do not change the metrics.
 */
export function experimentArgsFromConfig(config: RunConfig, overrides: RerunOverrides = {}): string[] {
  const spec = runSpecOf(config);
  if (!spec.dataset) throw new Error('the baseline config.json names no dataset');
  if (!spec.embeddingModel) throw new Error('the baseline config.json names no embedding_model');
  const args: string[] = [];
  const put = (flag: string, value: string | number | null | undefined) => {
    if (value !== undefined && value !== null) args.push(flag, String(value));
  };
  put('--dataset', spec.dataset);
  put('--data-dir', overrides.dataDir === null ? undefined : (overrides.dataDir ?? str(config.data_dir)));
  put('--max-documents', config.max_documents === null ? 'all' : config.max_documents);
  put('--embedding-model', spec.embeddingModel);
  if (runsOnTransformers(spec.embeddingModel)) {
    put('--embedding-dtype', spec.embedding.dtype);
    const revision = revisionOf(config);
    if (revision && !revision.startsWith('local-') && revision !== 'main')
      put('--embedding-revision', revision);
    put('--pooling', spec.embedding.pooling);
  }
  if (!/^lsa(-\d+)?$/i.test(spec.embeddingModel)) {
    const maxLength = config.embedding_max_length;
    put('--max-length', typeof maxLength === 'number' ? maxLength : undefined);
    const query = str(config.query_template);
    const document = str(config.document_template);
    if (query) put('--query-template', escapeTemplate(query));
    if (document) put('--document-template', escapeTemplate(document));
  }
  put('--teacher', spec.teacher);
  if (spec.teacher === 'noisy-gold') put('--teacher-noise', spec.teacherNoise);
  put('--teacher-mode', spec.teacherMode);
  put('--hyde-model', spec.hydeModel);
  // Recorded where an LLM ran (null otherwise): the runner's default stands.
  if (config.llm_thinking) put('--thinking', spec.thinking);
  const via = str(config.llm_via);
  if (via && /^https?:\/\//.test(via)) put('--server-url', via);
  // A record without its types (none of this project's) leaves the runner's default (all).
  if (config.computation_types?.length) put('--computation-types', spec.method.computationTypes.join(','));
  const { method } = spec;
  put('--lr', method.lr);
  put('--num-steps', method.numSteps);
  put('--total-scores', method.totalScores);
  put('--scores-from-top', method.scoresFromTop);
  put('--random-seed', method.randomSeed);
  if (method.refit) args.push('--refit');
  put('--backend', overrides.backend ?? str(config.backend));
  return args;
}

/**
 * The app's view state (URL) for a baseline, for the browser check; throws, saying why, when the app cannot
 * run that configuration (imports, LLM teachers, HyDE, a document cap other than the dataset's own, ...).
 */
export function viewStateFromConfig(config: RunConfig, backend?: string): ViewState {
  const spec = runSpecOf(config);
  const problems: string[] = [];
  const parsedDataset = parseDatasetSpec(spec.dataset);
  let dataset = spec.dataset;
  if (parsedDataset.kind !== 'named')
    problems.push(`the dataset is an import (${spec.dataset}); the app opens registered datasets by URL`);
  else {
    const parser = getDatasetParser(parsedDataset.name);
    dataset = parser.name;
    const cap = config.max_documents === null ? Infinity : config.max_documents;
    const ownCap = parser.defaultMaxDocuments ?? Infinity;
    if (cap !== undefined && cap !== ownCap)
      problems.push(
        `the run capped the corpus at ${cap} documents; the app uses the dataset's own cap (${ownCap === Infinity ? 'none' : ownCap})`,
      );
  }
  const { teacher, embeddingModel } = spec;
  if (teacher !== 'gold' && teacher !== 'noisy-gold')
    problems.push(`teacher ${teacher}: the app's URL takes gold or noisy-gold`);
  if (spec.hydeModel) problems.push('HyDE types: the app does not run them');
  if (!/^lsa(-\d+)?$/i.test(embeddingModel) && (str(config.query_template) || config.embedding_pooling))
    problems.push(
      `embedding model ${embeddingModel}: the app runs neural models with their registry settings only; compare LSA runs, or use the Node check`,
    );
  const unknownTypes = (config.computation_types ?? []).filter(
    (t) => !DEFAULT_METHOD.computationTypes.includes(t),
  );
  if (unknownTypes.length)
    problems.push(`computation types ${unknownTypes.join(', ')}: the app does not run them`);
  if (problems.length)
    throw new Error(`the app cannot re-run this baseline in the browser: ${problems.join('; ')}`);
  const chosenBackend = backend ?? str(config.backend) ?? 'auto';
  const appBackend = BACKENDS.find((b) => b === chosenBackend);
  if (!appBackend) throw new Error(`backend ${chosenBackend}: the app runs ${BACKENDS.join(', ')}`);
  return {
    ...DEFAULT_VIEW,
    dataset,
    embeddingModel,
    embedding: spec.embedding,
    teacher: teacher as ViewState['teacher'],
    teacherNoise: spec.teacherNoise,
    backend: appBackend,
    method: {
      ...spec.method,
      computationTypes: DEFAULT_METHOD.computationTypes,
      recordEvery: DEFAULT_METHOD.recordEvery,
    },
  };
}
