import { describe, expect, it } from 'vitest';
import { GoldTeacher } from './goldTeacher';
import { NoisyGoldTeacher } from './noisyGoldTeacher';
import type { TeacherBatch } from './types';
import { syntheticTeacherBatch } from '../../testing/teacherBatch';

/** Every third document is relevant (gold label 2). */
function batchOf(queries: number, docs: number): TeacherBatch {
  return syntheticTeacherBatch({ queries, docs, task: 'search', instruction: '' }, (i) => ({
    text: `doc ${i}`,
    goldLabel: i % 3 === 0 ? 2 : 0,
  }));
}

describe('GoldTeacher', () => {
  it('returns binary gold relevance', async () => {
    const [res] = await new GoldTeacher().score(batchOf(1, 4));
    expect(res.scores).toEqual([1, 0, 0, 1]);
    expect(res.errors).toEqual([null, null, null, null]);
  });
});

describe('NoisyGoldTeacher', () => {
  it('flips labels at about the requested rate, deterministically per query and document', async () => {
    const batch = batchOf(50, 40);
    const gold = await new GoldTeacher().score(batch);
    for (const noise of [0, 0.2, 0.4, 1]) {
      const noisy = await new NoisyGoldTeacher(noise, 42).score(batch);
      let flips = 0;
      noisy.forEach((r, q) => r.scores.forEach((s, i) => (flips += s !== gold[q].scores[i] ? 1 : 0)));
      const rate = flips / 2000;
      expect(Math.abs(rate - noise)).toBeLessThan(0.04);
    }
    const a = await new NoisyGoldTeacher(0.3, 1).score(batch);
    const reordered = await new NoisyGoldTeacher(0.3, 1).score({
      ...batch,
      items: [...batch.items].reverse(),
    });
    expect(reordered.reverse()).toEqual(a);
    const other = await new NoisyGoldTeacher(0.3, 2).score(batch);
    expect(other).not.toEqual(a);
  });

  it('rejects a noise level outside [0, 1]', () => {
    expect(() => new NoisyGoldTeacher(1.5, 0)).toThrow(/between 0 and 1/);
  });
});
