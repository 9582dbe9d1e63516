import { SeededRandom } from '../rng';
import type { Dataset, DatasetQuery } from './types';

/** The seed of the cap's sample when `ParseOptions.seed` is not given (the experiments' default seed). */
export const DEFAULT_CAP_SEED = 42;

/**
 * Caps a dataset at `maxDocuments` documents, as the reference does for large corpora (RealScholarQuery,
 * generic BEIR sets): every document that is a positive (label > 0) of any query is kept, and the rest are a
 * uniform sample without replacement drawn with `SeededRandom(seed)`. Kept documents stay in their original
 * order; each query keeps the candidates (and labels) that survive, in their order. The reference lists the
 * positives first, then its sample (Python's `random.Random(42)`); the set differs (another generator), the
 * rule is the same.
 *
 * `maxDocuments: Infinity` (or a dataset already within the cap) returns `dataset` itself. When the positives
 * alone exceed the cap, all of them are kept and nothing else: the dataset ends up over the cap and a note
 * says so (dropping positives would change what the queries are asked to find). Queries left with no
 * candidate (possible only for queries without positives) are dropped, with a note. Applying the same cap
 * twice changes nothing the second time.
 */
export function capDocuments(
  dataset: Dataset,
  maxDocuments: number,
  seed: number = DEFAULT_CAP_SEED,
): Dataset {
  if (!(maxDocuments === Infinity || (Number.isInteger(maxDocuments) && maxDocuments >= 1))) {
    throw new Error(`the document cap must be a positive integer or Infinity, got ${maxDocuments}`);
  }
  const n = dataset.documents.length;
  if (n <= maxDocuments) return dataset;

  const positive = new Uint8Array(n);
  let positives = 0;
  for (const query of dataset.queries) {
    for (let i = 0; i < query.candidates.length; i++) {
      const doc = query.candidates[i];
      if (query.labels[i] > 0 && positive[doc] === 0) {
        positive[doc] = 1;
        positives++;
      }
    }
  }
  if (positives === n) return dataset; // nothing but positives: nothing may go

  const keep = positive.slice();
  const notes = [...(dataset.notes ?? [])];
  if (positives >= maxDocuments) {
    notes.push(
      `document cap ${maxDocuments}: the ${positives} documents that are positives of some query exceed it; ` +
        `kept all of them and no others (${n - positives} left out)`,
    );
  } else {
    const others: number[] = [];
    for (let d = 0; d < n; d++) if (positive[d] === 0) others.push(d);
    for (const d of new SeededRandom(seed).sample(others, maxDocuments - positives)) keep[d] = 1;
    notes.push(
      `document cap ${maxDocuments}: kept ${maxDocuments} of ${n} documents (all ${positives} positives and a ` +
        `random sample of the others, seed ${seed})`,
    );
  }

  const newIndex = new Int32Array(n).fill(-1);
  const documents = [];
  for (let d = 0; d < n; d++) {
    if (keep[d] === 0) continue;
    newIndex[d] = documents.length;
    documents.push(dataset.documents[d]);
  }

  const queries: DatasetQuery[] = [];
  const emptied: string[] = [];
  for (const query of dataset.queries) {
    const candidates: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < query.candidates.length; i++) {
      const doc = newIndex[query.candidates[i]];
      if (doc < 0) continue;
      candidates.push(doc);
      labels.push(query.labels[i]);
    }
    if (candidates.length === 0) {
      emptied.push(query.id);
      continue;
    }
    queries.push({ ...query, candidates: Int32Array.from(candidates), labels: Float32Array.from(labels) });
  }
  if (emptied.length > 0) {
    notes.push(
      `document cap ${maxDocuments}: dropped ${emptied.length} query(ies) left without candidates ` +
        `(${emptied.slice(0, 3).join(', ')}${emptied.length > 3 ? ', ...' : ''})`,
    );
  }
  return { ...dataset, documents, queries, notes };
}
