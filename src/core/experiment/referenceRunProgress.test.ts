import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../progress';
import { readReferenceRun } from './referenceRun';
import { referenceRunInMemory } from '../../testing/sharedFolder';

// A reference-layout run is read as this project's runs are: a row group at a time, with progress and a
// cancel between groups, and its query_updates.pt files one topic at a time.
describe('readReferenceRun with progress and cancellation', () => {
  it('reports each raw-score file by rows and the trajectories by topic', async () => {
    const events: ProgressEvent[] = [];
    await readReferenceRun(referenceRunInMemory(), { onProgress: (e) => events.push({ ...e }) });
    const stages = [...new Set(events.map((e) => e.stage))];
    expect(stages).toEqual([
      'read embeddings_raw_scores.parquet',
      'read optimized_embeddings_raw_scores.parquet',
      'read tensors/<topic>/query_updates.pt',
    ]);
    const last = (stage: string) => events.filter((e) => e.stage === stage).at(-1)!;
    expect(last('read embeddings_raw_scores.parquet')).toEqual({
      stage: 'read embeddings_raw_scores.parquet',
      done: 90,
      total: 90,
    });
    expect(last('read tensors/<topic>/query_updates.pt')).toMatchObject({ done: 3, total: 3 });
  });

  it('stops once cancelled (after the first row group)', async () => {
    const controller = new AbortController();
    const reading = readReferenceRun(referenceRunInMemory(), {
      signal: controller.signal,
      onProgress: (e) => e.done > 0 && controller.abort(),
    });
    await expect(reading).rejects.toThrow(/abort/i);
  });
});
