import { readCsvRecords } from './csvRecords';
import { fullGridDataset, type LabelledText } from './fullGrid';
import type { DataFiles, Dataset, DatasetParser } from './types';

const SPLITS = ['train', 'test'] as const;

/**
 * Banking77 (PolyAI task-specific-datasets, `banking_data/{train,test}.csv`, columns `text,category`), as the
 * reference loader (`dataset_loaders.Banking77`) builds it: train and test combined; queries are the 77
 * categories with '_' → ' '; documents are the unique texts (train rows first, then test rows); every query is
 * ranked against all documents, label 1 where the text carries that category.
 *
 * Ids: a query's id is its category name (`card_arrival`); a document's id is `<split>-<i>`, with `i` the
 * 0-based data row (header not counted) of the first row holding that text.
 *
 * Deviation: the reference reads the Hugging Face copy `mteb/banking77` (columns text, label_text), which is
 * built from these CSV files; the two were not compared byte for byte. Texts are kept verbatim (not trimmed).
 */
export const banking77Parser: DatasetParser = {
  name: 'Banking77',
  task: 'classification',
  folder: 'Banking77',
  requiredFiles: SPLITS.map((split) => `${split}.csv`),
  sourceHint:
    'train.csv and test.csv are banking_data/{train,test}.csv of https://github.com/PolyAI-LDN/task-specific-datasets',
  parse: parseBanking77,
};

async function parseBanking77(files: DataFiles): Promise<Dataset> {
  const rows: LabelledText[] = [];
  for (const split of SPLITS) {
    const fileName = `${split}.csv`;
    const records = await readCsvRecords(files, fileName, ['text', 'category']);
    records.forEach((record, i) => {
      if (record.category === '') {
        throw new Error(`${files.location}/${fileName}: data row ${i + 1} has an empty category`);
      }
      rows.push({
        documentId: `${split}-${i}`,
        text: record.text,
        queryId: record.category,
        queryText: record.category.replaceAll('_', ' '),
      });
    });
  }

  // The reference's instruction (instruction_templates.yaml).
  const instruction = 'Given an intent category, identify utterances that express this intent.';
  return fullGridDataset(banking77Parser, instruction, rows);
}
