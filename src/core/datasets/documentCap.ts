import { PythonRandom } from '../pythonRandom';
import { compareCodePoints } from './codePointOrder';
import type { Dataset, DatasetQuery } from './types';

/** The reference draws every corpus cap's sample with `random.Random(42)`, whatever the run's seed. */
export const CAP_SEED = 42;

/**
 * The reference's sample for a corpus cap: `random.Random(42).sample(sorted(ids), k)`, the items ordered by
 * their ids in Python's string order (code points) before CPython's draw. Items with equal ids keep their order.
 */
export function referenceCapSample<T>(items: readonly T[], idOf: (item: T) => string, k: number): T[] {
  const sorted = [...items].sort((a, b) => compareCodePoints(idOf(a), idOf(b)));
  return new PythonRandom(CAP_SEED).sample(sorted, k);
}

/**
 * Caps a dataset at `maxDocuments` documents exactly as the reference does for large corpora
 * (RealScholarQuery, generic BEIR sets): every document that is a positive (label > 0) of any query is kept,
 * and the rest are `random.Random(42).sample(sorted(other ids), maxDocuments - positives)` — the other
 * documents' ids in Python's string order (code points), drawn with CPython's generator — so the set kept is
 * the reference's. Kept documents stay in their original order (the reference lists the positives first,
 * then its sample; the order of documents changes no metric); each query keeps the candidates (and labels)
 * that survive, in their order.
 *
 * `maxDocuments: Infinity` (or a dataset already within the cap) returns `dataset` itself. When the positives
 * alone exceed the cap, all of them are kept and nothing else: the dataset ends up over the cap and a note
 * says so (the reference fails there; dropping positives would change what the queries are asked to find).
 * Queries left with no candidate (possible only for queries without positives) are dropped, with a note.
 * Applying the same cap twice changes nothing the second time.
 */
export function capDocuments(dataset: Dataset, maxDocuments: number): Dataset {
  checkDocumentCap(maxDocuments);
  const n = dataset.documents.length;
  if (n <= maxDocuments) return dataset;

  const positive = new Uint8Array(n);
  for (const query of dataset.queries) {
    for (let i = 0; i < query.candidates.length; i++) {
      if (query.labels[i] > 0) positive[query.candidates[i]] = 1;
    }
  }
  const cap = documentsKeptByCap(dataset.documents, positive, maxDocuments);
  if (!cap) return dataset;
  const { keep } = cap;
  const notes = [...(dataset.notes ?? []), cap.note];

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

/**
 * The documents a cap of `maxDocuments` keeps (`keep[d]` = 1), as `capDocuments` chooses them — every
 * positive (`positive[d]` = 1), then the reference's sample of the others — with the note that says so;
 * undefined when the cap keeps everything. For a parser that can cap before it builds its queries.
 */
export function documentsKeptByCap(
  documents: readonly { id: string }[],
  positive: Uint8Array,
  maxDocuments: number,
): { keep: Uint8Array; note: string } | undefined {
  checkDocumentCap(maxDocuments);
  const n = documents.length;
  if (n <= maxDocuments) return undefined;
  let positives = 0;
  for (let d = 0; d < n; d++) positives += positive[d];
  if (positives === n) return undefined; // nothing but positives: nothing may go
  const keep = positive.slice();
  if (positives >= maxDocuments) {
    return {
      keep,
      note:
        `document cap ${maxDocuments}: the ${positives} documents that are positives of some query exceed it; ` +
        `kept all of them and no others (${n - positives} left out)`,
    };
  }
  const others: number[] = [];
  for (let d = 0; d < n; d++) if (positive[d] === 0) others.push(d);
  for (const d of referenceCapSample(others, (i) => documents[i].id, maxDocuments - positives)) keep[d] = 1;
  return {
    keep,
    note:
      `document cap ${maxDocuments}: kept ${maxDocuments} of ${n} documents (all ${positives} positives and ` +
      `the reference's sample of the others, Python's random.Random(${CAP_SEED}) over their sorted ids)`,
  };
}

/** Throws unless `maxDocuments` is a positive integer or Infinity. */
export function checkDocumentCap(maxDocuments: number): void {
  if (!(maxDocuments === Infinity || (Number.isInteger(maxDocuments) && maxDocuments >= 1))) {
    throw new Error(`the document cap must be a positive integer or Infinity, got ${maxDocuments}`);
  }
}
