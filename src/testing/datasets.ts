import { expect } from 'vitest';
import { datasetFolder } from '../cli/dataFolder';
import { compareCodePoints } from '../core/datasets/codePointOrder';
import { loadDatasetWith } from '../core/datasets/registry';
import type { Dataset, DatasetParser } from '../core/datasets/types';
import { SHARED_DATA_DIR } from './sharedFolder';

/** For dataset tests: a dataset of ../shared/data, read by `parser` from its folder there (as the CLI reads it). */
export function loadSharedDataset(parser: DatasetParser): Promise<Dataset> {
  return loadDatasetWith(parser, datasetFolder(SHARED_DATA_DIR, parser));
}

/** How many of a query's candidate labels are positive (> 0): its relevant documents. */
export function countPositives(labels: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] > 0 ? 1 : 0;
  return positives;
}

/** Expects the queries sorted by text in code-point order, as the reference sorts them; returns the texts. */
export function expectQueriesSortedByText(dataset: Pick<Dataset, 'queries'>): string[] {
  const texts = dataset.queries.map((q) => q.text);
  expect(texts).toEqual([...texts].sort(compareCodePoints));
  return texts;
}
