import type { DatasetTask } from '../datasets/types';
import type { LongTaskOptions } from '../progress';

/** One query and the sampled documents the teacher is asked to score. */
export interface TeacherItem {
  queryId: string;
  queryText: string;
  documents: { id: string; text: string; goldLabel: number }[];
}

export interface TeacherBatch {
  task: DatasetTask;
  /** The dataset's task instruction (LLM teachers put it in their prompt). */
  instruction: string;
  items: TeacherItem[];
}

/**
 * Scores the sampled documents of every query of a run: gold labels, noisy gold labels, an LLM's P(yes)
 * through the server, a cross-encoder's logits. A null score means the teacher could not score that
 * document; `errors` says why.
 */
export interface Teacher {
  readonly id: string;
  /** Scores above this count as relevant (used by the rocchio baseline): 0.5 for labels and probabilities. */
  readonly relevanceThreshold: number;
  /** What config.json records about this teacher besides its id (device, activation, ...), where any. */
  configFields?(): Record<string, unknown>;
  score(batch: TeacherBatch, options?: LongTaskOptions): Promise<TeacherScores[]>;
}

export interface TeacherScores {
  scores: (number | null)[];
  errors: (string | null)[];
  /** LLM teachers: how many documents the upstream's content filter refused (scored 0.5 in yes/no mode). */
  contentFiltered?: number;
}
