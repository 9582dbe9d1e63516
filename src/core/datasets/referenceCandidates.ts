import type { Dataset, DatasetQuery } from './types';

/**
 * The candidates as the reference's experiment ranks them, applied by `loadDatasetWith` to every dataset
 * (registered or imported) after parsing and the document cap:
 *
 * - Documents are identified by their text, as the reference identifies them (its label series are indexed
 *   by document text, and it embeds `sorted(set(texts))`): a document whose text repeats an earlier
 *   document's is merged into that earlier one (its id is kept), and a query lists each text once, with the
 *   label of its first occurrence in the query's candidate order (the reference's
 *   `series[~series.index.duplicated(keep='first')]`).
 * - Labels are binary: 1 where the source's label is > 0, else 0 (the reference's `1 if label > 0`,
 *   `(score > 0).astype(int)`). So the gold teacher scores 0/1 and `qrels.txt` restates the labels the
 *   metrics used.
 *
 * Each change is said in `dataset.notes`; a dataset without repeated texts or graded labels comes back as
 * it was.
 */
export function referenceCandidates(dataset: Dataset): Dataset {
  const { documents } = dataset;
  /** each document's index among the kept ones: the first document with its text */
  const keptIndex = new Int32Array(documents.length);
  const firstWithText = new Map<string, number>();
  const kept: Dataset['documents'] = [];
  for (let i = 0; i < documents.length; i++) {
    const first = firstWithText.get(documents[i].text);
    if (first === undefined) {
      firstWithText.set(documents[i].text, kept.length);
      keptIndex[i] = kept.length;
      kept.push(documents[i]);
    } else keptIndex[i] = first;
  }
  const merged = documents.length - kept.length;
  const graded = dataset.queries.some((q) => q.labels.some((label) => label !== 0 && label !== 1));
  if (merged === 0 && !graded) return dataset;

  /** seenBy[k] === query number + 1: the query lists kept document k already */
  const seenBy = new Int32Array(kept.length);
  let dropped = 0;
  let queriesWithDrops = 0;
  const queries = dataset.queries.map((query, q): DatasetQuery => {
    const candidates = new Int32Array(query.candidates.length);
    const labels = new Float32Array(query.candidates.length);
    let count = 0;
    query.candidates.forEach((doc, i) => {
      const k = keptIndex[doc];
      if (seenBy[k] === q + 1) return;
      seenBy[k] = q + 1;
      candidates[count] = k;
      labels[count] = query.labels[i] > 0 ? 1 : 0;
      count++;
    });
    if (count < query.candidates.length) {
      dropped += query.candidates.length - count;
      queriesWithDrops++;
    }
    return { ...query, candidates: candidates.slice(0, count), labels: labels.slice(0, count) };
  });

  const notes = [...(dataset.notes ?? [])];
  if (merged > 0)
    notes.push(
      `${merged} document${merged === 1 ? ' repeats' : 's repeat'} an earlier document's text and ` +
        `${merged === 1 ? 'was' : 'were'} merged into it (the first id is kept); ${dropped} repeated ` +
        `candidate${dropped === 1 ? ' was' : 's were'} dropped from ${queriesWithDrops} ` +
        `quer${queriesWithDrops === 1 ? 'y' : 'ies'}, keeping each text's first occurrence and its label, ` +
        'as the reference does',
    );
  if (graded)
    notes.push(
      'graded labels were made binary (relevant = label > 0), as the reference does: the metrics, the gold ' +
        'teacher and qrels.txt use 0/1',
    );
  return { ...dataset, documents: kept, queries, notes };
}
