/**
 * A run that cannot be: each problem names the run record's field (config.json's key), so that every driver
 * can say it in its own words (the CLI names its flag, the app its control) while the engine speaks only of
 * the run.
 */

export type RunSpecField =
  | 'dataset'
  | 'max_documents'
  | 'embedding_model'
  | 'embedding_dtype'
  | 'embedding_pooling'
  | 'teacher'
  | 'teacher_noise'
  | 'teacher_mode'
  | 'hyde_model'
  | 'llm_thinking'
  | 'computation_types'
  | 'lr'
  | 'num_steps'
  | 'total_scores'
  | 'scores_from_top'
  | 'random_seed'
  | 'record_every';

export interface RunSpecProblem {
  field: RunSpecField;
  /** What is wrong, to follow the field's name: `must be an integer ≥ 0 (got -1)`. */
  message: string;
}

export class RunSpecError extends Error {
  constructor(readonly problems: RunSpecProblem[]) {
    super(problems.map((p) => `${p.field} ${p.message}`).join('; '));
    this.name = 'RunSpecError';
  }
}

/** Field names as a problem's message mentions them (`cannot exceed total_scores`). */
const MENTIONED_FIELD =
  /\b(max_documents|embedding_model|teacher_noise|teacher_mode|hyde_model|llm_thinking|computation_types|num_steps|total_scores|scores_from_top|random_seed|record_every)\b/g;

/** The other fields a problem's message names (the other side of a bound: `cannot exceed total_scores`). */
export function mentionedFields(problem: RunSpecProblem): RunSpecField[] {
  return [...problem.message.matchAll(MENTIONED_FIELD)].map((m) => m[1] as RunSpecField);
}

/** A problem with each field named by `nameOf` (a flag, a label): its own, and any its message mentions. */
export function describeRunSpecProblem(
  problem: RunSpecProblem,
  nameOf: (field: RunSpecField) => string,
): string {
  return `${nameOf(problem.field)} ${problem.message.replace(MENTIONED_FIELD, (f) => nameOf(f as RunSpecField))}`;
}

/** The error's problems, each with its fields named by `nameOf`. */
export function describeRunSpecError(error: RunSpecError, nameOf: (field: RunSpecField) => string): string {
  return error.problems.map((p) => describeRunSpecProblem(p, nameOf)).join('; ');
}
