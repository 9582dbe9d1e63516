import { DEFAULT_CROSS_ENCODER_MODEL, resolveCrossEncoderModel } from './crossEncoderModel';
import { CrossEncoderTeacher, type CrossEncoderTeacherOptions } from './crossEncoderTeacher';
import { GoldTeacher } from './goldTeacher';
import { JUDGE_MODES, type JudgeMode, type LlmService, type ThinkingMode } from './llmApi';
import { LlmTeacher } from './llmTeacher';
import { NoisyGoldTeacher } from './noisyGoldTeacher';
import { defaultJudgeMode, llmTeacherModel } from './teacherNames';
import type { Teacher } from './types';

export const TEACHER_NAMES = ['gold', 'noisy-gold', 'cross-encoder[:<model>]', 'llm:<model>'] as const;

export interface TeacherOptions {
  /** Flip probability of `noisy-gold`. */
  noise: number;
  seed: number;
  /** How `llm:<model>` reaches the LLM: the teacher proxy over HTTP, or the server's code in-process. */
  llm?: LlmService;
  /** `llm:<model>` scoring; undefined: `defaultJudgeMode(model)`. */
  mode?: JudgeMode;
  /** `llm:<model>`: the thinking switch sent with each request; undefined: the server's THINKING setting. */
  thinking?: ThinkingMode;
  /** How `cross-encoder[:<model>]` runs (device, dtype, batch size, progress) and its Hub revision. */
  crossEncoder?: CrossEncoderTeacherOptions & { revision?: string; maxLength?: number };
}

/**
 * The model of a `cross-encoder[:<model>]` teacher name (a Hub id or a folder; the default model for a bare
 * `cross-encoder`), else undefined.
 */
export function crossEncoderTeacherModel(name: string): string | undefined {
  if (name.trim() === 'cross-encoder') return DEFAULT_CROSS_ENCODER_MODEL;
  return name.startsWith('cross-encoder:') ? name.slice('cross-encoder:'.length).trim() : undefined;
}

/** The teacher called `name` (see `TEACHER_NAMES`). Creating one loads nothing. */
export function createTeacher(name: string, options: TeacherOptions): Teacher {
  const crossEncoder = crossEncoderTeacherModel(name);
  if (crossEncoder !== undefined) {
    if (!crossEncoder)
      throw new Error(
        `teacher "cross-encoder:" needs a model: a Hub id (e.g. cross-encoder:${DEFAULT_CROSS_ENCODER_MODEL}) ` +
          'or a model folder; plain "cross-encoder" uses that model',
      );
    const { revision, maxLength, ...run } = options.crossEncoder ?? {};
    return new CrossEncoderTeacher(resolveCrossEncoderModel(crossEncoder, { revision, maxLength }), run);
  }
  const model = llmTeacherModel(name);
  if (model !== undefined) {
    if (!model) throw new Error('teacher "llm:" needs a model name, e.g. llm:OpenAI/gpt-4o-mini');
    const mode = options.mode ?? defaultJudgeMode(model);
    if (!JUDGE_MODES.includes(mode))
      throw new Error(`unknown teacher mode "${mode}"; known: ${JUDGE_MODES.join(', ')}`);
    if (!options.llm)
      throw new Error(`teacher "${name}" needs the teacher proxy: start it ("npm start") and give its URL`);
    return new LlmTeacher(options.llm, { model, mode, thinking: options.thinking });
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
