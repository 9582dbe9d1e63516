import { describe, expect, it } from 'vitest';
import { clinc150Parser } from './clinc150';
import type { Dataset } from './types';
import { countPositives, expectQueriesSortedByText, loadSharedDataset } from '../../testing/datasets';

describe('Clinc150 parser', async () => {
  const dataset: Dataset = await loadSharedDataset(clinc150Parser);

  it('has the counts documented in SOURCE.md', () => {
    expect(dataset.name).toBe('Clinc150');
    expect(dataset.task).toBe('classification');
    expect(dataset.instruction.length).toBeGreaterThan(0);
    expect(dataset.queries).toHaveLength(150);
    expect(dataset.documents).toHaveLength(15_000);
    let pairs = 0;
    let positives = 0;
    for (const query of dataset.queries) {
      expect(query.candidates).toHaveLength(15_000);
      expect(query.labels).toHaveLength(15_000);
      pairs += query.candidates.length;
      const own = countPositives(query.labels);
      expect(own).toBe(100); // 100 utterances per intent, every query has positives
      positives += own;
    }
    expect(pairs).toBe(2_250_000);
    expect(positives).toBe(15_000);
  });

  it('ranks every query against all documents, in document order', () => {
    const candidates = dataset.queries[0].candidates;
    expect(candidates).toBeInstanceOf(Int32Array);
    expect(dataset.queries[0].labels).toBeInstanceOf(Float32Array);
    for (let i = 0; i < candidates.length; i++) expect(candidates[i]).toBe(i);
    expect(dataset.queries[1].candidates).not.toBe(candidates);
  });

  it('uses intent descriptions as query texts, sorted, with intent names as ids', () => {
    const query = dataset.queries.find((q) => q.id === 'accept_reservations');
    expect(query?.text).toBe(
      'Requests to determine whether a specific restaurant or establishment accepts reservations, including ' +
        'inquiries about reservation availability for lunch, dinner, or general dining.',
    );
    expectQueriesSortedByText(dataset);
    expect(new Set(dataset.queries.map((q) => q.id)).size).toBe(150);
  });

  it('labels a known utterance positive for its intent only', () => {
    const doc = dataset.documents.findIndex((d) => d.id === 'train-9300');
    expect(dataset.documents[doc].text).toBe('can i make a reservation for redrobin');
    for (const query of dataset.queries) {
      expect(query.labels[doc]).toBe(query.id === 'accept_reservations' ? 1 : 0);
    }
    expect(dataset.documents[0]).toEqual({
      id: 'train-0',
      text: 'what expression would i use to say i love you if i were an italian',
    });
    expect(new Set(dataset.documents.map((d) => d.id)).size).toBe(15_000);
  });
});
