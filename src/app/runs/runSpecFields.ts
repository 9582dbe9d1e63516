import { recordedEmbedding, type RunSpec } from '../../core/experiment/runSpec';
import { llmTeacherModel } from '../../core/teachers/teacherNames';

/**
 * A run's settings as the app lists them (the run history's comparison, an opened run's read-only
 * settings), read from its `RunSpec`: every field that changes what a run computes, under the labels of the
 * settings controls.
 */

export interface RunSpecField {
  label: string;
  value: string;
}

/** The fields of a run that apply to it (no pooling for LSA, no scoring mode without an LLM teacher). */
export function runSpecFields(spec: RunSpec): RunSpecField[] {
  const fields: RunSpecField[] = [
    { label: 'Dataset', value: spec.dataset },
    { label: 'Embedding', value: spec.embeddingModel },
  ];
  const embedding = recordedEmbedding(spec);
  if (embedding)
    fields.push(
      { label: 'Weights', value: embedding.dtype },
      { label: 'Pooling', value: embedding.pooling ?? "the model's own" },
    );
  fields.push({ label: 'Teacher', value: spec.teacher });
  if (spec.teacher === 'noisy-gold') fields.push({ label: 'Label noise', value: String(spec.teacherNoise) });
  const llm = llmTeacherModel(spec.teacher) !== undefined;
  if (llm) fields.push({ label: 'Scoring', value: spec.teacherMode ?? "the model's own" });
  fields.push({ label: 'HyDE writer', value: spec.hydeModel || 'none' });
  if (llm || spec.hydeModel) fields.push({ label: 'Thinking', value: spec.thinking });
  const { method } = spec;
  fields.push(
    { label: 'Types', value: method.computationTypes.join(', ') },
    { label: 'Learning rate', value: String(method.lr) },
    { label: 'Steps', value: String(method.numSteps) },
    { label: 'Scored docs', value: String(method.totalScores) },
    { label: '…from top', value: String(method.scoresFromTop) },
    { label: 'Seed', value: String(method.randomSeed) },
    { label: 'ReFIT', value: method.refit ? 'on' : 'off' },
  );
  return fields;
}

export interface RunSpecDifference {
  label: string;
  /** The value in each run; '—' where the field does not apply to that run. */
  a: string;
  b: string;
}

/** Every label `runSpecFields` uses, in its order. */
const LABELS = [
  'Dataset',
  'Embedding',
  'Weights',
  'Pooling',
  'Teacher',
  'Label noise',
  'Scoring',
  'HyDE writer',
  'Thinking',
  'Types',
  'Learning rate',
  'Steps',
  'Scored docs',
  '…from top',
  'Seed',
  'ReFIT',
];

/** The settings in which two runs differ, in `runSpecFields`' order. */
export function runSpecDifferences(a: RunSpec, b: RunSpec): RunSpecDifference[] {
  const fa = runSpecFields(a);
  const fb = runSpecFields(b);
  const valueOf = (fields: RunSpecField[], label: string) =>
    fields.find((f) => f.label === label)?.value ?? '—';
  return LABELS.map((label) => ({ label, a: valueOf(fa, label), b: valueOf(fb, label) })).filter(
    (d) => d.a !== d.b,
  );
}
