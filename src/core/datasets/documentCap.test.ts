import { describe, expect, it } from 'vitest';
import { capDocuments } from './documentCap';
import type { Dataset, DatasetQuery } from './types';
import { readReferenceGolden } from '../../testing/sharedFolder';

const golden = readReferenceGolden();

/** A dataset of `n` documents d0..d(n-1) (or the ids given); each query ranks all of them, positives as given. */
function fullDataset(
  n: number,
  positivesByQuery: number[][],
  idOf: (i: number) => string = (i) => `d${i}`,
): Dataset {
  const documents = Array.from({ length: n }, (_, i) => ({ id: idOf(i), text: `text ${i}` }));
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

  it("keeps every positive and the reference's sample of the others, in original order", () => {
    const capped = capDocuments(dataset, 20);
    // random.Random(42).sample(sorted(other ids), 16): string order, so d12 comes before d2.
    expect(ids(capped)).toEqual(
      [2, 3, 8, 9, 10, 12, 13, 21, 22, 25, 35, 36, 39, 42, 50, 60, 74, 85, 97, 98].map((d) => `d${d}`),
    );
    expect(capped.notes).toEqual([
      "document cap 20: kept 20 of 100 documents (all 4 positives and the reference's sample of the others, " +
        "Python's random.Random(42) over their sorted ids)",
    ]);
  });

  it('sorts the ids by code point, as Python does, whatever the documents order', () => {
    // Python: sorted(['a', 'b', '\uff61', '\U0001f600']) = ['a', 'b', '｡', '😀'] and random.Random(42).sample
    // of it, 2, = ['a', '😀']; UTF-16 order would put '😀' before '｡' and keep '｡'.
    const names = ['\uff61', 'b', 'pos', '\u{1f600}', 'a'];
    const capped = capDocuments(
      fullDataset(5, [[2]], (i) => names[i]),
      3,
    );
    expect(ids(capped)).toEqual(['pos', '\u{1f600}', 'a']);
  });

  it('keeps exactly the golden samples of the reference (corpus_caps)', () => {
    expect(golden.corpus_caps.length).toBeGreaterThan(0);
    for (const c of golden.corpus_caps) {
      expect(c.sorted_other_ids).toMatch(/^doc000000\.\.doc\d{6} \(zero-padded to 6 digits\)$/);
      // The others doc000000.. in reverse order, with three positives (other ids) among them.
      const others = Array.from(
        { length: c.count },
        (_, i) => `doc${String(c.count - 1 - i).padStart(6, '0')}`,
      );
      const all = [...others.slice(0, 7), 'pos-b', ...others.slice(7), 'pos-a', 'pos-c'];
      const positive = ['pos-a', 'pos-b', 'pos-c'].map((id) => all.indexOf(id));
      const capped = capDocuments(
        fullDataset(all.length, [positive.slice(0, 2), positive.slice(1)], (i) => all[i]),
        c.k + 3,
      );
      const kept = ids(capped);
      expect(kept).toHaveLength(c.k + 3);
      expect(kept.filter((id) => id.startsWith('pos'))).toEqual(['pos-b', 'pos-a', 'pos-c']);
      const sample = kept.filter((id) => id.startsWith('doc'));
      expect(sample).toEqual(expect.arrayContaining([...c.first_50, ...c.last_10]));
      // The golden file leaves the 30,000-id sum out; CPython 3.11 gives 359802599.
      expect(sample.reduce((sum, id) => sum + Number(id.slice(3)), 0)).toBe(c.sum_of_positions ?? 359802599);
      expect(capped.queries.map((q) => q.candidates.length)).toEqual([c.k + 3, c.k + 3]);
    }
  });

  it('remaps candidates and keeps each query its labels', () => {
    const capped = capDocuments(dataset, 20);
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

  it('returns the dataset itself when it fits, or with Infinity', () => {
    expect(capDocuments(dataset, 100)).toBe(dataset);
    expect(capDocuments(dataset, Infinity)).toBe(dataset);
  });

  it('keeps all positives, and says so, when they alone exceed the cap', () => {
    const capped = capDocuments(dataset, 2);
    expect(ids(capped)).toEqual(['d3', 'd10', 'd50', 'd97']);
    expect(capped.notes?.[0]).toMatch(/the 4 documents that are positives of some query exceed it; kept all/);
  });

  it('changes nothing when applied twice, and keeps earlier notes', () => {
    const once = capDocuments({ ...dataset, notes: ['earlier'] }, 20);
    expect(capDocuments(once, 20)).toBe(once);
    const over = capDocuments(dataset, 2);
    expect(capDocuments(over, 2)).toBe(over);
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
    const capped = capDocuments({ ...base, queries: [...base.queries, judgedOnly] }, 1);
    expect(ids(capped)).toEqual(['d40']);
    expect(capped.queries.map((q) => q.id)).toEqual(['q0']);
    expect(capped.notes?.at(-1)).toBe(
      'document cap 1: dropped 1 query(ies) left without candidates (judged-only)',
    );
  });

  it('rejects a cap that is not a positive integer', () => {
    for (const bad of [0, -3, 2.5, NaN]) {
      expect(() => capDocuments(dataset, bad)).toThrow(/positive integer or Infinity/);
    }
  });
});
