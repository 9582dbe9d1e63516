import { describe, expect, it } from 'vitest';
import { argkp21Parser } from './argkp21';
import type { Dataset } from './types';
import { countPositives, expectQueriesSortedByText, loadSharedDataset } from '../../testing/datasets';

describe('ArgKP21 parser', async () => {
  const dataset: Dataset = await loadSharedDataset(argkp21Parser);

  it('has the counts documented in SOURCE.md', () => {
    expect(dataset.name).toBe('ArgKP21');
    expect(dataset.task).toBe('classification');
    expect(dataset.queries).toHaveLength(243);
    expect(dataset.documents).toHaveLength(6_515);
    let pairs = 0;
    let positives = 0;
    for (const query of dataset.queries) {
      expect(query.labels).toHaveLength(query.candidates.length);
      pairs += query.candidates.length;
      const own = countPositives(query.labels);
      expect(own).toBeGreaterThanOrEqual(1);
      positives += own;
    }
    expect(pairs).toBe(24_093);
    expect(positives).toBe(4_998);
  });

  it('gives each key point only the arguments labelled against it, in label-file order', () => {
    const query = dataset.queries.find((q) => q.id === 'kp_4_1')!;
    expect(query.text).toBe('School uniform reduces bullying');
    expect(query.candidates).toHaveLength(107);
    expect(query.labels.reduce((sum, label) => sum + label, 0)).toBe(21);
    const first = dataset.documents[query.candidates[0]];
    expect(first).toEqual({
      id: 'arg_4_0',
      text:
        'having a school uniform can reduce bullying as students who have no style or cannot afford the latest ' +
        'trends do not stand out.',
    });
    expect(query.labels[0]).toBe(1);
    expect(dataset.documents[query.candidates[1]].id).toBe('arg_4_1');
    expect(query.labels[1]).toBe(0);
  });

  it('sorts queries by text, keeps source ids and texts verbatim', () => {
    const texts = expectQueriesSortedByText(dataset);
    expect(dataset.queries[0].id).toBe('kp_16_0');
    expect(texts).toContain('Legalizing sex work will allow to regulate those in the profession '); // trailing space kept
    expect(new Set(dataset.queries.map((q) => q.id)).size).toBe(243);
    expect(new Set(dataset.documents.map((d) => d.id)).size).toBe(6_515);
    expect(dataset.documents[0].id).toBe('arg_4_0');
  });
});
