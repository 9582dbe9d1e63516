import { GoldTeacher } from './goldTeacher';
import { JUDGE_MODES, type JudgeMode, type LlmService } from './llmApi';
import { LlmTeacher } from './llmTeacher';
import { NoisyGoldTeacher } from './noisyGoldTeacher';
import type { Teacher } from './types';

export const TEACHER_NAMES = ['gold', 'noisy-gold', 'llm:<model>'] as const;

export interface TeacherOptions {
  /** Flip probability of `noisy-gold`. */
  noise: number;
  seed: number;
  /** How `llm:<model>` reaches the LLM: the teacher proxy over HTTP, or the server's code in-process. */
  llm?: LlmService;
  /** `llm:<model>` scoring: P(yes) from log-probabilities (default) or a verbalized 0–100 rating. */
  mode?: JudgeMode;
}

/** The model of an `llm:<model>` teacher name (everything after the first colon), else undefined. */
export function llmTeacherModel(name: string): string | undefined {
  return name.startsWith('llm:') ? name.slice('llm:'.length).trim() : undefined;
}

/** The teacher called `name`; the cross-encoder teacher joins this list when it lands. */
export function createTeacher(name: string, options: TeacherOptions): Teacher {
  const model = llmTeacherModel(name);
  if (model !== undefined) {
    if (!model) throw new Error('teacher "llm:" needs a model name, e.g. llm:OpenAI/gpt-4o-mini');
    const mode = options.mode ?? 'yesno';
    if (!JUDGE_MODES.includes(mode))
      throw new Error(`unknown teacher mode "${mode}"; known: ${JUDGE_MODES.join(', ')}`);
    if (!options.llm)
      throw new Error(`teacher "${name}" needs the teacher proxy: start it ("npm start") and give its URL`);
    return new LlmTeacher(options.llm, { model, mode });
  }
  switch (name) {
    case 'gold':
      return new GoldTeacher();
    case 'noisy-gold':
      return new NoisyGoldTeacher(options.noise, options.seed);
    default:
      throw new Error(`unknown teacher "${name}"; known: ${TEACHER_NAMES.join(', ')}`);
  }
}
