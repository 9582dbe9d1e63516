import { SeededRandom } from '../rng';
import { hashString } from '../hash';
import type { Teacher, TeacherBatch, TeacherScores } from './types';

/**
 * Gold labels with each binary label flipped with probability `noise`: a stand-in for an imperfect
 * teacher with known error rate. The flips are seeded per (seed, query id, document id), so a query's
 * scores do not depend on which other queries are in the run or in what order.
 */
export class NoisyGoldTeacher implements Teacher {
  readonly id: string;
  readonly relevanceThreshold = 0.5;

  constructor(
    private readonly noise: number,
    private readonly seed: number,
  ) {
    if (!(noise >= 0 && noise <= 1)) throw new Error(`teacher-noise must be between 0 and 1, got ${noise}`);
    this.id = `noisy-gold-${noise}`;
  }

  async score(batch: TeacherBatch): Promise<TeacherScores[]> {
    return batch.items.map((item) => ({
      scores: item.documents.map((d) => {
        const gold = d.goldLabel > 0 ? 1 : 0;
        const flip =
          new SeededRandom(hashString(`${this.seed}\u0000${item.queryId}\u0000${d.id}`)).next() < this.noise;
        return flip ? 1 - gold : gold;
      }),
      errors: item.documents.map(() => null),
    }));
  }
}
