/**
 * A run that cannot be: each problem names the run record's field (config.json's key), so that every driver
 * can say it in its own words (the CLI names its flag, the app its control) while the engine speaks only of
 * the run.
 */

export type RunSpecField =
  | 'dataset'
  | 'max_documents'
  | 'embedding_model'
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

/**
 * The error's problems with each field named by `nameOf` (a flag, a label) — also where a message mentions
 * another field (`cannot exceed total_scores`).
 */
export function describeRunSpecError(error: RunSpecError, nameOf: (field: RunSpecField) => string): string {
  const mentioned =
    /\b(max_documents|embedding_model|teacher_noise|teacher_mode|hyde_model|llm_thinking|computation_types|num_steps|total_scores|scores_from_top|random_seed|record_every)\b/g;
  return error.problems
    .map((p) => `${nameOf(p.field)} ${p.message.replace(mentioned, (f) => nameOf(f as RunSpecField))}`)
    .join('; ');
}
