import { describe, expect, it } from 'vitest';
import { banking77Parser } from './banking77';
import type { Dataset } from './types';
import { countPositives, expectQueriesSortedByText, loadSharedDataset } from '../../testing/datasets';

describe('Banking77 parser', async () => {
  const dataset: Dataset = await loadSharedDataset(banking77Parser);

  it('has the counts documented in SOURCE.md', () => {
    expect(dataset.name).toBe('Banking77');
    expect(dataset.task).toBe('classification');
    expect(dataset.queries).toHaveLength(77);
    expect(dataset.documents).toHaveLength(13_083);
    let pairs = 0;
    let positives = 0;
    let fewest = Infinity;
    let most = 0;
    for (const query of dataset.queries) {
      expect(query.candidates).toHaveLength(13_083);
      pairs += query.candidates.length;
      const own = countPositives(query.labels);
      fewest = Math.min(fewest, own);
      most = Math.max(most, own);
      positives += own;
    }
    expect(pairs).toBe(77 * 13_083);
    expect(positives).toBe(13_083);
    expect(fewest).toBe(75);
    expect(most).toBe(227);
  });

  it('turns categories into query texts with spaces, sorted, ids keeping the category name', () => {
    const query = dataset.queries.find((q) => q.id === 'card_arrival');
    expect(query?.text).toBe('card arrival');
    for (const q of dataset.queries) expect(q.text).not.toContain('_');
    expectQueriesSortedByText(dataset);
  });

  it('labels a known text positive, and keeps quoted commas, quotes and newlines verbatim', () => {
    expect(dataset.documents[0]).toEqual({ id: 'train-0', text: 'I am still waiting on my card?' });
    const arrival = dataset.queries.find((q) => q.id === 'card_arrival')!;
    expect(arrival.labels[0]).toBe(1);
    const notWorking = dataset.documents.findIndex((d) => d.id === 'train-1290');
    expect(dataset.documents[notWorking].text).toBe("\nI can't seem to be able to use my card\n\n\n");
    expect(dataset.queries.find((q) => q.id === 'card_not_working')!.labels[notWorking]).toBe(1);
    const quoted = dataset.documents.find((d) => d.id === 'train-5106');
    expect(quoted?.text).toBe(
      'I put in a payment a while ago and it has still not cleared and is showing up as "pending", how long ' +
        'does it take to clear?',
    );
    expect(dataset.documents.at(-1)?.id).toMatch(/^test-/);
    // The files end their rows with CRLF; no carriage return may leak into a text or a category.
    for (const d of dataset.documents) expect(d.text).not.toContain('\r');
    for (const q of dataset.queries) expect(q.id).not.toContain('\r');
  });
});
