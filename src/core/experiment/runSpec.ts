import { EMBEDDING_DTYPES, POOLINGS, type EmbeddingDtype, type Pooling } from '../embedding/modelRegistry';
import { isRemoteEmbeddingModel } from '../embedding/remoteModels';
import { JUDGE_MODES, type JudgeMode, type ThinkingMode } from '../teachers/llmApi';
import { DEFAULT_METHOD, HYDE_TYPES, hydeNeedsModel, methodProblems, type MethodConfig } from './config';
import type { RunConfig } from './runRecord';
import { RunSpecError, type RunSpecProblem } from './runSpecError';

/**
 * What defines a run (what the user chose, before anything ran), its one validation, and the spec of a
 * recorded run (config.json, `RunConfig`). Free of the record's schema library, so that the app's main
 * thread can read a record's settings without loading it.
 */

export interface RunSpec {
  /** The dataset as named: a registered name or `beir:` / `trec:` / `csv:` with a path. */
  dataset: string;
  /** The embedding model as named (a registry name, Hub id, folder or `remote:<model>`). */
  embeddingModel: string;
  /** How a neural model on transformers.js computes its vectors (ignored by LSA and `remote:<model>`). */
  embedding: EmbeddingSpec;
  /** `gold`, `noisy-gold`, `cross-encoder[:<model>]` or `llm:<model>`. */
  teacher: string;
  /** The flip probability of `noisy-gold`. */
  teacherNoise: number;
  /** How an `llm:<model>` teacher scores; undefined: the model's default (`defaultJudgeMode`). */
  teacherMode?: JudgeMode;
  /** The LLM that writes HyDE passages; the HyDE types need one. */
  hydeModel?: string;
  /** The thinking switch sent with every LLM request (teacher and HyDE). */
  thinking: ThinkingMode;
  method: MethodConfig;
}

/**
 * The choices that change a transformers.js model's vectors: the CLI's `--embedding-dtype` and `--pooling`,
 * the app's precision and pooling controls; recorded as `embedding_dtype` and `embedding_pooling_spec`.
 */
export interface EmbeddingSpec {
  /** Which ONNX weights run. */
  dtype: EmbeddingDtype;
  /** The pooling asked for; undefined: the registered model's own (models outside the registry need one). */
  pooling?: Pooling;
}

export const DEFAULT_EMBEDDING: EmbeddingSpec = { dtype: 'fp32' };

/** Whether a named embedding model runs on transformers.js (in this process): not LSA, not `remote:`. */
export function runsOnTransformers(embeddingModel: string): boolean {
  const name = embeddingModel.trim();
  return name !== '' && !/^lsa(-\d+)?$/i.test(name) && !isRemoteEmbeddingModel(name);
}

/**
 * The embedding settings as the run's record holds them: for a transformers.js model only (null for LSA and
 * `remote:<model>`, which have no dtype or pooling to choose), so that two specs that differ only there are
 * the same run.
 */
export function recordedEmbedding(spec: RunSpec): EmbeddingSpec | null {
  if (!runsOnTransformers(spec.embeddingModel)) return null;
  const { dtype, pooling } = spec.embedding;
  return pooling === undefined ? { dtype } : { dtype, pooling };
}

/** The forms of a teacher's name that `createTeacher` makes a teacher of (a model after the colon). */
const TEACHER_NAME = /^(gold|noisy-gold|cross-encoder|cross-encoder:\s*\S.*|llm:\s*\S.*)$/;

/** Everything wrong with a spec, in the record's field names (empty: it can run). */
export function runSpecProblems(spec: RunSpec): RunSpecProblem[] {
  const problems = methodProblems(spec.method);
  if (!spec.dataset.trim()) problems.push({ field: 'dataset', message: 'must name a dataset' });
  if (!spec.embeddingModel.trim())
    problems.push({ field: 'embedding_model', message: 'must name an embedding model' });
  if (!EMBEDDING_DTYPES.includes(spec.embedding.dtype))
    problems.push({
      field: 'embedding_dtype',
      message: `must be one of ${EMBEDDING_DTYPES.join(', ')} (got "${spec.embedding.dtype}")`,
    });
  if (spec.embedding.pooling !== undefined && !POOLINGS.includes(spec.embedding.pooling))
    problems.push({
      field: 'embedding_pooling',
      message: `must be one of ${POOLINGS.join(', ')} (got "${spec.embedding.pooling}")`,
    });
  if (!TEACHER_NAME.test(spec.teacher))
    problems.push({
      field: 'teacher',
      message: `must be gold, noisy-gold, cross-encoder[:<model>] or llm:<model> (got "${spec.teacher}")`,
    });
  if (spec.teacherMode !== undefined && !JUDGE_MODES.includes(spec.teacherMode))
    problems.push({
      field: 'teacher_mode',
      message: `must be one of ${JUDGE_MODES.join(', ')} (got "${spec.teacherMode}")`,
    });
  if (!(spec.teacherNoise >= 0 && spec.teacherNoise <= 1))
    problems.push({ field: 'teacher_noise', message: `must be from 0 to 1 (got ${spec.teacherNoise})` });
  if (!spec.hydeModel?.trim())
    for (const type of spec.method.computationTypes.filter((t) => HYDE_TYPES.includes(t)))
      problems.push({ field: 'computation_types', message: hydeNeedsModel(type) });
  return problems;
}

/** Throws a `RunSpecError` listing every problem of the spec. */
export function validateRunSpec(spec: RunSpec): void {
  const problems = runSpecProblems(spec);
  if (problems.length) throw new RunSpecError(problems);
}

const named = (value: string | null | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** The embedding model as it was named: recorded as typed, or recovered from the embedder's id. */
export function embeddingModelOf(config: RunConfig): string {
  const spec = named(config.embedding_model_spec);
  if (spec) return spec;
  const id = config.embedding_model ?? '';
  const lsa = /^(lsa(?:-\d+)?)-seed-?\d+$/i.exec(id);
  if (lsa) return lsa[1];
  return /^(.*)@[^@]*:(fp32|fp16|q8):[a-z_]+(:raw)?$/.exec(id)?.[1] ?? id;
}

/**
 * The embedding settings as they were chosen: recorded (`embedding_dtype`, `embedding_pooling_spec`), or
 * for records written before those keys the dtype from a transformers.js embedder's id
 * (`<model>@<revision>:<dtype>:<pooling>`) and the pooling that ran (the embedder's `embedding_pooling`), so
 * that a re-run, from the CLI or the app, computes the same vectors.
 */
export function embeddingSpecOf(config: RunConfig): EmbeddingSpec {
  const fromId = /@[^@]*:(fp32|fp16|q8):[a-z_]+(:raw)?$/.exec(config.embedding_model ?? '')?.[1];
  const dtype = (config.embedding_dtype ?? fromId ?? DEFAULT_EMBEDDING.dtype) as EmbeddingDtype;
  const ran = config.embedding_pooling;
  const pooling =
    config.embedding_pooling_spec !== undefined
      ? (config.embedding_pooling_spec ?? undefined)
      : POOLINGS.find((p) => p === ran);
  return pooling ? { dtype, pooling } : { dtype };
}

/**
 * The teacher as it was named: `teacher_spec` when the run recorded it, else from the teacher's id, whose
 * noisy-gold form carries the noise (`noisy-gold-0.2`; the noise is its own field).
 */
export function teacherSpecOf(config: RunConfig): string {
  const spec = named(config.teacher_spec);
  if (spec) return spec;
  const id = named(config.teacher) ?? 'gold';
  return /^noisy-gold-[\d.]+$/.test(id) ? 'noisy-gold' : id;
}

/** The spec of a recorded run; what a record lacks takes the defaults. */
export function runSpecOf(config: RunConfig): RunSpec {
  const num = (value: number | null | undefined, fallback: number) => value ?? fallback;
  return {
    dataset: named(config.dataset_spec) ?? named(config.dataset) ?? '',
    embeddingModel: embeddingModelOf(config),
    embedding: embeddingSpecOf(config),
    teacher: teacherSpecOf(config),
    teacherNoise: num(config.teacher_noise, 0.2),
    teacherMode: config.teacher_mode ?? undefined,
    hydeModel: named(config.hyde_model),
    thinking: config.llm_thinking ?? 'reference',
    method: {
      computationTypes: config.computation_types ?? [...DEFAULT_METHOD.computationTypes],
      lr: num(config.lr, DEFAULT_METHOD.lr),
      numSteps: num(config.num_steps, DEFAULT_METHOD.numSteps),
      totalScores: num(config.total_scores, DEFAULT_METHOD.totalScores),
      scoresFromTop: num(config.scores_from_top, DEFAULT_METHOD.scoresFromTop),
      randomSeed: num(config.random_seed, DEFAULT_METHOD.randomSeed),
      refit: config.refit === true,
      recordEvery: num(config.record_every, DEFAULT_METHOD.recordEvery),
    },
  };
}
