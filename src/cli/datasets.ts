import { stat } from 'node:fs/promises';
import path from 'node:path';
import { datasetStatistics, type DatasetStatistics } from '../core/datasets/datasetStatistics';
import {
  DATASET_PARSERS,
  getDatasetParser,
  loadDatasetWith,
  missingDatasetFiles,
} from '../core/datasets/registry';
import { REMOTE_DATASETS, remoteDataset } from '../core/datasets/sources';
import type { DatasetParser } from '../core/datasets/types';
import { folderFiles, resolveDataDir } from './dataFolder';
import { ensureDatasetFiles } from './downloadDataset';
import { runCli } from './runCli';
import { parseCliArgs, rejectArguments } from './cliFlags';

const USAGE = `Usage: npm run datasets -- [--data-dir DIR] [--json]
       npm run datasets -- --download NAME... [--data-dir DIR] [--force]

Lists every registered dataset: whether its files are in the data folder (and which are missing, with where
to get them), whether it can be downloaded, and for those present the sizes as loaded with the default
options: queries, documents, (query, candidate) pairs and positive pairs (label > 0). Imports (beir:, trec:,
csv:) are not listed.

With --download, fetches the named datasets ("all": every downloadable one) from their public sources into
the data folder (created if needed), then loads each and prints its sizes. Files already present are kept.
$DATASET_MIRROR=URL fetches https://host/path from URL/host/path instead.

  --data-dir DIR   folder holding the dataset folders (default: $DATA_DIR, else ./data)
  --json           one JSON document instead of the table
  --download       download the datasets named after the options
  --force          with --download: fetch every file again, even those present
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
  /** Whether `--download` can fetch it from a public source. */
  downloadable: boolean;
  /** Where a download fetches it from (repositories and commits); null when it is not downloadable. */
  download_origin: string | null;
  /** The default document cap; null for none. */
  default_max_documents: number | null;
  /** Sizes when available and loaded; null otherwise. */
  statistics: DatasetStatistics | null;
  notes: string[];
  /** Why an available dataset failed to load; null when it loaded or was not available. */
  error: string | null;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCliArgs(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    download: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return void process.stdout.write(USAGE);
  if (values.download) return download(positionals, values['data-dir'], values.force, values.json);
  rejectArguments(positionals);
  if (values.force) throw new Error('--force goes with --download');
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

/** `--download NAME...`: fetches each named dataset, then loads it and prints its sizes. */
async function download(names: string[], dataDirOption: string | undefined, force: boolean, json: boolean) {
  if (names.length === 0) {
    const downloadable = REMOTE_DATASETS.map((d) => d.dataset).join(', ');
    throw new Error(`--download needs dataset names (or "all"); downloadable: ${downloadable}`);
  }
  const parsers =
    names.length === 1 && names[0].toLowerCase() === 'all'
      ? DATASET_PARSERS.filter((p) => remoteDataset(p.name) !== undefined && !remoteDataset(p.name)?.large)
      : names.map((name) => getDatasetParser(name));
  for (const parser of parsers) {
    if (remoteDataset(parser.name) === undefined) {
      throw new Error(
        `dataset ${parser.name} has no public source to download from` +
          (parser.requiredFiles.length === 0 ? ' (it is built in)' : `; get it from ${parser.sourceHint}`),
      );
    }
  }
  const dataDir = resolveDataDir(dataDirOption, process.env, true);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nCancelling ...\n');
    controller.abort(new Error('Cancelled by the user (Ctrl-C); no partial file was kept.'));
  });
  const rows: DatasetAvailability[] = [];
  for (const parser of parsers) {
    const report = await ensureDatasetFiles(parser, dataDir, {
      download: true,
      explicit: true,
      overwrite: force,
      signal: controller.signal,
    });
    if (report === undefined) process.stderr.write(`${parser.name}: all files present in ${dataDir}\n`);
    rows.push(await inspect(parser, dataDir));
  }
  if (json) process.stdout.write(`${JSON.stringify({ data_dir: dataDir, datasets: rows }, null, 2)}\n`);
  else process.stdout.write(formatTable(dataDir, rows));
  if (rows.some((r) => r.error !== null || !r.available)) process.exitCode = 1;
}

async function inspect(parser: DatasetParser, dataDir: string): Promise<DatasetAvailability> {
  const folder = path.join(dataDir, parser.folder);
  const files = folderFiles(folder);
  const missing = await missingDatasetFiles(parser, files);
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
    downloadable: remoteDataset(parser.name) !== undefined,
    download_origin: remoteDataset(parser.name)?.origin ?? null,
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
    ['dataset', 'task', 'status', 'queries', 'documents', 'pairs', 'positives', 'source'],
    ...rows.map((r) => [
      r.name,
      r.task,
      r.error !== null ? 'error' : r.available ? 'available' : r.folder_present ? 'incomplete' : 'missing',
      n(r.statistics?.queries),
      n(r.statistics?.documents),
      n(r.statistics?.pairs),
      n(r.statistics?.positives),
      r.downloadable
        ? 'download'
        : r.missing_files.length === 0 && !r.folder_present
          ? 'built-in'
          : 'by hand',
    ]),
  ];
  const last = table[0].length - 1;
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const lines = table.map((row) =>
    row
      .map((cell, c) => (c < 3 || c === last ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd(),
  );
  const details: string[] = [];
  for (const r of rows) {
    if (r.error !== null) details.push(`${r.name}: failed to load: ${r.error}`);
    else if (!r.available) {
      const what = r.folder_present
        ? `missing ${r.missing_files.join(', ')} in ${r.folder}`
        : `no folder ${r.folder}`;
      const how = r.downloadable
        ? `npm run datasets -- --download ${r.name} fetches them (or get the files from ${r.source_hint})`
        : `get the files from ${r.source_hint}`;
      details.push(`${r.name}: ${what}; ${how}`);
    }
    for (const note of r.notes) details.push(`${r.name}: note: ${note}`);
  }
  return `Data folder: ${dataDir}\n\n${lines.join('\n')}\n${details.length ? `\n${details.join('\n')}\n` : ''}`;
}

await runCli(() => main(process.argv.slice(2)));
