import { describe, expect, it } from 'vitest';
import { capDocuments } from './documentCap';
import type { Dataset, DatasetQuery } from './types';

/** A dataset of `n` documents d0..d(n-1); each query ranks all of them, positives as given. */
function fullDataset(n: number, positivesByQuery: number[][]): Dataset {
  const documents = Array.from({ length: n }, (_, i) => ({ id: `d${i}`, text: `text ${i}` }));
  const queries = positivesByQuery.map((positives, q): DatasetQuery => {
    const labels = new Float32Array(n);
    for (const d of positives) labels[d] = q + 1; // graded labels survive the cap
    return {
      id: `q${q}`,
      text: `query ${q}`,
      candidates: Int32Array.from({ length: n }, (_, i) => i),
      labels,
    };
  });
  return { name: 'toy', task: 'search', instruction: '', documents, queries };
}

const ids = (dataset: Dataset) => dataset.documents.map((d) => d.id);

describe('capDocuments', () => {
  const dataset = fullDataset(100, [[3, 50], [50, 97], [10]]);

  it('keeps every positive and fills up to the cap with other documents, in original order', () => {
    const capped = capDocuments(dataset, 20, 7);
    expect(capped.documents).toHaveLength(20);
    expect(ids(capped)).toEqual(expect.arrayContaining(['d3', 'd10', 'd50', 'd97']));
    const order = capped.documents.map((d) => Number(d.id.slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(capped.notes).toEqual([
      'document cap 20: kept 20 of 100 documents (all 4 positives and a random sample of the others, seed 7)',
    ]);
  });

  it('remaps candidates and keeps each query its labels', () => {
    const capped = capDocuments(dataset, 20, 7);
    expect(capped.queries).toHaveLength(3);
    for (const [q, query] of capped.queries.entries()) {
      expect(query.candidates).toHaveLength(20);
      const positives = [...query.candidates].filter((_, i) => query.labels[i] > 0);
      expect(positives.map((d) => capped.documents[d].id)).toEqual(
        [[3, 50], [50, 97], [10]][q].map((d) => `d${d}`),
      );
      for (let i = 0; i < query.labels.length; i++) expect([0, q + 1]).toContain(query.labels[i]);
    }
    expect(dataset.documents).toHaveLength(100); // the input is not changed
  });

  it('is deterministic by seed and samples differently with another seed', () => {
    expect(ids(capDocuments(dataset, 20, 7))).toEqual(ids(capDocuments(dataset, 20, 7)));
    expect(ids(capDocuments(dataset, 20, 7))).not.toEqual(ids(capDocuments(dataset, 20, 8)));
  });

  it('samples the non-positives uniformly', () => {
    const counts = new Array<number>(100).fill(0);
    for (let seed = 0; seed < 400; seed++) {
      for (const doc of capDocuments(dataset, 20, seed).documents) counts[Number(doc.id.slice(1))]++;
    }
    for (const positive of [3, 10, 50, 97]) expect(counts[positive]).toBe(400);
    // 16 of 96 others per draw: expected 400 · 16/96 ≈ 66.7 each
    const others = counts.filter((_, d) => ![3, 10, 50, 97].includes(d));
    expect(Math.min(...others)).toBeGreaterThan(35);
    expect(Math.max(...others)).toBeLessThan(100);
  });

  it('returns the dataset itself when it fits, or with Infinity', () => {
    expect(capDocuments(dataset, 100, 1)).toBe(dataset);
    expect(capDocuments(dataset, Infinity, 1)).toBe(dataset);
  });

  it('keeps all positives, and says so, when they alone exceed the cap', () => {
    const capped = capDocuments(dataset, 2, 1);
    expect(ids(capped)).toEqual(['d3', 'd10', 'd50', 'd97']);
    expect(capped.notes?.[0]).toMatch(/the 4 documents that are positives of some query exceed it; kept all/);
  });

  it('changes nothing when applied twice, and keeps earlier notes', () => {
    const once = capDocuments({ ...dataset, notes: ['earlier'] }, 20, 7);
    expect(capDocuments(once, 20, 7)).toBe(once);
    const over = capDocuments(dataset, 2, 1);
    expect(capDocuments(over, 2, 1)).toBe(over);
    expect(once.notes?.[0]).toBe('earlier');
  });

  it('drops a query left without candidates, with a note', () => {
    // "judged-only" is ranked against documents 0..4 only, none of them a positive of anything.
    const base = fullDataset(50, [[40]]);
    const judgedOnly: DatasetQuery = {
      id: 'judged-only',
      text: 'x',
      candidates: Int32Array.from([0, 1, 2, 3, 4]),
      labels: new Float32Array(5),
    };
    const capped = capDocuments({ ...base, queries: [...base.queries, judgedOnly] }, 1, 3);
    expect(ids(capped)).toEqual(['d40']);
    expect(capped.queries.map((q) => q.id)).toEqual(['q0']);
    expect(capped.notes?.at(-1)).toBe(
      'document cap 1: dropped 1 query(ies) left without candidates (judged-only)',
    );
  });

  it('rejects a cap that is not a positive integer', () => {
    for (const bad of [0, -3, 2.5, NaN]) {
      expect(() => capDocuments(dataset, bad, 1)).toThrow(/positive integer or Infinity/);
    }
  });
});
