import { DATASET_ARG_OPTIONS } from './dataFolder';
import { parseOutputsOption, type OutputSelection } from './outputsOption';
import { parseCliArgs, rejectArguments } from './cliFlags';
import { joinNegativeOptionValues } from './negativeOptionValues';
import {
  EMBEDDING_ARG_OPTIONS,
  EMBEDDING_USAGE,
  parseEmbeddingOptions,
  type EmbeddingCliOptions,
} from './embeddingOptions';
import type { BackendPreference } from '../core/compute/backend';
import {
  DEFAULT_METHOD,
  parseComputationTypes,
  REFIT_DEFAULT_LR,
  type MethodConfig,
} from '../core/experiment/config';
import { OUTPUT_LAYOUTS, type OutputLayout } from '../core/experiment/runFiles';
import { validateRunSpec, type RunSpec } from '../core/experiment/runSpec';
import { datasetSpecSlug, parseDatasetSpec } from '../core/datasets/datasetSpec';
import { DEFAULT_CROSS_ENCODER_MODEL } from '../core/teachers/crossEncoderModel';
import { JUDGE_MODES, THINKING_MODES, type JudgeMode, type ThinkingMode } from '../core/teachers/llmApi';

/** Every option of `npm run experiment`, after parsing and validation. */
export interface ExperimentOptions {
  /** The `--dataset` value: a registered name or `beir:` / `trec:` / `csv:` with a path (`parseDatasetSpec`). */
  dataset: string;
  dataDir?: string;
  /** Download a registered dataset missing from the data folder (false with `--no-download`). */
  download: boolean;
  /** `--max-documents`: a positive integer, Infinity for `all`, undefined for the dataset's default cap. */
  maxDocuments?: number;
  embeddingModel: string;
  /** The model (`embeddingModel`) and how it runs: dtype, pooling, templates, caches. */
  embedding: EmbeddingCliOptions;
  teacher: string;
  teacherNoise: number;
  /** How `llm:<model>` teachers score; undefined: the model's default (`defaultJudgeMode`). */
  teacherMode?: JudgeMode;
  /** The thinking switch sent with every LLM request (teacher and HyDE), whatever the server's THINKING. */
  thinking: ThinkingMode;
  /** The LLM that writes HyDE passages; the `hyde` and `optimized_hyde` types need it. */
  hydeModel?: string;
  /** A running teacher proxy; undefined: the CLI calls the upstream itself (BASE_URL etc. from the environment). */
  serverUrl?: string;
  method: MethodConfig;
  saveTensors: boolean;
  saveEmbeddings: boolean;
  /** Which files the run folder holds: this project's (default) or the reference code's. */
  outputLayout: OutputLayout;
  /** `--outputs`: which large files (raw scores as CSV and Parquet, TREC runs) the run writes. */
  outputs: OutputSelection;
  /** `--measure-latency`: time single-query passes after the run (`measureLatency`); undefined: not asked. */
  latency?: { queries: number; warmup: number };
  experimentName: string;
  outputDir: string;
  /** `--overwrite`: replace an existing run folder of the same name (whole); otherwise it is refused. */
  overwrite: boolean;
  backend: BackendPreference;
}

export const EXPERIMENT_USAGE = `Usage: npm run experiment -- --dataset NAME|beir:FOLDER|trec:FOLDER|csv:FILE [options]

Runs test-time query-embedding refinement over every query of a dataset and writes
<output-dir>/<experiment-name>/{config.json, summary.json, <type>_results.csv, <type>_raw_scores.csv}.

  --dataset NAME             a registered dataset (npm run datasets lists them), or an import (required):
                               beir:FOLDER   a BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv;
                                             every query ranked against the corpus (capped at 5,000)
                               trec:FOLDER   qrels.txt (TREC "qid 0 docno rel"), corpus.jsonl|tsv and
                                             queries.jsonl|tsv; each query ranked against its judged docs
                               csv:FILE      a CSV with columns text,label; each label is a query
                             relative paths: the working directory first, then the data folder
  --data-dir DIR             folder holding the dataset folders (default: $DATA_DIR, else ./data)
  --no-download              do not download a registered dataset missing from the data folder (by
                             default it is fetched from its public source, or from $DATASET_MIRROR)
  --max-documents N          cap the corpus at N documents, keeping every positive and the reference's
                             sample of the rest (random.Random(42), whatever --random-seed); "all" for no
                             cap (default: the dataset's own cap, if any)
${EMBEDDING_USAGE}  --teacher NAME             gold | noisy-gold | cross-encoder[:MODEL] | llm:<model> (default gold;
                             with --refit, cross-encoder, as the reference's ReFIT setting)
                               cross-encoder[:MODEL]  a cross-encoder scores each (query, document)
                                             pair (the ms-marco models: raw logits); MODEL is a Hub id with
                                             ONNX weights or a local model folder (default
                                             ${DEFAULT_CROSS_ENCODER_MODEL})
                               llm:<model>   llm:OpenAI/<model> uses OPENAI_API_KEY, llm:<model> and
                                             llm:LiteLLM/<model> the BASE_URL server
  --teacher-noise P          flip probability of noisy-gold labels (default 0.2)
  --teacher-mode MODE        llm teachers: yesno (P(yes) from log-probabilities; the default), verbalized
                             (a 0-100 rating) or truefalse (FollowIR-7B's P(true) on the completions
                             endpoint; the default for exactly llm:jhu-clsp/FollowIR-7B, as the reference)
  --thinking MODE            LLM teacher and HyDE: reference (as the reference code: thinking switched
                             off only for model names containing "Qwen"), off (every model), on (never
                             switched off); default reference
  --hyde-model MODEL         an LLM that writes a hypothetical document per query (HyDE): enables the
                             hyde and optimized_hyde types (same model prefixes as --teacher llm:)
  --server-url URL           reach LLMs and remote:<model> embeddings through a running app server
                             ("npm start"), e.g. http://127.0.0.1:8787; without it the CLI calls the
                             upstream itself with BASE_URL, API_KEY, OPENAI_API_KEY, EMBED_BASE_URL,
                             EMBED_API_KEY and CACHE_DIR from the environment
  --computation-types LIST   comma-separated: original, optimized, hyde, optimized_hyde, rerank_only,
                             rocchio, or all (default all; the HyDE types only with --hyde-model)
  --lr X                     Adam learning rate (default 1e-4; 0.005 with --refit)
  --num-steps N              optimisation steps (default 100)
  --total-scores N           documents the teacher scores per query (default 20)
  --scores-from-top N        of which the top N by similarity; the rest at random (default 20)
  --random-seed N            seed of sampling, noise and LSA (default 42)
  --refit                    ReFIT variant (min-max normalised scores, temperature 2); as the reference,
                             it also makes lr 0.005 and the teacher cross-encoder unless --lr / --teacher
                             are given (--refit --teacher gold for ReFIT on gold labels)
  --record-every N           trajectory snapshot interval with --save-tensors (default 1)
  --save-tensors             write tensors/<query>/trajectory.json per query
  --save-embeddings          write embeddings/{docs,queries}.{f32,json}
  --outputs LIST             the large files to write: csv (raw scores), parquet (raw scores), trec (run
                             files and qrels), all (default) or none; results, config and summary always
  --output-layout NAME       project (default) | reference: the reference code's files instead
                             (experiment_config.json, <type>_results.csv, <type>_raw_scores.parquet,
                             with --save-tensors tensors/<slug>/query_updates.pt for torch.load), plus
                             summary.json
  --measure-latency          after the run, time queries one at a time (embed, rank, teacher, refine,
                             re-score; warm, per query) into summary.json's latency_ms (see docs/experiments-and-outputs.md)
  --latency-queries N        queries timed (default 50)
  --latency-warmup N         warm-up queries run first and not counted (default 3)
  --experiment-name NAME     output sub-folder (default <dataset>_<timestamp>); an existing one is refused
  --output-dir DIR           default output/
  --overwrite                replace an existing <output-dir>/<experiment-name> (the whole folder)
  --backend NAME             cpu | wasm | webgpu (default: the fastest available)
  -h, --help                 this text
`;

const BACKENDS = ['auto', 'cpu', 'wasm', 'webgpu'];

/** The run these options define (the rest of them say where and how it runs). */
export function runSpecOfOptions(options: ExperimentOptions): RunSpec {
  return {
    dataset: options.dataset,
    embeddingModel: options.embedding.model,
    embedding: options.embedding.pooling
      ? { dtype: options.embedding.dtype, pooling: options.embedding.pooling }
      : { dtype: options.embedding.dtype },
    teacher: options.teacher,
    teacherNoise: options.teacherNoise,
    teacherMode: options.teacherMode,
    hydeModel: options.hydeModel,
    thinking: options.thinking,
    method: options.method,
  };
}

/** Parses argv (without node and script). Throws an Error with a readable message on a bad option. */
export function parseExperimentOptions(argv: string[], now = new Date()): ExperimentOptions | 'help' {
  const { values, positionals } = parseCliArgs(joinNegativeOptionValues(argv), {
    ...DATASET_ARG_OPTIONS,
    ...EMBEDDING_ARG_OPTIONS,
    teacher: { type: 'string' },
    'teacher-noise': { type: 'string', default: '0.2' },
    'teacher-mode': { type: 'string' },
    thinking: { type: 'string', default: 'reference' },
    'hyde-model': { type: 'string' },
    'server-url': { type: 'string' },
    'computation-types': { type: 'string', default: 'all' },
    lr: { type: 'string' },
    'num-steps': { type: 'string' },
    'total-scores': { type: 'string' },
    'scores-from-top': { type: 'string' },
    'random-seed': { type: 'string' },
    refit: { type: 'boolean', default: false },
    'record-every': { type: 'string' },
    'save-tensors': { type: 'boolean', default: false },
    'save-embeddings': { type: 'boolean', default: false },
    'output-layout': { type: 'string', default: 'project' },
    outputs: { type: 'string', default: 'all' },
    'measure-latency': { type: 'boolean', default: false },
    'latency-queries': { type: 'string' },
    'latency-warmup': { type: 'string' },
    'experiment-name': { type: 'string' },
    'output-dir': { type: 'string', default: 'output' },
    overwrite: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'auto' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return 'help';
  rejectArguments(positionals);
  if (!values.dataset) throw new Error('--dataset is required');
  const spec = parseDatasetSpec(values.dataset);
  if (!BACKENDS.includes(values.backend)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);

  const method: MethodConfig = {
    computationTypes: parseComputationTypes(values['computation-types'], {
      hyde: Boolean(values['hyde-model']?.trim()),
    }),
    lr:
      values.lr !== undefined
        ? numberOption('lr', values.lr)
        : values.refit
          ? REFIT_DEFAULT_LR
          : DEFAULT_METHOD.lr,
    numSteps: intOption('num-steps', values['num-steps'], DEFAULT_METHOD.numSteps),
    totalScores: intOption('total-scores', values['total-scores'], DEFAULT_METHOD.totalScores),
    scoresFromTop: intOption('scores-from-top', values['scores-from-top'], DEFAULT_METHOD.scoresFromTop),
    randomSeed: intOption('random-seed', values['random-seed'], DEFAULT_METHOD.randomSeed),
    refit: values.refit,
    recordEvery: intOption('record-every', values['record-every'], DEFAULT_METHOD.recordEvery),
  };
  const outputLayout = outputLayoutOption(values['output-layout']);
  // The reference's query_updates.pt holds every step.
  if (outputLayout === 'reference' && values['save-tensors'] && method.recordEvery !== 1)
    throw new Error('--output-layout reference saves every step of a trajectory: leave --record-every at 1');
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  const options: ExperimentOptions = {
    dataset: values.dataset,
    dataDir: values['data-dir'],
    download: !values['no-download'],
    maxDocuments: maxDocumentsOption(values['max-documents']),
    embeddingModel: values['embedding-model'],
    embedding: parseEmbeddingOptions(values),
    // As the reference: ReFIT's own teacher is the cross-encoder, as its own lr is 0.005.
    teacher: values.teacher?.trim() || (values.refit ? 'cross-encoder' : 'gold'),
    teacherNoise: numberOption('teacher-noise', values['teacher-noise']),
    teacherMode: teacherModeOption(values['teacher-mode']),
    thinking: thinkingOption(values.thinking),
    hydeModel: values['hyde-model']?.trim() || undefined,
    serverUrl: serverUrlOption(values['server-url']),
    method,
    saveTensors: values['save-tensors'],
    saveEmbeddings: values['save-embeddings'],
    outputLayout,
    outputs: parseOutputsOption(values.outputs),
    latency: latencyOption(values),
    experimentName: values['experiment-name'] ?? `${datasetSpecSlug(spec)}_${stamp}`,
    outputDir: values['output-dir'],
    overwrite: values.overwrite,
    backend: values.backend as BackendPreference,
  };
  validateRunSpec(runSpecOfOptions(options));
  return options;
}

function numberOption(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new Error(`--${name} must be a number, got "${text}"`);
  return value;
}

function outputLayoutOption(text: string): OutputLayout {
  if (!(OUTPUT_LAYOUTS as readonly string[]).includes(text))
    throw new Error(`--output-layout must be one of ${OUTPUT_LAYOUTS.join(', ')}, got "${text}"`);
  return text as OutputLayout;
}

function teacherModeOption(text: string | undefined): JudgeMode | undefined {
  if (text === undefined) return undefined;
  if (!(JUDGE_MODES as readonly string[]).includes(text))
    throw new Error(`--teacher-mode must be one of ${JUDGE_MODES.join(', ')}, got "${text}"`);
  return text as JudgeMode;
}

function thinkingOption(text: string): ThinkingMode {
  if (!(THINKING_MODES as readonly string[]).includes(text))
    throw new Error(`--thinking must be one of ${THINKING_MODES.join(', ')}, got "${text}"`);
  return text as ThinkingMode;
}

function serverUrlOption(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`--server-url must be a URL such as http://127.0.0.1:8787, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--server-url must be an http:// or https:// URL, got "${text}"`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function maxDocumentsOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === 'all') return Infinity;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 1) {
    throw new Error(`--max-documents must be a positive integer or "all", got "${text}"`);
  }
  return value;
}

/** More warm-up than any measurement needs (the default is 3). */
const MAX_LATENCY_WARMUP = 1000;

function latencyOption(values: {
  'measure-latency'?: boolean;
  'latency-queries'?: string;
  'latency-warmup'?: string;
}): ExperimentOptions['latency'] {
  const queries = intOption('latency-queries', values['latency-queries'], 50);
  const warmup = intOption('latency-warmup', values['latency-warmup'], 3);
  if (queries < 1) throw new Error(`--latency-queries must be at least 1, got ${queries}`);
  // Warm-up queries repeat the dataset's as often as asked: a typo (1e9) would run for days, or run out of
  // memory after the whole run, so it is refused before any work.
  if (warmup < 0 || warmup > MAX_LATENCY_WARMUP)
    throw new Error(`--latency-warmup must be from 0 to ${MAX_LATENCY_WARMUP}, got ${warmup}`);
  if (!values['measure-latency']) {
    if (values['latency-queries'] !== undefined || values['latency-warmup'] !== undefined)
      throw new Error('--latency-queries and --latency-warmup need --measure-latency');
    return undefined;
  }
  return { queries, warmup };
}

function intOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = numberOption(name, text);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be an integer, got "${text}"`);
  return value;
}
