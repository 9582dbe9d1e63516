import { readCsvRecords } from './csvRecords';
import { fullGridDataset, type LabelledText } from './fullGrid';
import type { DataFiles, Dataset, DatasetParser } from './types';

const DATA_FILE = 'data_full.json';
const MAPPING_FILE = 'clinc150_intent_mapping.csv';
const OUT_OF_SCOPE = 'oos';

/**
 * CLINC150 ("full" version of clinc/oos-eval), as the reference loader (IBM/task-aware-embedding-refinement,
 * `dataset_loaders.Clinc150`) builds it: the `train` section only; every intent name is replaced by its
 * description from `clinc150_intent_mapping.csv` (stripped, then '_' → ' '); queries are the descriptions,
 * documents the unique utterances, and every query is ranked against all documents.
 *
 * Ids: a query's id is its intent name (`accept_reservations`); a document's id is `train-<i>`, with `i` the
 * 0-based position in the `train` section of the first row holding that utterance.
 *
 * Deviation: the reference looks every intent up in the mapping (a KeyError for any intent without a
 * description, 'oos' included) and only then drops 'oos'. Here rows labelled 'oos' are skipped and any other
 * intent without a description is an error. The `train` section holds no 'oos' rows, so the result is the same.
 */
export const clinc150Parser: DatasetParser = {
  name: 'Clinc150',
  task: 'classification',
  folder: 'Clinc150',
  requiredFiles: [DATA_FILE, MAPPING_FILE],
  sourceHint:
    'data_full.json is data/data_full.json of https://github.com/clinc/oos-eval; clinc150_intent_mapping.csv is ' +
    'data/clinc150/clinc150_intent_mapping.csv of https://github.com/IBM/task-aware-embedding-refinement',
  parse: parseClinc150,
};

async function parseClinc150(files: DataFiles): Promise<Dataset> {
  const descriptions = await readIntentDescriptions(files);
  const train = readTrainSection(await files.readText(DATA_FILE), `${files.location}/${DATA_FILE}`);

  const rows: LabelledText[] = [];
  train.forEach(([text, intent], i) => {
    if (intent === OUT_OF_SCOPE) return;
    const description = descriptions.get(intent);
    if (description === undefined) {
      throw new Error(
        `${files.location}/${DATA_FILE}: train row ${i} has intent "${intent}", which has no description in ` +
          `${MAPPING_FILE}; add a row for it there`,
      );
    }
    rows.push({ documentId: `train-${i}`, text, queryId: intent, queryText: description });
  });

  // The reference's instruction (instruction_templates.yaml).
  const instruction = 'Given an intent description, identify utterances that express this intent.';
  return fullGridDataset(clinc150Parser, instruction, rows);
}

/** intent name → query text: the description stripped of surrounding white space, with '_' → ' '. */
async function readIntentDescriptions(files: DataFiles): Promise<Map<string, string>> {
  const records = await readCsvRecords(files, MAPPING_FILE, ['intent_name', 'intent_description']);
  const descriptions = new Map<string, string>();
  records.forEach((record, i) => {
    const description = record.intent_description.trim();
    if (description === '') {
      throw new Error(
        `${files.location}/${MAPPING_FILE}: data row ${i + 1} (${record.intent_name}) has no description`,
      );
    }
    descriptions.set(record.intent_name, description.replaceAll('_', ' '));
  });
  return descriptions;
}

/** The `train` section of data_full.json: a list of [utterance, intent] pairs. */
function readTrainSection(json: string, fileName: string): Array<[string, string]> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`${fileName} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const train: unknown =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>).train : null;
  if (!Array.isArray(train)) {
    throw new Error(`${fileName} has no "train" list; expected the data_full.json of clinc/oos-eval`);
  }
  train.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'string' || typeof row[1] !== 'string') {
      throw new Error(`${fileName}: train row ${i} is not a [text, intent] pair of strings`);
    }
  });
  return train as Array<[string, string]>;
}
