import type { JudgeMode } from './llmApi';
import { FOLLOWIR_MODEL } from './llmPrompts';

/**
 * What a teacher's name (`--teacher`, config.json's `teacher_spec`) says, without creating the teacher: a
 * module of its own so that reading a run record does not load the teachers' models and clients.
 */

/**
 * The mode an `llm:<model>` teacher scores in unless told: as the reference's get_reranker, `truefalse` for
 * exactly jhu-clsp/FollowIR-7B (no prefix), P(yes) from log-probabilities (`yesno`) for every other model.
 */
export function defaultJudgeMode(model: string): JudgeMode {
  return model === FOLLOWIR_MODEL ? 'truefalse' : 'yesno';
}

/** The model of an `llm:<model>` teacher name (everything after the first colon), else undefined. */
export function llmTeacherModel(name: string): string | undefined {
  return name.startsWith('llm:') ? name.slice('llm:'.length).trim() : undefined;
}
