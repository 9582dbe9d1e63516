import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { datasetStatistics, type DatasetStatistics } from '../core/datasets/datasetStatistics';
import { DATASET_PARSERS, loadDatasetWith } from '../core/datasets/registry';
import type { DatasetParser } from '../core/datasets/types';
import { folderFiles, resolveDataDir } from './dataFolder';
import { runCli } from './runCli';

const USAGE = `Usage: npm run datasets -- [--data-dir DIR] [--json]

Lists every registered dataset: whether its files are in the data folder (and which are missing, with where
to get them), and for those present the sizes as loaded with the default options: queries, documents,
(query, candidate) pairs and positive pairs (label > 0). Imports (beir:, trec:, csv:) are not listed.

  --data-dir DIR   folder holding the dataset folders (default: $DATA_DIR, else ./data)
  --json           one JSON document instead of the table
  -h, --help       this text
`;

/** One registered dataset in the data folder, as `npm run datasets -- --json` prints it. */
export interface DatasetAvailability {
  name: string;
  task: string;
  /** The dataset's folder (absolute). */
  folder: string;
  folder_present: boolean;
  /** All required files are present. */
  available: boolean;
  missing_files: string[];
  source_hint: string;
  /** The default document cap; null for none. */
  default_max_documents: number | null;
  /** Sizes when available and loaded; null otherwise. */
  statistics: DatasetStatistics | null;
  notes: string[];
  /** Why an available dataset failed to load; null when it loaded or was not available. */
  error: string | null;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}" (options start with --)`);
  const dataDir = resolveDataDir(values['data-dir']);

  const rows: DatasetAvailability[] = [];
  // One at a time: a loaded dataset is dropped before the next is read.
  for (const parser of DATASET_PARSERS) rows.push(await inspect(parser, dataDir));

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ data_dir: dataDir, datasets: rows }, null, 2)}\n`);
  } else {
    process.stdout.write(formatTable(dataDir, rows));
  }
}

async function inspect(parser: DatasetParser, dataDir: string): Promise<DatasetAvailability> {
  const folder = path.join(dataDir, parser.folder);
  const files = folderFiles(folder);
  const present = await Promise.all(parser.requiredFiles.map((file) => files.exists(file)));
  const missing = parser.requiredFiles.filter((_, i) => !present[i]);
  const row: DatasetAvailability = {
    name: parser.name,
    task: parser.task,
    folder,
    folder_present: await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    ),
    available: missing.length === 0,
    missing_files: missing,
    source_hint: parser.sourceHint,
    default_max_documents: Number.isFinite(parser.defaultMaxDocuments) ? parser.defaultMaxDocuments! : null,
    statistics: null,
    notes: [],
    error: null,
  };
  if (!row.available) return row;
  try {
    const dataset = await loadDatasetWith(parser, files);
    row.statistics = datasetStatistics(dataset);
    row.notes = dataset.notes ?? [];
  } catch (error) {
    row.error = error instanceof Error ? error.message : String(error);
  }
  return row;
}

function formatTable(dataDir: string, rows: DatasetAvailability[]): string {
  const n = (x: number | undefined) => (x === undefined ? '-' : x.toLocaleString('en-US'));
  const table = [
    ['dataset', 'task', 'status', 'queries', 'documents', 'pairs', 'positives'],
    ...rows.map((r) => [
      r.name,
      r.task,
      r.error !== null ? 'error' : r.available ? 'available' : r.folder_present ? 'incomplete' : 'missing',
      n(r.statistics?.queries),
      n(r.statistics?.documents),
      n(r.statistics?.pairs),
      n(r.statistics?.positives),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const lines = table.map((row) =>
    row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
  );
  const details: string[] = [];
  for (const r of rows) {
    if (r.error !== null) details.push(`${r.name}: failed to load: ${r.error}`);
    else if (!r.available) {
      const what = r.folder_present
        ? `missing ${r.missing_files.join(', ')} in ${r.folder}`
        : `no folder ${r.folder}`;
      details.push(`${r.name}: ${what}; get the files from ${r.source_hint}`);
    }
    for (const note of r.notes) details.push(`${r.name}: note: ${note}`);
  }
  return `Data folder: ${dataDir}\n\n${lines.join('\n')}\n${details.length ? `\n${details.join('\n')}\n` : ''}`;
}

await runCli(() => main(process.argv.slice(2)));
