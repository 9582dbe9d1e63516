import { describe, expect, it } from 'vitest';
import { folderFiles } from '../../cli/dataFolder';
import { datasetStatistics } from './datasetStatistics';
import { nfcorpusParser } from './nfcorpus';
import { getDatasetParser, loadDataset } from './registry';
import type { Dataset } from './types';

const NFCORPUS_DIR = decodeURIComponent(
  new URL('../../../../shared/data/NFCorpus/', import.meta.url).pathname,
);

describe('NFCorpus (BEIR parser on the staged data)', async () => {
  const dataset: Dataset = await loadDataset('nfcorpus', folderFiles(NFCORPUS_DIR));

  it('is registered, uncapped, with the BEIR test split', () => {
    expect(getDatasetParser('NFCorpus')).toBe(nfcorpusParser);
    expect(nfcorpusParser.folder).toBe('NFCorpus');
    expect(nfcorpusParser.defaultMaxDocuments).toBe(Infinity);
    expect(nfcorpusParser.requiredFiles).toEqual(['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv']);
  });

  it('has the counts of SOURCE.md, one document per distinct text as the reference has', () => {
    expect(dataset.name).toBe('NFCorpus');
    expect(dataset.task).toBe('search');
    // SOURCE.md: 3,395 corpus lines, 12,334 judged pairs; 39 lines repeat another's text (the same paper
    // twice), so the reference ranks 3,356 texts, and 154 judged pairs fall on a repeat that is dropped.
    expect(datasetStatistics(dataset)).toEqual({
      queries: 323,
      documents: 3_356,
      pairs: 323 * 3_356,
      positives: 12_180,
    });
    expect(dataset.notes).toEqual([
      "39 documents repeat an earlier document's text and were merged into it (the first id is kept); 12597 " +
        "repeated candidates were dropped from 323 queries, keeping each text's first occurrence and its label, " +
        'as the reference does',
      'graded labels were made binary (relevant = label > 0), as the reference does: the metrics, the gold ' +
        'teacher and qrels.txt use 0/1',
    ]);
  });

  it('ranks every query against the whole corpus; every judged pair (score 1 or 2) is a positive, label 1', () => {
    const grades = new Map<number, number>();
    for (const query of dataset.queries) {
      expect(query.candidates).toHaveLength(3_356);
      expect(query.candidates[3_355]).toBe(3_355);
      for (const label of query.labels) grades.set(label, (grades.get(label) ?? 0) + 1);
    }
    expect(grades).toEqual(
      new Map([
        [0, 323 * 3_356 - 12_180],
        [1, 12_180],
      ]),
    );
  });

  it('keeps ids, qrels order and texts', () => {
    expect(dataset.documents[0].id).toBe('MED-10');
    expect(dataset.documents[0].text).toMatch(
      /^statin breast cancer survival nationwide cohort study finland/,
    );
    expect(dataset.queries[0]).toMatchObject({
      id: 'PLAIN-2',
      text: 'Do Cholesterol Statin Drugs Cause Breast Cancer?',
    });
    expect(dataset.queries[0].labels[0]).toBe(1); // PLAIN-2 → MED-10, score 2: relevant
    // 39 pairs of ids share a text (the same paper twice): one document per text, the first id kept.
    expect(new Set(dataset.documents.map((d) => d.id)).size).toBe(3_356);
    expect(new Set(dataset.documents.map((d) => d.text)).size).toBe(3_356);
    for (const doc of dataset.documents) expect(doc.text).toBe(doc.text.trim());
  });

  it('is capped only when asked, keeping every positive', async () => {
    const capped = await loadDataset('NFCorpus', folderFiles(NFCORPUS_DIR), {
      maxDocuments: 3_200,
    });
    // The cap keeps 3,200 corpus lines (by id, as the reference), of which 3,166 distinct texts; positives
    // counted with the reference's rule on the kept lines in corpus order (plain Python on the shared data).
    expect(capped.documents).toHaveLength(3_166);
    expect(datasetStatistics(capped).positives).toBe(12_180);
    expect(capped.notes?.[0]).toBe(
      "document cap 3200: kept 3200 of 3395 documents (all 3128 positives and the reference's sample of the " +
        "others, Python's random.Random(42) over their sorted ids)",
    );
  });
});
