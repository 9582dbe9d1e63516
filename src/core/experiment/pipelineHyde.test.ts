import { describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend';
import { buildDemoDataset } from '../datasets/demo/demoParser';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import type { HydeWriter } from '../teachers/llmHyde';
import { createTeacher } from '../teachers/teacherFactory';
import { DEFAULT_METHOD, parseComputationTypes } from './config';
import { runExperiment } from './pipeline';

/** A HyDE writer that "writes" a fixed transformation of each query, recording what it was asked. */
class EchoWriter implements HydeWriter {
  readonly id = 'hyde:echo';
  asked: string[] = [];
  constructor(private readonly transform: (query: string) => string) {}
  async write(queries: string[]): Promise<string[]> {
    this.asked = queries;
    return queries.map(this.transform);
  }
}

describe('HyDE computation types', () => {
  it('rank by the embedded passage, and optimized_hyde refines it like optimized refines the query', async () => {
    await initBackend('cpu');
    const dataset = buildDemoDataset();
    const method = {
      ...DEFAULT_METHOD,
      numSteps: 20,
      recordEvery: 0,
      computationTypes: parseComputationTypes('all', { hyde: true }),
    };
    const embedder = () => new LsaEmbedder({ dims: 32, seed: 42 });
    const teacher = createTeacher('gold', { noise: 0, seed: 42 });

    // A passage equal to the query embeds to the query: hyde = original and optimized_hyde = optimized.
    const echo = new EchoWriter((q) => q);
    const same = await runExperiment({ dataset, embedder: embedder(), teacher, method, hyde: echo });
    expect(echo.asked).toEqual(dataset.queries.map((q) => q.text));
    expect(same.types).toEqual(['original', 'optimized', 'hyde', 'optimized_hyde', 'rerank_only', 'rocchio']);
    expect(same.scores.hyde).toEqual(same.scores.original);
    same.scores.optimized_hyde.forEach((scores, q) => {
      scores.forEach((s, c) => expect(s).toBeCloseTo(same.scores.optimized[q][c], 5));
    });
    expect(same.hyde?.documents).toEqual(echo.asked);
    expect(same.hyde?.sampled).toEqual(same.sampled);
    expect(same.hyde?.teacher).toEqual(same.teacher);

    // A different passage gives a different first ranking, its own sample, and the teacher scores that sample.
    const longer = new EchoWriter((q) => `${q} ${q} account card payment transfer`);
    const other = await runExperiment({ dataset, embedder: embedder(), teacher, method, hyde: longer });
    expect(other.scores.hyde).not.toEqual(other.scores.original);
    expect(other.hyde?.teacher?.length).toBe(dataset.queries.length);
    expect(other.metrics.optimized_hyde.length).toBe(dataset.queries.length);
    expect(other.timings.hyde_write).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('need a writer, and "all" leaves them out without one', async () => {
    expect(parseComputationTypes('all')).not.toContain('hyde');
    expect(() => parseComputationTypes('original,optimized_hyde')).toThrow(/name a hyde_model/);
    expect(DEFAULT_METHOD.computationTypes).not.toContain('hyde');
    await expect(
      runExperiment({
        dataset: buildDemoDataset(),
        embedder: new LsaEmbedder({ dims: 8, seed: 1 }),
        teacher: createTeacher('gold', { noise: 0, seed: 1 }),
        method: { ...DEFAULT_METHOD, computationTypes: ['original', 'hyde'] },
      }),
    ).rejects.toThrow(/needs an LLM to write hypothetical documents/);
  });
});
