import { compareCodePoints } from './codePointOrder';
import { DocumentTable } from './documentTable';
import type { Dataset, DatasetDocument, DatasetParser, DatasetQuery } from './types';

/** One labelled utterance of a classification source: its text and the query (intent) it belongs to. */
export interface LabelledText {
  /** The document's id, used when this row is the first with its text. */
  documentId: string;
  text: string;
  /** The query's id, used when this row is the first with its query text. */
  queryId: string;
  queryText: string;
}

/**
 * Builds the full grid of a classification dataset, as the reference loader's cross join does: documents are
 * the unique texts in order of first appearance, every label becomes a query whose candidates are all
 * documents (in document order), and a candidate's label is 1 when some row pairs its text with that query.
 *
 * Queries are identified by text (the reference keys its label series by query text) and sorted by it in
 * code-point order, as the reference experiment does (`sorted(query_to_label_series.keys())`).
 */
export function buildFullGrid(rows: Iterable<LabelledText>): {
  documents: DatasetDocument[];
  queries: DatasetQuery[];
} {
  const table = new DocumentTable();
  const byText = new Map<string, { id: string; positives: number[] }>();
  for (const row of rows) {
    const doc = table.add(row.documentId, row.text);
    let query = byText.get(row.queryText);
    if (query === undefined) {
      query = { id: row.queryId, positives: [] };
      byText.set(row.queryText, query);
    }
    query.positives.push(doc);
  }

  const n = table.size;
  const allDocuments = new Int32Array(n);
  for (let i = 0; i < n; i++) allDocuments[i] = i;

  const sorted = [...byText.entries()].sort((a, b) => compareCodePoints(a[0], b[0]));
  const queries = sorted.map(([text, { id, positives }]): DatasetQuery => {
    const labels = new Float32Array(n);
    for (const doc of positives) labels[doc] = 1;
    // Each query gets its own candidate array: callers may transfer or mutate one without touching the others.
    return { id, text, candidates: allDocuments.slice(), labels };
  });
  return { documents: table.documents, queries };
}

/** The classification dataset of `parser` (its name and task) with `instruction`, its grid built from `rows`. */
export function fullGridDataset(
  parser: Pick<DatasetParser, 'name' | 'task'>,
  instruction: string,
  rows: Iterable<LabelledText>,
): Dataset {
  return { name: parser.name, task: parser.task, instruction, ...buildFullGrid(rows) };
}
