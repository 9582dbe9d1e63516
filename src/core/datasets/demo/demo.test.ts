import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../compute/backend';
import { LsaEmbedder } from '../../embedding/lsaEmbedder';
import { DEFAULT_METHOD } from '../../experiment/config';
import { runExperiment } from '../../experiment/pipeline';
import { createTeacher } from '../../teachers/teacherFactory';
import { getDatasetParser, loadDataset } from '../registry';
import type { DataFiles, Dataset } from '../types';
import { DEMO_DATA } from './demoData';
import { buildDemoDataset, demoParser } from './demoParser';
import { expectQueriesSortedByText } from '../../../testing/datasets';

/** A `DataFiles` that fails on any access: the demo must not touch it. */
const noFiles: DataFiles = {
  get location(): string {
    throw new Error('the demo dataset read DataFiles.location');
  },
  exists: (p) => Promise.reject(new Error(`the demo dataset asked whether ${p} exists`)),
  readText: (p) => Promise.reject(new Error(`the demo dataset read ${p}`)),
  readBytes: (p) => Promise.reject(new Error(`the demo dataset read ${p}`)),
};

describe('demo dataset', () => {
  let dataset: Dataset;
  beforeAll(async () => {
    dataset = await loadDataset('demo', noFiles);
  });

  it('is registered and needs no files', () => {
    const parser = getDatasetParser('Demo');
    expect(parser).toBe(demoParser);
    expect(parser.requiredFiles).toEqual([]);
    expect(parser.folder).toBe('demo');
    expect(dataset.name).toBe('demo');
    expect(dataset.task).toBe('classification');
    expect(dataset.instruction.length).toBeGreaterThan(0);
  });

  it('has ten intents of 35 one-sentence messages, without duplicate texts', () => {
    expect(DEMO_DATA.intents).toHaveLength(10);
    const all = DEMO_DATA.intents.flatMap((intent) => intent.utterances);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all.map((t) => t.toLowerCase())).size).toBe(all.length);
    const descriptions = DEMO_DATA.intents.map((intent) => intent.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    expect(new Set(DEMO_DATA.intents.map((intent) => intent.id)).size).toBe(10);
    for (const text of all) {
      expect(text).toBe(text.trim());
      expect(text).not.toMatch(/\n/);
      expect(text).toMatch(/[.?!]$/);
      expect(text.length).toBeLessThan(100);
    }

    expect(dataset.queries).toHaveLength(10);
    expect(dataset.documents).toHaveLength(350);
  });

  it('ranks every query against every document, each document positive for exactly one query', () => {
    const n = dataset.documents.length;
    const positivesPerDocument = new Int32Array(n);
    for (const query of dataset.queries) {
      expect(Array.from(query.candidates)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(query.labels).toHaveLength(n);
      let own = 0;
      query.labels.forEach((label, i) => {
        expect(label === 0 || label === 1).toBe(true);
        if (label > 0) {
          own++;
          positivesPerDocument[i]++;
        }
      });
      expect(own).toBeGreaterThanOrEqual(20);
      expect(own).toBe(35);
    }
    expect(Array.from(positivesPerDocument).every((count) => count === 1)).toBe(true);
  });

  it('uses intent ids and descriptions for queries, demo-<n> ids for documents, in a fixed order', () => {
    expectQueriesSortedByText(dataset);
    for (const intent of DEMO_DATA.intents) {
      const query = dataset.queries.find((q) => q.id === intent.id);
      expect(query?.text).toBe(intent.description);
    }
    expect(dataset.documents.map((d) => d.id)).toEqual(dataset.documents.map((_, i) => `demo-${i}`));
    const all = DEMO_DATA.intents.flatMap((intent) => intent.utterances);
    expect(dataset.documents.map((d) => d.text)).toEqual(all);
    const lost = dataset.queries.find((q) => q.id === 'lost_baggage')!;
    const suitcase = dataset.documents.findIndex(
      (d) => d.text === 'My suitcase never came off the belt in Athens.',
    );
    expect(lost.labels[suitcase]).toBe(1);
    // Building it again gives the same dataset.
    expect(buildDemoDataset()).toEqual(dataset);
  });

  // Guards the point of the demo against edits of the texts: with LSA and a gold teacher on the top 20,
  // refinement clearly helps several queries and hurts none.
  it('shows refinement helping with LSA-64 and the gold teacher', async () => {
    await initBackend('cpu');
    const result = await runExperiment({
      dataset,
      embedder: new LsaEmbedder({ dims: 64, seed: 42 }),
      teacher: createTeacher('gold', { noise: 0, seed: 42 }),
      method: { ...DEFAULT_METHOD, computationTypes: ['original', 'optimized'], recordEvery: 0 },
    });
    const before = result.metrics.original.map((m) => m.map);
    const after = result.metrics.optimized.map((m) => m.map);
    const gains = after.map((map, q) => map - before[q]);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(before)).toBeLessThan(0.5);
    expect(mean(gains)).toBeGreaterThan(0.08);
    expect(gains.filter((g) => g >= 0.1).length).toBeGreaterThanOrEqual(4);
    expect(Math.min(...gains)).toBeGreaterThan(-0.02);
  }, 60_000);
});
