import { RunSpecError, type RunSpecField, type RunSpecProblem } from './runSpecError';

/** What an experiment computes, one ranking per type (DESIGN.md, "Computation types"). */
export const COMPUTATION_TYPES = [
  'original',
  'optimized',
  'hyde',
  'optimized_hyde',
  'rerank_only',
  'rocchio',
] as const;
export type ComputationType = (typeof COMPUTATION_TYPES)[number];

/**
 * The types that need an LLM to write a hypothetical document per query (HyDE, a `hyde_model`): `hyde` ranks
 * by the embedded passage instead of the query, `optimized_hyde` refines that embedding.
 */
export const HYDE_TYPES: readonly ComputationType[] = ['hyde', 'optimized_hyde'];

/** The types every run can compute without an LLM writing passages. */
export const BASE_COMPUTATION_TYPES: readonly ComputationType[] = COMPUTATION_TYPES.filter(
  (t) => !HYDE_TYPES.includes(t),
);

/** The method's parameters: everything that changes the numbers of a run. */
export interface MethodConfig {
  computationTypes: ComputationType[];
  lr: number;
  numSteps: number;
  totalScores: number;
  scoresFromTop: number;
  randomSeed: number;
  refit: boolean;
  /** Trajectory snapshot interval in steps (0: only the start and the end). */
  recordEvery: number;
}

/** The reference's defaults; ReFIT's own learning rate applies when lr is not given. */
export const DEFAULT_METHOD: MethodConfig = {
  computationTypes: [...BASE_COMPUTATION_TYPES],
  lr: 1e-4,
  numSteps: 100,
  totalScores: 20,
  scoresFromTop: 20,
  randomSeed: 42,
  refit: false,
  recordEvery: 1,
};

export const REFIT_DEFAULT_LR = 0.005;

/**
 * A computation-types list (names separated by commas or spaces). `all` means every type this run can
 * compute: the HyDE types only when an LLM writes the passages (`hyde`: a HyDE model is named); naming a HyDE
 * type without one is an error. Errors name the run record's fields (`RunSpecError`).
 */
export function parseComputationTypes(text: string, options: { hyde?: boolean } = {}): ComputationType[] {
  const names = text.split(/[\s,]+/).filter(Boolean);
  if (names.length === 0)
    throw new RunSpecError([{ field: 'computation_types', message: 'give at least one type' }]);
  const available = options.hyde ? COMPUTATION_TYPES : BASE_COMPUTATION_TYPES;
  if (names.includes('all')) return [...available];
  for (const name of names) {
    if (!(COMPUTATION_TYPES as readonly string[]).includes(name))
      throw new RunSpecError([
        {
          field: 'computation_types',
          message: `has an unknown type "${name}"; known: ${COMPUTATION_TYPES.join(', ')}, all`,
        },
      ]);
    if (!available.includes(name as ComputationType))
      throw new RunSpecError([{ field: 'computation_types', message: hydeNeedsModel(name) }]);
  }
  // 'original' is always computed: every other type is compared against it.
  return COMPUTATION_TYPES.filter((t) => t === 'original' || names.includes(t));
}

/** Why a HyDE type cannot run without a HyDE model, in the run record's terms. */
export function hydeNeedsModel(type: string): string {
  return `"${type}" needs an LLM to write hypothetical documents: name a hyde_model`;
}

/**
 * Upper bounds far above any useful run, so that a typo (`--lr 1e308`, `--num-steps 1e12`) is refused
 * before the work starts instead of running for days or turning every query into NaN.
 */
export const METHOD_LIMITS = { maxLr: 10, maxNumSteps: 1_000_000, maxTotalScores: 100_000 } as const;

/** What is wrong with a method's parameters, in the run record's field names (empty: nothing). */
export function methodProblems(config: MethodConfig): RunSpecProblem[] {
  const problems: RunSpecProblem[] = [];
  const problem = (field: RunSpecField, message: string) => problems.push({ field, message });
  if (!(config.lr > 0 && config.lr <= METHOD_LIMITS.maxLr))
    problem('lr', `must be positive and at most ${METHOD_LIMITS.maxLr} (got ${config.lr})`);
  const integerIn = (field: RunSpecField, value: number, min: number, max: number) => {
    if (!(Number.isInteger(value) && value >= min && value <= max))
      problem(field, `must be an integer from ${min} to ${max} (got ${value})`);
  };
  integerIn('num_steps', config.numSteps, 0, METHOD_LIMITS.maxNumSteps);
  integerIn('total_scores', config.totalScores, 1, METHOD_LIMITS.maxTotalScores);
  if (!Number.isInteger(config.scoresFromTop) || config.scoresFromTop < 0)
    problem('scores_from_top', `must be an integer ≥ 0 (got ${config.scoresFromTop})`);
  if (config.scoresFromTop > config.totalScores)
    problem(
      'scores_from_top',
      `(${config.scoresFromTop}) cannot exceed total_scores (${config.totalScores})`,
    );
  // Python's generator takes any int; a JavaScript number is exact up to 2^53 - 1.
  if (!Number.isSafeInteger(config.randomSeed))
    problem('random_seed', `must be an integer of at most 2^53 - 1 in size (got ${config.randomSeed})`);
  if (!Number.isInteger(config.recordEvery) || config.recordEvery < 0)
    problem('record_every', `must be an integer ≥ 0 (got ${config.recordEvery})`);
  if (config.computationTypes.length === 0) problem('computation_types', 'give at least one type');
  return problems;
}

export function validateMethod(config: MethodConfig): void {
  const problems = methodProblems(config);
  if (problems.length) throw new RunSpecError(problems);
}
