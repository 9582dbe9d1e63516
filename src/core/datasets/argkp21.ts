import { compareCodePoints } from './codePointOrder';
import { readCsvRecords } from './csvRecords';
import { DocumentTable } from './documentTable';
import type { DataFiles, Dataset, DatasetParser, DatasetQuery } from './types';

const SPLITS = ['dev', 'train'] as const;
const DIR = 'kpm_data';

/**
 * ArgKP-21 (IBM/KPA_2021_shared_task, `kpm_data/`), as the reference loader (`dataset_loaders.KPM`, also
 * named `ArgKP21`) builds it: splits dev and train; every key point is a query whose candidates are only the
 * arguments labelled against it in `labels_<split>.csv` (in that file's row order), with the file's label.
 * Arguments and key points are looked up by id within their own split.
 *
 * The reference keys queries by key-point text and indexes each label series by argument text, and its
 * experiment drops repeated texts within a query (keeping the first). So here too: key points with the same
 * text are one query (the first key_point_id is its id), arguments with the same text are one document (the
 * first arg_id is its id), and a query lists a document once, with its first label. In the staged data all
 * 243 key-point texts and all 6,515 argument texts are distinct, so none of this merges anything.
 *
 * Documents are the labelled arguments in the order of the argument files (dev, then train); queries are
 * sorted by text in code-point order, as the reference experiment does.
 */
export const argkp21Parser: DatasetParser = {
  name: 'ArgKP21',
  task: 'classification',
  folder: 'ArgKP21',
  requiredFiles: SPLITS.flatMap((split) =>
    ['arguments', 'key_points', 'labels'].map((kind) => `${DIR}/${kind}_${split}.csv`),
  ),
  sourceHint: 'the kpm_data folder of https://github.com/IBM/KPA_2021_shared_task',
  parse: parseArgKP21,
};

interface LabelledArgument {
  argumentText: string;
  label: number;
}

async function parseArgKP21(files: DataFiles): Promise<Dataset> {
  /** arguments, in file order, with the first id for each text */
  const argumentsInOrder: Array<{ id: string; text: string }> = [];
  /** key-point text → its query's id and labelled arguments, in label-file order */
  const byKeyPoint = new Map<string, { id: string; rows: LabelledArgument[] }>();

  for (const split of SPLITS) {
    const argumentText = await readIdMap(files, `${DIR}/arguments_${split}.csv`, 'arg_id', 'argument');
    const keyPointText = await readIdMap(
      files,
      `${DIR}/key_points_${split}.csv`,
      'key_point_id',
      'key_point',
    );
    for (const [id, text] of argumentText) argumentsInOrder.push({ id, text });

    const labelsFile = `${DIR}/labels_${split}.csv`;
    const labels = await readCsvRecords(files, labelsFile, ['arg_id', 'key_point_id', 'label']);
    labels.forEach((record, i) => {
      const where = `${files.location}/${labelsFile}: data row ${i + 1}`;
      const argText = argumentText.get(record.arg_id);
      if (argText === undefined) {
        throw new Error(`${where} names arg_id "${record.arg_id}", unknown in split ${split}`);
      }
      const kpText = keyPointText.get(record.key_point_id);
      if (kpText === undefined) {
        throw new Error(`${where} names key_point_id "${record.key_point_id}", unknown in split ${split}`);
      }
      const label = Number(record.label);
      if (record.label.trim() === '' || !Number.isFinite(label)) {
        throw new Error(`${where} has label "${record.label}"; expected a number (1 match, 0 no match)`);
      }
      let query = byKeyPoint.get(kpText);
      if (query === undefined) {
        query = { id: record.key_point_id, rows: [] };
        byKeyPoint.set(kpText, query);
      }
      query.rows.push({ argumentText: argText, label });
    });
  }

  // Documents: only arguments that some key point is labelled against, in argument-file order.
  const labelledTexts = new Set<string>();
  for (const { rows } of byKeyPoint.values()) for (const row of rows) labelledTexts.add(row.argumentText);
  const table = new DocumentTable();
  for (const { id, text } of argumentsInOrder) if (labelledTexts.has(text)) table.add(id, text);

  const sorted = [...byKeyPoint.entries()].sort((a, b) => compareCodePoints(a[0], b[0]));
  const queries = sorted.map(([text, { id, rows }]): DatasetQuery => {
    const seen = new Set<number>();
    const candidates: number[] = [];
    const labels: number[] = [];
    for (const row of rows) {
      const doc = table.indexOf(row.argumentText);
      if (doc === undefined) throw new Error(`internal: argument text missing from the document table`);
      if (seen.has(doc)) continue;
      seen.add(doc);
      candidates.push(doc);
      labels.push(row.label);
    }
    return { id, text, candidates: Int32Array.from(candidates), labels: Float32Array.from(labels) };
  });

  return {
    name: argkp21Parser.name,
    task: argkp21Parser.task,
    // The reference's instruction for KPM (instruction_templates.yaml).
    instruction: 'Given an argument, identify utterances from debates that convey this argument.',
    documents: table.documents,
    queries,
  };
}

/** id → text from one CSV file (the first row wins when an id repeats; ids are unique in the source). */
async function readIdMap(
  files: DataFiles,
  relativePath: string,
  idColumn: string,
  textColumn: string,
): Promise<Map<string, string>> {
  const records = await readCsvRecords(files, relativePath, [idColumn, textColumn]);
  const map = new Map<string, string>();
  for (const record of records) if (!map.has(record[idColumn])) map.set(record[idColumn], record[textColumn]);
  return map;
}
