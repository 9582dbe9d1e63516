import { parserForSpec, type DatasetSpec } from '../../core/datasets/datasetSpec';
import { memoryFiles } from '../../core/datasets/memoryFiles';
import { DATASET_PARSERS, getDatasetParser, loadDatasetWith } from '../../core/datasets/registry';
import type { Dataset, DataFiles, ParseOptions } from '../../core/datasets/types';
import { httpDataFiles } from './httpDataFiles';
import { cachedFetch } from './cachedFetch';
import { downloadDataset, memorySink } from '../../core/datasets/download';
import { REMOTE_DATASETS, remoteDataset } from '../../core/datasets/sources';
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

/**
 * What a set of user files is: a registered dataset's own layout, a BEIR folder, a TREC folder or a CSV of
 * `text,label`. Paths are relative, with any single top folder (a dropped folder's name) already removed.
 */
export function detectImport(label: string, paths: string[]): DatasetSpec {
  const has = (p: string) => paths.includes(p);
  for (const parser of DATASET_PARSERS)
    if (parser.requiredFiles.length > 0 && parser.requiredFiles.every(has))
      return { kind: 'named', name: parser.name };
  if (has('corpus.jsonl') && has('queries.jsonl') && paths.some((p) => /^qrels\/.+\.tsv$/.test(p)))
    return { kind: 'beir', path: label };
  if (
    (has('qrels.txt') || has('qrels')) &&
    paths.some((p) => /^corpus\.(jsonl|tsv)$/.test(p)) &&
    paths.some((p) => /^queries\.(jsonl|tsv)$/.test(p))
  )
    return { kind: 'trec', path: label };
  const csvs = paths.filter((p) => p.toLowerCase().endsWith('.csv') && !p.includes('/'));
  if (csvs.length === 1) return { kind: 'csv', path: csvs[0] };
  throw new Error(
    `"${label}" is not a dataset this app knows: expected a registered dataset's files (e.g. ${DATASET_PARSERS.filter(
      (p) => p.requiredFiles.length,
    )
      .slice(0, 2)
      .map((p) => `${p.name}: ${p.requiredFiles.join(', ')}`)
      .join(
        '; ',
      )}), a BEIR folder (corpus.jsonl, queries.jsonl, qrels/test.tsv), a TREC folder (qrels.txt, corpus, queries) or one CSV with text,label columns`,
  );
}

/** Removes a top folder that every path shares (a dropped folder's or a zip's root). */
export function stripCommonRoot(files: Record<string, Uint8Array>): Record<string, Uint8Array> {
  const paths = Object.keys(files);
  const first = paths[0]?.split('/')[0];
  if (!first || paths.some((p) => !p.startsWith(`${first}/`))) return files;
  return Object.fromEntries(Object.entries(files).map(([p, v]) => [p.slice(first.length + 1), v]));
}
