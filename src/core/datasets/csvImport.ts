import { parseCsvRecords } from './csvRecords';
import { readDataText } from './dataText';
import { buildFullGrid, type LabelledText } from './fullGrid';
import { CandidatePairLimitError, tooManyCandidatePairs } from './candidatePairMemory';
import type { DataFiles, Dataset, DatasetParser, ParseOptions } from './types';

const COLUMNS = ['text', 'label'];

/**
 * A generic importer for a labelled CSV file (`--dataset csv:<file.csv>`) with a header holding `text` and
 * `label` (other columns are ignored), built as Banking77 is (same code path, `buildFullGrid`): every distinct
 * label is a query whose text is the label with '_' → ' ' (its id is the label), every distinct text is a
 * document, every query is ranked against all documents, label 1 where some row pairs the text with that label.
 * Queries are sorted by text. Texts are kept verbatim.
 *
 * Ids: a document's id is `row-<n>`, with `n` the 1-based data row (header not counted) of the first row
 * holding that text, as error messages count rows. Rows with an empty text or label are skipped and rows that
 * repeat a text are merged into one document; both get a note. No document cap by default (every document
 * is a positive of its label, so a cap could not remove any).
 */
export function csvImportParser(fileName: string, name: string = csvDatasetName(fileName)): DatasetParser {
  const parser: DatasetParser = {
    name,
    task: 'classification',
    folder: '',
    requiredFiles: [fileName],
    sourceHint: 'a CSV file whose header has the columns text and label, one labelled text per row',
    parse: (files, options) => parseCsvImport(files, fileName, parser, options),
  };
  return parser;
}

/** The dataset name of a CSV file: its name without the `.csv` extension. */
export function csvDatasetName(fileName: string): string {
  return fileName.replace(/\.csv$/i, '') || fileName;
}

async function parseCsvImport(
  files: DataFiles,
  fileName: string,
  parser: DatasetParser,
  options: ParseOptions = {},
): Promise<Dataset> {
  const where = `${files.location}/${fileName}`;
  const records = parseCsvRecords(await readDataText(files, fileName), where, COLUMNS);
  const rows: LabelledText[] = [];
  const blank: number[] = [];
  records.forEach((record, i) => {
    if (record.text.trim() === '' || record.label.trim() === '') {
      blank.push(i + 1);
      return;
    }
    rows.push({
      documentId: `row-${i + 1}`,
      text: record.text,
      queryId: record.label,
      queryText: record.label.replaceAll('_', ' '),
    });
  });
  if (rows.length === 0) throw new Error(`${where} has no data row with both a text and a label`);
  if (options.memoryBytes !== undefined) {
    const labels = new Set(rows.map((row) => row.queryText)).size;
    const texts = new Set(rows.map((row) => row.text)).size;
    const refusal = tooManyCandidatePairs(
      labels * texts,
      options.memoryBytes,
      `${fileName} (${labels.toLocaleString('en-US')} labels × ${texts.toLocaleString('en-US')} texts)`,
      // Every text is a positive of its label, so the document cap (which keeps positives) cannot shrink it.
      'cut the file down to fewer labels or rows (a document cap keeps every labelled text)',
    );
    if (refusal) throw new CandidatePairLimitError(refusal, false);
  }

  const { documents, queries } = buildFullGrid(rows);
  const notes: string[] = [];
  if (blank.length > 0) {
    const shown = blank.slice(0, 5).join(', ') + (blank.length > 5 ? ', ...' : '');
    notes.push(
      `${fileName}: skipped ${blank.length} row(s) with an empty text or label (data rows ${shown})`,
    );
  }
  const merged = rows.length - documents.length;
  if (merged > 0) {
    notes.push(
      `${fileName}: ${merged} row(s) repeat the text of an earlier row; each such text is one document, ` +
        `positive for every label it was given`,
    );
  }
  return {
    name: parser.name,
    task: parser.task,
    instruction: 'Given the name of a category, retrieve texts that belong to this category',
    documents,
    queries,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
