import { z } from 'zod';
import { EMBEDDING_DTYPES, POOLINGS } from '../embedding/modelRegistry';
import type { Embedder } from '../embedding/types';
import { JUDGE_MODES, THINKING_MODES } from '../teachers/llmApi';
import { defaultJudgeMode, llmTeacherModel } from '../teachers/teacherNames';
import type { Teacher } from '../teachers/types';
import { COMPUTATION_TYPES, type ComputationType } from './config';
import { recordedEmbedding, type RunSpec } from './runSpec';

/**
 * config.json, the one record of a run: `toConfig` writes a `RunSpec` (runSpec.ts: what the user chose)
 * with what the run found out (`RunFacts`); `parseConfig` reads a config.json back (any version this project
 * wrote), and `runSpecOf` (runSpec.ts) recovers the spec from it. The CLI, the browser worker, the
 * regression check and the run opener all go through these, so a run has the same record whoever ran it.
 */

/** config.json's `config_version`. Version 1 added the field; files without it are older and read the same. */
export const RUN_CONFIG_VERSION = 1;

/** Where the run's files went: the CLI's choices (the browser downloads a zip and has none). */
export interface RunOutputSettings {
  experimentName: string;
  outputDir: string;
  saveTensors: boolean;
  saveEmbeddings: boolean;
  outputLayout: string;
  /** The kinds of large files written (`outputKinds`). */
  outputs: string[];
  embeddingBatchSize: number | null;
}

/** What the run found out while it ran, recorded beside the spec. */
export interface RunFacts {
  /** Which driver ran it. */
  source: 'cli' | 'browser';
  dataset: {
    name: string;
    instruction: string;
    notes: string[];
    /** The effective document cap (null: none). */
    maxDocuments: number | null;
    /** Where the files were read from, and the data folder (null where not a folder: the browser). */
    location: string | null;
    dataDir: string | null;
  };
  embedder: Embedder;
  teacher: Teacher;
  /** The types that ran (the result's). */
  types: readonly ComputationType[];
  backend: { name: string; adapter: string };
  /** The optimizer implementation `refineQueries` picked for this backend. */
  optimizerImplementation: string;
  /** How LLM requests went out (a server URL or "direct"); null when the run used no LLM. */
  llmVia: string | null;
  versions: Record<string, string>;
  outputs: RunOutputSettings | null;
  /** ISO 8601. */
  timestamp: string;
}

const text = z.string();
const optionalText = text.nullable().optional();
const optionalNumber = z.number().nullable().optional();
const optionalFlag = z.boolean().nullable().optional();

/**
 * config.json. Keys other than these (an embedder's or teacher's `configFields`) are kept as they are. Every
 * key is optional: files written before a key existed lack it, and a reference run's arguments map onto a
 * few; what reads a record says what it cannot do without.
 */
export const runConfigSchema = z.looseObject({
  config_version: z.number().int().min(0).max(RUN_CONFIG_VERSION).optional(),
  experiment_name: optionalText,
  dataset: optionalText,
  dataset_spec: optionalText,
  data_dir: optionalText,
  dataset_location: optionalText,
  max_documents: optionalNumber,
  dataset_notes: z.array(text).optional(),
  embedding_model: optionalText,
  embedding_model_spec: optionalText,
  embedding_dtype: z.enum(EMBEDDING_DTYPES).nullable().optional(),
  embedding_pooling_spec: z.enum(POOLINGS).nullable().optional(),
  teacher: optionalText,
  teacher_spec: optionalText,
  teacher_noise: optionalNumber,
  teacher_mode: z.enum(JUDGE_MODES).nullable().optional(),
  hyde_model: optionalText,
  llm_thinking: z.enum(THINKING_MODES).nullable().optional(),
  llm_via: optionalText,
  computation_types: z.array(z.enum(COMPUTATION_TYPES)).optional(),
  lr: optionalNumber,
  num_steps: optionalNumber,
  total_scores: optionalNumber,
  scores_from_top: optionalNumber,
  random_seed: optionalNumber,
  refit: optionalFlag,
  record_every: optionalNumber,
  save_tensors: optionalFlag,
  save_embeddings: optionalFlag,
  output_layout: optionalText,
  outputs: z.array(text).optional(),
  embedding_batch_size: optionalNumber,
  output_dir: optionalText,
  backend: optionalText,
  backend_adapter: optionalText,
  optimizer_implementation: optionalText,
  embedding_dims: optionalNumber,
  task_instruction: optionalText,
  query_template: optionalText,
  document_template: optionalText,
  versions: z.record(text, text).optional(),
  timestamp: optionalText,
  source: z.enum(['cli', 'browser']).optional(),
});

export type RunConfig = z.infer<typeof runConfigSchema>;

/** config.json of a run: the spec and the facts, in one fixed key order (the same from every driver). */
export function toConfig(spec: RunSpec, facts: RunFacts): RunConfig {
  const llmTeacher = llmTeacherModel(spec.teacher);
  const { dataset, embedder, teacher, outputs } = facts;
  const embedding = recordedEmbedding(spec);
  return {
    config_version: RUN_CONFIG_VERSION,
    experiment_name: outputs?.experimentName ?? null,
    dataset: dataset.name,
    dataset_spec: spec.dataset,
    data_dir: dataset.dataDir,
    dataset_location: dataset.location,
    max_documents: dataset.maxDocuments,
    dataset_notes: dataset.notes,
    embedding_model: embedder.id,
    embedding_model_spec: spec.embeddingModel,
    // As chosen (null where the model has no such choice: LSA, remote:<model>); the pooling that ran is
    // the embedder's `embedding_pooling`.
    embedding_dtype: embedding?.dtype ?? null,
    embedding_pooling_spec: embedding?.pooling ?? null,
    teacher: teacher.id,
    teacher_spec: spec.teacher,
    teacher_noise: spec.teacher === 'noisy-gold' ? spec.teacherNoise : null,
    teacher_mode: llmTeacher ? (spec.teacherMode ?? defaultJudgeMode(llmTeacher)) : null,
    hyde_model: spec.hydeModel ?? null,
    llm_thinking: facts.llmVia !== null ? spec.thinking : null,
    llm_via: facts.llmVia,
    computation_types: [...facts.types],
    lr: spec.method.lr,
    num_steps: spec.method.numSteps,
    total_scores: spec.method.totalScores,
    scores_from_top: spec.method.scoresFromTop,
    random_seed: spec.method.randomSeed,
    refit: spec.method.refit,
    record_every: spec.method.recordEvery,
    save_tensors: outputs?.saveTensors ?? null,
    save_embeddings: outputs?.saveEmbeddings ?? null,
    output_layout: outputs?.outputLayout ?? null,
    outputs: outputs?.outputs ?? [],
    embedding_batch_size: outputs?.embeddingBatchSize ?? null,
    output_dir: outputs?.outputDir ?? null,
    backend: facts.backend.name,
    backend_adapter: facts.backend.adapter,
    optimizer_implementation: facts.optimizerImplementation,
    embedding_dims: embedder.dims,
    ...embedder.configFields?.(),
    ...teacher.configFields?.(),
    task_instruction: dataset.instruction,
    // The templates as the reference's config records them: the instruction filled in, `{text}` left.
    query_template: embedder.templates?.query ?? null,
    document_template: embedder.templates?.document ?? null,
    versions: facts.versions,
    timestamp: facts.timestamp,
    source: facts.source,
  };
}

/** Reads a config.json (parsed JSON); throws naming the first keys that do not fit, and where (`what`). */
export function parseConfig(json: unknown, what = 'config.json'): RunConfig {
  if (
    typeof json === 'object' &&
    json !== null &&
    'config_version' in json &&
    typeof json.config_version === 'number' &&
    json.config_version > RUN_CONFIG_VERSION
  )
    throw new Error(
      `${what} has config_version ${json.config_version}; this version of the project reads up to ${RUN_CONFIG_VERSION}: update it`,
    );
  const parsed = runConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(the whole file)'}: ${issue.message}`);
  throw new Error(`${what} is not a run's configuration: ${problems.join('; ')}`);
}
