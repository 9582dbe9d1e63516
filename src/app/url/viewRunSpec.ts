import { formatDatasetSpec } from '../../core/datasets/datasetSpec';
import { DEFAULT_METHOD, REFIT_DEFAULT_LR } from '../../core/experiment/config';
import type { EmbeddingDtype, Pooling } from '../../core/embedding/modelRegistry';
import { DEFAULT_EMBEDDING, runSpecProblems, type RunSpec } from '../../core/experiment/runSpec';
import {
  describeRunSpecProblem,
  mentionedFields,
  type RunSpecField,
} from '../../core/experiment/runSpecError';
import type { JudgeMode } from '../../core/teachers/llmApi';
import { defaultJudgeMode, llmTeacherModel } from '../../core/teachers/teacherNames';
import type { DatasetSource } from '../data/datasetSource';

/**
 * The part of the app's view state that defines a run: a `RunSpec` as the browser holds it, read from the
 * link through the spec's one validation, and turned back into the `RunSpec` that the worker runs and
 * records (config.json), so that a link, a browser run and a CLI run of the same settings are one record.
 */

/**
 * A `RunSpec` as the view holds it: the teacher's scoring mode always named (the model's own unless the link
 * names one), no HyDE model as '', and no thinking switch (the browser has none: the server's setting applies).
 */
export interface ViewRunSpec extends Omit<RunSpec, 'thinking' | 'teacherMode' | 'hydeModel'> {
  teacherMode: JudgeMode;
  /** The LLM that writes HyDE documents (adds the hyde and optimized_hyde types); '' for none. */
  hydeModel: string;
}

export const DEFAULT_VIEW_RUN: ViewRunSpec = {
  dataset: 'demo',
  // 64 LSA dimensions suit the demo's 350 short texts best (see src/core/datasets/demo/demoData.ts).
  embeddingModel: 'lsa-64',
  embedding: { ...DEFAULT_EMBEDDING },
  teacher: 'gold',
  teacherNoise: 0.2,
  teacherMode: 'yesno',
  hydeModel: '',
  method: { ...DEFAULT_METHOD },
};

/** The dataset as the CLI's `--dataset` would name it. */
function datasetSpecOf(source: DatasetSource): string {
  return source.kind === 'files' ? formatDatasetSpec(source.spec) : source.name;
}

/**
 * The run a view asks for; with the dataset's source, named as the CLI would name it (dropped files by their
 * import spec, not the view's `local:` label).
 */
export function runSpecOfView(view: ViewRunSpec, source?: DatasetSource): RunSpec {
  return {
    dataset: source ? datasetSpecOf(source) : view.dataset,
    embeddingModel: view.embeddingModel,
    embedding: view.embedding,
    teacher: view.teacher,
    teacherNoise: view.teacherNoise,
    teacherMode: view.teacherMode,
    hydeModel: view.hydeModel || undefined,
    thinking: 'reference',
    method: view.method,
  };
}

/**
 * A spec as the view holds it (the inverse of `runSpecOfView`): the teacher's scoring mode named (the
 * model's own where the spec leaves it), no HyDE model as '', and the browser's lack of a thinking switch.
 */
export function viewRunOf(spec: RunSpec): ViewRunSpec {
  return {
    dataset: spec.dataset,
    embeddingModel: spec.embeddingModel,
    embedding: spec.embedding,
    teacher: spec.teacher,
    teacherNoise: spec.teacherNoise,
    teacherMode: spec.teacherMode ?? defaultJudgeMode(llmTeacherModel(spec.teacher) ?? ''),
    hydeModel: spec.hydeModel ?? '',
    method: spec.method,
  };
}

/** The link's parameter for each field of the run it can set. */
const URL_KEYS = {
  dataset: 'dataset',
  embedding_model: 'embedding',
  embedding_dtype: 'dtype',
  embedding_pooling: 'pooling',
  teacher: 'teacher',
  teacher_noise: 'noise',
  teacher_mode: 'mode',
  hyde_model: 'hyde',
  lr: 'lr',
  num_steps: 'steps',
  total_scores: 'total',
  scores_from_top: 'top',
  random_seed: 'seed',
} as const satisfies Partial<Record<RunSpecField, string>>;
type UrlField = keyof typeof URL_KEYS;
type GivenValues = Partial<Record<UrlField, string>>;

const isUrlField = (field: RunSpecField): field is UrlField => field in URL_KEYS;

/** A field as the link names it (the record's name for a field the link cannot set). */
const urlKeyOf = (field: RunSpecField): string => (isUrlField(field) ? URL_KEYS[field] : field);

/** The run of the values a link gives; the rest take the defaults (lr: ReFIT's own with `refit`). */
function specOfValues(given: GivenValues, refit: boolean): ViewRunSpec {
  const d = DEFAULT_VIEW_RUN;
  const num = (field: UrlField, fallback: number) =>
    given[field] === undefined ? fallback : Number(given[field]);
  const teacher = given.teacher ?? d.teacher;
  return {
    dataset: given.dataset ?? d.dataset,
    embeddingModel: given.embedding_model ?? d.embeddingModel,
    // Checked below, as every run's (`runSpecProblems`).
    embedding: {
      dtype: (given.embedding_dtype as EmbeddingDtype | undefined) ?? d.embedding.dtype,
      ...(given.embedding_pooling !== undefined && { pooling: given.embedding_pooling as Pooling }),
    },
    teacher,
    teacherNoise: num('teacher_noise', d.teacherNoise),
    // Unless told, as the command line: the model's own format (truefalse for FollowIR-7B). The validation
    // below refuses a mode that is not one.
    teacherMode:
      (given.teacher_mode as JudgeMode | undefined) ?? defaultJudgeMode(llmTeacherModel(teacher) ?? ''),
    hydeModel: given.hyde_model ?? d.hydeModel,
    method: {
      ...d.method,
      refit,
      lr: num('lr', refit ? REFIT_DEFAULT_LR : d.method.lr),
      numSteps: num('num_steps', d.method.numSteps),
      totalScores: num('total_scores', d.method.totalScores),
      scoresFromTop: num('scores_from_top', d.method.scoresFromTop),
      randomSeed: num('random_seed', d.method.randomSeed),
    },
  };
}

/**
 * The run a link asks for, checked by the spec's own validation (`runSpecProblems`): a value the run
 * cannot take gives way to its default, `report` says which and why, and the rest of the link is kept. Where
 * a value is refused only against another (more scores from the top than scored in all), the other one,
 * which the link gave, gives way too.
 */
export function readViewRun(params: URLSearchParams, report: (problem: string) => void): ViewRunSpec {
  const given: GivenValues = {};
  for (const [field, key] of Object.entries(URL_KEYS) as [UrlField, string][]) {
    const value = params.get(key);
    if (value) given[field] = value;
  }
  const refit = params.get('refit') === '1';
  for (;;) {
    const spec = specOfValues(given, refit);
    let dropped = false;
    for (const problem of runSpecProblems(runSpecOfView(spec))) {
      const own = isUrlField(problem.field) && given[problem.field] !== undefined;
      const culprits = (own ? [problem.field] : mentionedFields(problem)).filter(
        (f): f is UrlField => isUrlField(f) && given[f] !== undefined,
      );
      for (const field of culprits) {
        report(
          `${URL_KEYS[field]}=${given[field]} gave way to the default: ${describeRunSpecProblem(problem, urlKeyOf)}`,
        );
        delete given[field];
        dropped = true;
      }
    }
    // Nothing the link gave is at fault: the defaults make a valid run.
    if (!dropped) return spec;
  }
}

/** Writes the run's values into a link's parameters; defaults are left out to keep links short. */
export function writeViewRun(run: ViewRunSpec, params: URLSearchParams): void {
  const put = (field: UrlField, value: string | number, fallback: string | number) => {
    if (value !== fallback) params.set(URL_KEYS[field], String(value));
  };
  const d = DEFAULT_VIEW_RUN;
  put('dataset', run.dataset, d.dataset);
  put('embedding_model', run.embeddingModel, d.embeddingModel);
  put('embedding_dtype', run.embedding.dtype, d.embedding.dtype);
  if (run.embedding.pooling) params.set(URL_KEYS.embedding_pooling, run.embedding.pooling);
  put('teacher', run.teacher, d.teacher);
  if (run.teacher === 'noisy-gold') params.set(URL_KEYS.teacher_noise, String(run.teacherNoise));
  const llm = llmTeacherModel(run.teacher);
  if (llm !== undefined) put('teacher_mode', run.teacherMode, defaultJudgeMode(llm));
  put('hyde_model', run.hydeModel, d.hydeModel);
  const { method } = run;
  if (method.refit) params.set('refit', '1');
  put('lr', method.lr, method.refit ? REFIT_DEFAULT_LR : d.method.lr);
  put('num_steps', method.numSteps, d.method.numSteps);
  put('total_scores', method.totalScores, d.method.totalScores);
  put('scores_from_top', method.scoresFromTop, d.method.scoresFromTop);
  put('random_seed', method.randomSeed, d.method.randomSeed);
}
