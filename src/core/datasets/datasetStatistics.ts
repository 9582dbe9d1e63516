import type { Dataset } from './types';

/** The sizes of a loaded dataset, as `npm run datasets` reports them. */
export interface DatasetStatistics {
  queries: number;
  documents: number;
  /** (query, candidate) pairs: the sum of the queries' candidate counts. */
  pairs: number;
  /** Pairs labelled relevant (label > 0). */
  positives: number;
}

export function datasetStatistics(dataset: Dataset): DatasetStatistics {
  let pairs = 0;
  let positives = 0;
  for (const query of dataset.queries) {
    pairs += query.candidates.length;
    for (const label of query.labels) if (label > 0) positives++;
  }
  return { queries: dataset.queries.length, documents: dataset.documents.length, pairs, positives };
}
