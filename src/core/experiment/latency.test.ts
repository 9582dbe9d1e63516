import { describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend';
import { buildDemoDataset } from '../datasets/demo/demoParser';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import { GoldTeacher } from '../teachers/goldTeacher';
import type { Teacher } from '../teachers/types';
import { DEFAULT_METHOD } from './config';
import { latencyStats, measureLatency } from './latency';
import { LATENCY_STAGES } from './latencyStages';
import { runExperiment } from './pipeline';

describe('latency report', () => {
  it('summarises values as mean, median, min, max and population stdev', () => {
    expect(latencyStats([4, 1, 3, 2])).toEqual({ mean: 2.5, median: 2.5, min: 1, max: 4, stdev: 1.118 });
    expect(latencyStats([5]).median).toBe(5);
  });

  it('times single queries after warm-up, doing the batched run’s own work', async () => {
    await initBackend('cpu');
    const embedder = new LsaEmbedder({ dims: 64, seed: 42 });
    const method = { ...DEFAULT_METHOD, numSteps: 20 };
    const result = await runExperiment({
      dataset: buildDemoDataset(),
      embedder,
      teacher: new GoldTeacher(),
      method,
    });
    const calls: number[] = [];
    const gold = new GoldTeacher();
    const counting: Teacher = {
      id: 'counting-gold',
      relevanceThreshold: gold.relevanceThreshold,
      score: (batch) => {
        calls.push(batch.items.length);
        return gold.score(batch);
      },
    };
    const report = await measureLatency({
      result,
      embedder,
      teacher: counting,
      method,
      queries: 6,
      warmup: 2,
    });
    expect(report.queries).toBe(6);
    expect(report.warmup_queries).toBe(2);
    // One teacher call per query, one query per call: warm-up and measured alike.
    expect(calls).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    // The reference's queries: random.Random(42).sample(range(10), 6) = [1, 0, 4, 9, 6, 5] (CPython 3.11).
    const ids = result.dataset.queries.map((q) => q.id);
    expect(report.per_query.map((p) => p.query_id)).toEqual([1, 0, 4, 9, 6, 5].map((i) => ids[i]));
    for (const stage of LATENCY_STAGES) {
      const s = report.stages[stage];
      expect(s.min).toBeGreaterThanOrEqual(0);
      expect(s.min).toBeLessThanOrEqual(s.median);
      expect(s.median).toBeLessThanOrEqual(s.max);
    }
    for (const p of report.per_query)
      expect(p.total).toBeCloseTo(p.embed_query + p.rank + p.teacher + p.refine + p.rescore, 2);
    expect(report.max_map_difference_vs_batched).not.toBeNull();
    expect(report.max_map_difference_vs_batched!).toBeLessThan(1e-6);
  });

  it('measures the reference’s queries whatever the dataset’s order: a sample of the texts sorted', async () => {
    await initBackend('cpu');
    const sorted = buildDemoDataset();
    // The demo's queries in reverse text order (as NFCorpus keeps its own, unsorted order).
    const dataset = { ...sorted, queries: [...sorted.queries].reverse() };
    expect(dataset.queries.map((q) => q.text)).not.toEqual(sorted.queries.map((q) => q.text));
    const embedder = new LsaEmbedder({ dims: 16, seed: 42 });
    const method = { ...DEFAULT_METHOD, numSteps: 2 };
    const result = await runExperiment({ dataset, embedder, teacher: new GoldTeacher(), method });
    const report = await measureLatency({
      result,
      embedder,
      teacher: new GoldTeacher(),
      method,
      queries: 6,
      warmup: 0,
    });
    // Python: random.Random(42).sample(sorted(texts), 6) = the sorted list's [1, 0, 4, 9, 6, 5].
    expect(report.per_query.map((p) => p.query_id)).toEqual(
      [1, 0, 4, 9, 6, 5].map((i) => sorted.queries[i].id),
    );
  });
});
