import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_VIEW, type ViewState } from '../app/url/urlState';
import { parseDatasetSpec } from '../core/datasets/datasetSpec';
import { getDatasetParser } from '../core/datasets/registry';
import { DEFAULT_METHOD, type ComputationType } from '../core/experiment/config';
import { summarize, type ExperimentSummary } from '../core/experiment/outputs';
import { projectConfigOfReference } from '../core/experiment/referenceLayout';
import { readReferenceRun } from '../core/experiment/referenceRun';
import { folderFiles } from './dataFolder';

/** A baseline of the regression check: a run's summary.json and the config.json beside it. */
export interface Baseline {
  summaryFile: string;
  summary: ExperimentSummary;
  config: Record<string, unknown>;
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
    );
    if (existsSync(summaryFile))
      return {
        summaryFile,
        summary: (await readJson(summaryFile, 'the baseline summary')) as unknown as ExperimentSummary,
        config,
      };
    const run = await readReferenceRun(folderFiles(folder));
    const summary = summarize({ ...run, timings: {} }, path.basename(folder), num(config.random_seed) ?? 42);
    return { summaryFile: referenceConfigFile, summary, config };
  }
  const summary = await readJson(summaryFile, 'the baseline summary');
  const config = await readJson(configFile, 'the baseline configuration (config.json beside summary.json)');
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

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The `--embedding-model` value of a run: recorded as typed, or recovered from the embedder's id. */
export function embeddingModelOf(config: Record<string, unknown>): string {
  const spec = str(config.embedding_model_spec);
  if (spec) return spec;
  const id = str(config.embedding_model);
  if (!id) throw new Error('the baseline config.json names no embedding_model');
  const lsa = /^(lsa(?:-\d+)?)-seed-?\d+$/i.exec(id);
  if (lsa) return lsa[1];
  return /^(.*)@[^@]*:(fp32|fp16|q8):[a-z_]+(:raw)?$/.exec(id)?.[1] ?? id;
}

/** The neural embedder's dtype and Hub revision, recovered from its id (`<model>@<revision>:<dtype>:<pooling>`). */
/**
 * The teacher as `--teacher` names it: `teacher_spec` when the run recorded it, else from the teacher's id,
 * whose noisy-gold form carries the noise (`noisy-gold-0.2`; the noise is its own option).
 */
export function teacherSpecOf(config: Record<string, unknown>): string {
  const spec = str(config.teacher_spec);
  if (spec) return spec;
  const id = str(config.teacher) ?? 'gold';
  return /^noisy-gold-[\d.]+$/.test(id) ? 'noisy-gold' : id;
}

function neuralIdParts(config: Record<string, unknown>): { dtype?: string; revision?: string } {
  const id = str(config.embedding_model) ?? '';
  const m = /@([^@]*):(fp32|fp16|q8):[a-z_]+(:raw)?$/.exec(id);
  return m ? { revision: m[1], dtype: m[2] } : {};
}

const escapeTemplate = (t: string) => t.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t');

export interface RerunOverrides {
  /** The data folder instead of the baseline's; null: none (the runner's default, $DATA_DIR or ./data). */
  dataDir?: string | null;
  backend?: string;
}

/**
 * The `npm run experiment` arguments that recompute a baseline's numbers: the same dataset (and document
 * cap), embedder, teacher, computation types, parameters and seed. Output location, tensors and timing
 * options are left out: they do not change the metrics.
 */
export function experimentArgsFromConfig(
  config: Record<string, unknown>,
  overrides: RerunOverrides = {},
): string[] {
  const args: string[] = [];
  const put = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) args.push(flag, String(value));
  };
  const dataset = str(config.dataset_spec) ?? str(config.dataset);
  if (!dataset) throw new Error('the baseline config.json names no dataset');
  put('--dataset', dataset);
  put('--data-dir', overrides.dataDir === null ? undefined : (overrides.dataDir ?? str(config.data_dir)));
  const cap = config.max_documents;
  put('--max-documents', cap === null ? 'all' : num(cap));
  const model = embeddingModelOf(config);
  put('--embedding-model', model);
  if (!/^lsa(-\d+)?$/i.test(model)) {
    const { dtype, revision } = neuralIdParts(config);
    put('--embedding-dtype', dtype);
    if (revision && !revision.startsWith('local-') && revision !== 'main')
      put('--embedding-revision', revision);
    put('--pooling', str(config.embedding_pooling));
    put('--max-length', num(config.embedding_max_length));
    const query = str(config.query_template);
    const document = str(config.document_template);
    if (query) put('--query-template', escapeTemplate(query));
    if (document) put('--document-template', escapeTemplate(document));
  }
  put('--teacher', teacherSpecOf(config));
  put('--teacher-noise', num(config.teacher_noise));
  put('--teacher-mode', str(config.teacher_mode));
  put('--hyde-model', str(config.hyde_model));
  put('--thinking', str(config.llm_thinking));
  const via = str(config.llm_via);
  if (via && /^https?:\/\//.test(via)) put('--server-url', via);
  const types = Array.isArray(config.computation_types)
    ? config.computation_types.filter((t) => typeof t === 'string')
    : [];
  if (types.length) put('--computation-types', types.join(','));
  put('--lr', num(config.lr));
  put('--num-steps', num(config.num_steps));
  put('--total-scores', num(config.total_scores));
  put('--scores-from-top', num(config.scores_from_top));
  put('--random-seed', num(config.random_seed));
  if (config.refit === true) args.push('--refit');
  put('--backend', overrides.backend ?? str(config.backend));
  return args;
}

/**
 * The app's view state (URL) for a baseline, for the browser check; throws, saying why, when the app cannot
 * run that configuration (imports, LLM teachers, HyDE, a document cap other than the dataset's own, ...).
 */
export function viewStateFromConfig(config: Record<string, unknown>, backend?: string): ViewState {
  const problems: string[] = [];
  const specText = str(config.dataset_spec) ?? str(config.dataset) ?? '';
  const spec = parseDatasetSpec(specText);
  let dataset = specText;
  if (spec.kind !== 'named')
    problems.push(`the dataset is an import (${specText}); the app opens registered datasets by URL`);
  else {
    const parser = getDatasetParser(spec.name);
    dataset = parser.name;
    const cap = config.max_documents === null ? Infinity : num(config.max_documents);
    const ownCap = parser.defaultMaxDocuments ?? Infinity;
    if (cap !== undefined && cap !== ownCap)
      problems.push(
        `the run capped the corpus at ${cap} documents; the app uses the dataset's own cap (${ownCap === Infinity ? 'none' : ownCap})`,
      );
  }
  const teacher = teacherSpecOf(config);
  if (teacher !== 'gold' && teacher !== 'noisy-gold')
    problems.push(`teacher ${teacher}: the app's URL takes gold or noisy-gold`);
  if (str(config.hyde_model)) problems.push('HyDE types: the app does not run them');
  const embeddingModel = embeddingModelOf(config);
  if (!/^lsa(-\d+)?$/i.test(embeddingModel) && (str(config.query_template) || str(config.embedding_pooling)))
    problems.push(
      `embedding model ${embeddingModel}: the app runs neural models with their registry settings only; compare LSA runs, or use the Node check`,
    );
  const types = Array.isArray(config.computation_types)
    ? (config.computation_types as ComputationType[])
    : [];
  const unknownTypes = types.filter((t) => !DEFAULT_METHOD.computationTypes.includes(t));
  if (unknownTypes.length)
    problems.push(`computation types ${unknownTypes.join(', ')}: the app does not run them`);
  if (problems.length)
    throw new Error(`the app cannot re-run this baseline in the browser: ${problems.join('; ')}`);
  const refit = config.refit === true;
  const chosenBackend = backend ?? str(config.backend) ?? 'auto';
  if (!['auto', 'webgpu', 'wasm', 'cpu'].includes(chosenBackend))
    throw new Error(`backend ${chosenBackend}: the app runs auto, webgpu, wasm or cpu`);
  return {
    ...DEFAULT_VIEW,
    dataset,
    embeddingModel,
    teacher: teacher as ViewState['teacher'],
    teacherNoise: num(config.teacher_noise) ?? DEFAULT_VIEW.teacherNoise,
    backend: chosenBackend as ViewState['backend'],
    method: {
      ...DEFAULT_METHOD,
      refit,
      lr: num(config.lr) ?? DEFAULT_METHOD.lr,
      numSteps: num(config.num_steps) ?? DEFAULT_METHOD.numSteps,
      totalScores: num(config.total_scores) ?? DEFAULT_METHOD.totalScores,
      scoresFromTop: num(config.scores_from_top) ?? DEFAULT_METHOD.scoresFromTop,
      randomSeed: num(config.random_seed) ?? DEFAULT_METHOD.randomSeed,
    },
  };
}
