import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend';
import { buildDemoDataset } from '../datasets/demo/demoParser';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import { GoldTeacher } from '../teachers/goldTeacher';
import { DEFAULT_METHOD } from './config';
import { runExperiment } from './pipeline';
import { RefinementSession } from './session';

describe('RefinementSession on the demo dataset', () => {
  let session: RefinementSession;
  const method = { ...DEFAULT_METHOD, recordEvery: 5 };

  beforeAll(async () => {
    await initBackend('cpu');
    const result = await runExperiment({
      dataset: buildDemoDataset(),
      embedder: new LsaEmbedder({ dims: 64, seed: 42 }),
      teacher: new GoldTeacher(),
      method,
    });
    session = new RefinementSession(result, method);
  });

  it('shows both rankings of the top documents and every sampled one', () => {
    const view = session.view(0, 10);
    expect(view.documents.filter((d) => d.sampled).length).toBe(20);
    expect(view.documents.some((d) => d.rankBefore === 1)).toBe(true);
    expect(view.documents.some((d) => d.rankAfter === 1)).toBe(true);
    for (const d of view.documents) {
      expect(d.rankBefore <= 10 || d.rankAfter <= 10 || d.sampled).toBe(true);
      if (d.sampled) expect(d.teacherScore).toBe(d.label > 0 ? 1 : 0);
    }
    const after = view.documents.map((d) => d.rankAfter);
    expect(after).toEqual([...after].sort((a, b) => a - b));
    // Precision@10 after refinement, recomputed from the view's ranks, agrees with the stored metric.
    const relevantInTop10 = view.documents.filter((d) => d.rankAfter <= 10 && d.label > 0).length;
    expect(view.metricsAfter.precision_at_10).toBeCloseTo(relevantInTop10 / 10, 12);
    expect(view.steps).toEqual([
      0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100,
    ]);
    expect(session.trajectory(0).rows).toBe(21);
    expect(view.edited).toBe(false);
  });

  it('re-running one query alone with the teacher’s own scores reproduces the batched run', async () => {
    const before = session.view(3);
    const rerun = await session.whatIf(3, session.result.teacher[3].scores);
    expect(rerun.metricsAfter.map).toBeCloseTo(before.metricsAfter.map, 6);
    rerun.lossPerStep.forEach((l, s) => expect(l).toBeCloseTo(before.lossPerStep[s], 6));
  });

  it('what-if: marking every sampled document irrelevant but one changes the ranking; null restores it', async () => {
    const original = session.view(2);
    const sampledCount = session.result.sampled[2].length;
    const edited = Array.from({ length: sampledCount }, (_, k) => (k === sampledCount - 1 ? 1 : 0));
    const changed = await session.whatIf(2, edited);
    expect(changed.edited).toBe(true);
    const last = session.result.sampled[2][sampledCount - 1];
    const rankOf = (v: typeof original) => v.documents.find((d) => d.candidate === last)!.rankAfter;
    expect(rankOf(changed)).toBeLessThan(rankOf(original));
    const restored = await session.whatIf(2, null);
    expect(restored.edited).toBe(false);
    expect(restored.metricsAfter.map).toBeCloseTo(original.metricsAfter.map, 6);
    await expect(session.whatIf(2, [1, 0])).rejects.toThrow(/needs 20 scores/);
  });
});
