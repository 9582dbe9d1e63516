import type { Teacher, TeacherBatch, TeacherScores } from './types';

/** The oracle teacher: binary gold relevance (label > 0 → 1, else 0), as the reference's `optimize_with_gold`. */
export class GoldTeacher implements Teacher {
  readonly id = 'gold';
  readonly relevanceThreshold = 0.5;

  async score(batch: TeacherBatch): Promise<TeacherScores[]> {
    return batch.items.map((item) => ({
      scores: item.documents.map((d) => (d.goldLabel > 0 ? 1 : 0)),
      errors: item.documents.map(() => null),
    }));
  }
}
