import { parserForSpec, type DatasetSpec } from '../../core/datasets/datasetSpec';
import { memoryFiles } from '../../core/datasets/memoryFiles';
import { DATASET_PARSERS, getDatasetParser, loadDatasetWith } from '../../core/datasets/registry';
import type { Dataset, DataFiles, DatasetParser, ParseOptions } from '../../core/datasets/types';
import { httpDataFiles } from './httpDataFiles';
import { cachedFetch } from './cachedFetch';
import { downloadDataset, memorySink } from '../../core/datasets/download';
import { REMOTE_DATASETS, remoteDataset } from '../../core/datasets/sources';
import { FOLLOWIR_SUBSETS } from '../../core/datasets/followir';
import type { LongTaskOptions } from '../../core/progress';

/**
 * Where the browser gets a dataset: built in (the demo), from the server's data folder (`/data`), or from
 * files the user dropped or picked (a folder, a zip, a CSV), held in memory.
 */
export type DatasetSource =
  | { kind: 'builtin'; name: string }
  | { kind: 'server'; name: string; origin: string }
  /** Fetched by the browser from the dataset's public source (or a mirror of it), cached in the browser. */
  | { kind: 'remote'; name: string; mirror?: string }
  | { kind: 'files'; label: string; spec: DatasetSpec; files: Record<string, Uint8Array> };

const noFiles: DataFiles = {
  location: 'built-in',
  exists: async () => false,
  readText: async (p) => Promise.reject(new Error(`a built-in dataset has no file ${p}`)),
  readBytes: async (p) => Promise.reject(new Error(`a built-in dataset has no file ${p}`)),
};

export async function loadDatasetSource(
  source: DatasetSource,
  options: ParseOptions & LongTaskOptions,
): Promise<Dataset> {
  switch (source.kind) {
    case 'remote': {
      const remote = remoteDataset(source.name);
      if (!remote)
        throw new Error(`${source.name} has no public source to download from; open its files instead`);
      if (remote.large)
        throw new Error(
          `${source.name} is not downloaded in the browser: ${remote.large}. Use the command line.`,
        );
      const { sink, contents } = memorySink(`${source.name} (${remote.origin})`);
      await downloadDataset(remote, {
        fetch: cachedFetch,
        sink,
        mirror: source.mirror,
        signal: options.signal,
        onProgress: options.onProgress,
      });
      return loadDatasetWith(getDatasetParser(source.name), memoryFiles(sink.location, contents), options);
    }
    case 'builtin':
      return loadDatasetWith(getDatasetParser(source.name), noFiles, options);
    case 'server': {
      const parser = getDatasetParser(source.name);
      return loadDatasetWith(
        parser,
        httpDataFiles(new URL(`/data/${encodeURIComponent(parser.folder)}/`, source.origin).href),
        options,
      );
    }
    case 'files':
      return loadDatasetWith(parserForSpec(source.spec), memoryFiles(source.label, source.files), options);
  }
}

/** Registered datasets the browser can download from their public source (not the multi-GB ones). */
export const DOWNLOADABLE_DATASETS: string[] = REMOTE_DATASETS.filter((r) => !r.large).map((r) => r.dataset);

/** The registered datasets whose folder the server's data folder holds. */
export function serverDatasets(folders: string[]): string[] {
  const present = new Set(folders.map((f) => f.toLowerCase()));
  return DATASET_PARSERS.filter((p) => p.requiredFiles.length > 0 && present.has(p.folder.toLowerCase())).map(
    (p) => p.name,
  );
}

/** Files that exist at these paths (for the parsers' own layout checks; nothing is read). */
function pathsOnly(label: string, paths: readonly string[]): DataFiles {
  const present = new Set(paths);
  const none = (p: string) => Promise.reject(new Error(`${label}: ${p} is only a name here`));
  return { location: label, exists: async (p) => present.has(p), readText: none, readBytes: none };
}

/** BEIR's layout: every BEIR dataset's folder has these files, so they say the format, not the dataset. */
function isBeirLayout(paths: readonly string[]): boolean {
  return (
    paths.includes('corpus.jsonl') &&
    paths.includes('queries.jsonl') &&
    paths.some((p) => /^qrels\/.+\.tsv$/.test(p))
  );
}

/** Whether a folder's (or zip's) name names a registered dataset: `nfcorpus`, `NFCorpus`, `beir-nfcorpus`. */
function namesDataset(label: string, parser: DatasetParser): boolean {
  const key = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return [parser.name, parser.folder].some((name) => key(name) !== '' && key(label).includes(key(name)));
}

/** Whether `paths` hold every file of a registered dataset's layout (its own check where it has one). */
async function hasLayoutOf(parser: DatasetParser, label: string, paths: readonly string[]): Promise<boolean> {
  if (parser.requiredFiles.length === 0) return false;
  return parser.missingFiles
    ? (await parser.missingFiles(pathsOnly(label, paths))).length === 0
    : parser.requiredFiles.every((p) => paths.includes(p));
}

/**
 * The registered dataset that dropped files are: its layout, in a folder (or zip) named after it. File
 * names alone do not say which dataset files are (any folder with `train.csv` and `test.csv` has
 * Banking77's, any BEIR folder NFCorpus's), so every registered dataset is recognised by its name and its
 * files together; `named`: the caller has already matched the name (a FollowIR subset's own folder).
 */
async function registeredLayout(
  label: string,
  paths: readonly string[],
  named = false,
): Promise<string | undefined> {
  for (const parser of DATASET_PARSERS)
    if ((named || namesDataset(label, parser)) && (await hasLayoutOf(parser, label, paths)))
      return parser.name;
  return undefined;
}

/** Registered datasets whose files `paths` hold in a folder not named after them (for the error's hint). */
async function unnamedLayouts(label: string, paths: readonly string[]): Promise<DatasetParser[]> {
  const found: DatasetParser[] = [];
  for (const parser of DATASET_PARSERS) if (await hasLayoutOf(parser, label, paths)) found.push(parser);
  return found;
}

/** What `detectImport` found: the spec, and the folder the files go in when they must be moved into one. */
export interface DetectedImport {
  spec: DatasetSpec;
  /** The dropped files are one FollowIR subset's folder itself: they go under `<subset>/`. */
  folder?: string;
}

/**
 * What a set of user files is: a registered dataset's own layout (FollowIR: the JSONL files or mteb's
 * parquet repositories, of all three subsets or one, also when the folder dropped is one subset's, named
 * after it: `Core17`, `Core17InstructionRetrieval`, ...), in a folder named after the dataset (Banking77's
 * `train.csv` and `test.csv`, NFCorpus's BEIR files, ... in any other folder are not that dataset), a BEIR
 * folder (named by its folder), a TREC folder or a CSV of `text,label`. Paths are relative, with any single top folder (a dropped folder's name) already removed.
 */
export async function detectImport(label: string, paths: string[]): Promise<DetectedImport> {
  const has = (p: string) => paths.includes(p);
  const named = await registeredLayout(label, paths);
  if (named) return { spec: { kind: 'named', name: named } };
  const subset = FOLLOWIR_SUBSETS.find((s) => label.toLowerCase().includes(s.toLowerCase()));
  if (subset) {
    // The folder is named after the subset: that names the dataset.
    const moved = await registeredLayout(
      label,
      paths.map((p) => `${subset}/${p}`),
      true,
    );
    if (moved) return { spec: { kind: 'named', name: moved }, folder: subset };
  }
  if (isBeirLayout(paths)) return { spec: { kind: 'beir', path: label } };
  if (
    (has('qrels.txt') || has('qrels')) &&
    paths.some((p) => /^corpus\.(jsonl|tsv)$/.test(p)) &&
    paths.some((p) => /^queries\.(jsonl|tsv)$/.test(p))
  )
    return { spec: { kind: 'trec', path: label } };
  const csvs = paths.filter((p) => p.toLowerCase().endsWith('.csv') && !p.includes('/'));
  if (csvs.length === 1) return { spec: { kind: 'csv', path: csvs[0] } };
  const unnamed = (await unnamedLayouts(label, paths)).map((p) => p.name);
  const hint = unnamed.length
    ? ` (it has the files of ${unnamed.join(', ')}: name the folder or zip after the dataset to open it as one)`
    : '';
  throw new Error(
    `"${label}" is not a dataset this app knows: expected a registered dataset's files (e.g. ${DATASET_PARSERS.filter(
      (p) => p.requiredFiles.length,
    )
      .slice(0, 2)
      .map((p) => `${p.name}: ${p.requiredFiles.join(', ')}`)
      .join(
        '; ',
      )}; FollowIR also as mteb's parquet repositories), a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv), a TREC folder (qrels.txt, corpus, queries) or one CSV with text,label columns${hint}`,
  );
}

/** Removes a top folder that every path shares (a dropped folder's or a zip's root). */
export function stripCommonRoot(files: Record<string, Uint8Array>): Record<string, Uint8Array> {
  const paths = Object.keys(files);
  const first = paths[0]?.split('/')[0];
  if (!first || paths.some((p) => !p.startsWith(`${first}/`))) return files;
  return Object.fromEntries(Object.entries(files).map(([p, v]) => [p.slice(first.length + 1), v]));
}
