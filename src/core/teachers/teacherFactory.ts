import { GoldTeacher } from './goldTeacher';
import { NoisyGoldTeacher } from './noisyGoldTeacher';
import type { Teacher } from './types';

export const TEACHER_NAMES = ['gold', 'noisy-gold'] as const;

export interface TeacherOptions {
  /** Flip probability of `noisy-gold`. */
  noise: number;
  seed: number;
}

/** The teacher called `name`; LLM and cross-encoder teachers join this list when they land. */
export function createTeacher(name: string, options: TeacherOptions): Teacher {
  switch (name) {
    case 'gold':
      return new GoldTeacher();
    case 'noisy-gold':
      return new NoisyGoldTeacher(options.noise, options.seed);
    default:
      throw new Error(`unknown teacher "${name}"; known: ${TEACHER_NAMES.join(', ')}`);
  }
}
