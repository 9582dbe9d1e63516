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

  it('has the counts documented in SOURCE.md', () => {
    expect(dataset.name).toBe('NFCorpus');
    expect(dataset.task).toBe('search');
    expect(datasetStatistics(dataset)).toEqual({
      queries: 323,
      documents: 3_395,
      pairs: 323 * 3_395,
      positives: 12_334,
    });
    expect(dataset.notes).toBeUndefined(); // nothing skipped or dropped
  });

  it('ranks every query against the whole corpus; every judged pair (score 1 or 2) is a positive', () => {
    const grades = new Map<number, number>();
    for (const query of dataset.queries) {
      expect(query.candidates).toHaveLength(3_395);
      expect(query.candidates[3_394]).toBe(3_394);
      for (const label of query.labels) grades.set(label, (grades.get(label) ?? 0) + 1);
    }
    expect(grades).toEqual(
      new Map([
        [0, 323 * 3_395 - 12_334],
        [1, 11_758],
        [2, 576],
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
    expect(dataset.queries[0].labels[0]).toBe(2); // PLAIN-2 → MED-10, score 2
    expect(new Set(dataset.documents.map((d) => d.id)).size).toBe(3_395);
    // 39 pairs of ids share a text (the same paper twice); documents are keyed by id, so both stay.
    expect(new Set(dataset.documents.map((d) => d.text)).size).toBe(3_356);
    for (const doc of dataset.documents) expect(doc.text).toBe(doc.text.trim());
  });

  it('is capped only when asked, keeping every positive', async () => {
    const capped = await loadDataset('NFCorpus', folderFiles(NFCORPUS_DIR), {
      maxDocuments: 3_200,
      seed: 42,
    });
    expect(capped.documents).toHaveLength(3_200);
    expect(datasetStatistics(capped).positives).toBe(12_334);
    expect(capped.notes).toEqual([
      'document cap 3200: kept 3200 of 3395 documents (all 3128 positives and a random sample of the others, seed 42)',
    ]);
  });
});
