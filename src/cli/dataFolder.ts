import { constants as bufferConstants } from 'node:buffer';
import { createReadStream, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDatasetSpec, parserForSpec, type DatasetSpec } from '../core/datasets/datasetSpec';
import { getDatasetParser, loadDataset, loadDatasetWith } from '../core/datasets/registry';
import type { DataFiles, Dataset, DatasetParser, ParseOptions } from '../core/datasets/types';

/**
 * Files larger than this many bytes cannot be read as one string: even if every byte-triple were one UTF-16
 * code unit, the text would exceed Node's string limit (about 512 Mi code units), so they are refused
 * before reading. Smaller files over the limit fail while decoding, with the same message.
 */
/** The `parseArgs` options that name a dataset and where it is, shared by the commands that load one. */
export const DATASET_ARG_OPTIONS = {
  dataset: { type: 'string' },
  'data-dir': { type: 'string' },
  'no-download': { type: 'boolean', default: false },
  'max-documents': { type: 'string' },
} as const;

export const MAX_TEXT_FILE_BYTES = 3 * bufferConstants.MAX_STRING_LENGTH;

/** Bytes per chunk of `folderFiles(...).readChunks` (the stream's `highWaterMark`). */
export const READ_CHUNK_BYTES = 4 * 2 ** 20;

/**
 * The data directory: the `--data-dir` value, else the `DATA_DIR` environment variable, else `./data`,
 * resolved against the working directory. Throws when that folder does not exist, except for the default
 * `./data` when `defaultMayBeMissing` (a download will create it). A folder the user named must exist, so that
 * a mistyped path fails instead of receiving a download.
 */
export function resolveDataDir(
  option?: string,
  env: Record<string, string | undefined> = process.env,
  defaultMayBeMissing = false,
): string {
  const named = nonEmpty(option) ?? nonEmpty(env.DATA_DIR);
  const dir = path.resolve(named ?? './data');
  let kind: 'folder' | 'other' | 'none';
  try {
    kind = statSync(dir).isDirectory() ? 'folder' : 'other';
  } catch {
    kind = 'none';
  }
  if (kind === 'other' || (kind === 'none' && (named !== undefined || !defaultMayBeMissing))) {
    throw new Error(`data folder ${dir} does not exist; pass --data-dir or set DATA_DIR`);
  }
  return dir;
}

/** Read access to `<dataDir>/<parser.folder>`, for `loadDataset`. */
export function datasetFolder(dataDir: string, parser: Pick<DatasetParser, 'folder'>): DataFiles {
  return folderFiles(path.join(dataDir, parser.folder));
}

/** Where the CLI reads a `--dataset` value from: the spec, its parser and the files it reads. */
export interface DatasetSource {
  spec: DatasetSpec;
  parser: DatasetParser;
  files: DataFiles;
  /** The data directory, for a registered dataset; undefined for an import from a path. */
  dataDir?: string;
  /** The folder read (for csv: the file), absolute. */
  location: string;
}

/**
 * Resolves a `--dataset` value (see `parseDatasetSpec`) without reading any data, so that a bad name or path
 * fails before slow work starts:
 *
 * - a registered name (`NFCorpus`) is its folder under the data directory (`resolveDataDir(dataDirOption)`;
 *   with `dataDirMayBeMissing`, the default `./data` may not exist yet: a download creates it);
 * - `beir:<folder>`, `trec:<folder>`, `csv:<file>`: an absolute path, or a relative one looked up in the
 *   working directory first, then in the data directory (so `--dataset beir:scifact --data-dir ~/beir` works).
 */
export function resolveDatasetSource(
  text: string,
  dataDirOption?: string,
  env: Record<string, string | undefined> = process.env,
  dataDirMayBeMissing = false,
): DatasetSource {
  const spec = parseDatasetSpec(text);
  if (spec.kind === 'named') {
    const parser = getDatasetParser(spec.name);
    // Built-in datasets (the demo) read no files and need no data folder.
    if (parser.requiredFiles.length === 0)
      return { spec, parser, files: folderFiles('.'), location: 'built-in' };
    const dataDir = resolveDataDir(dataDirOption, env, dataDirMayBeMissing);
    const location = path.join(dataDir, parser.folder);
    return { spec, parser, files: folderFiles(location), dataDir, location };
  }
  const wantFile = spec.kind === 'csv';
  const tried = [path.resolve(spec.path)];
  if (!path.isAbsolute(spec.path)) {
    const dataDir = path.resolve(nonEmpty(dataDirOption) ?? nonEmpty(env.DATA_DIR) ?? './data');
    const inDataDir = path.join(dataDir, spec.path);
    if (!tried.includes(inDataDir)) tried.push(inDataDir);
  }
  const what = wantFile ? 'file' : 'folder';
  for (const candidate of tried) {
    let isFile: boolean;
    try {
      isFile = statSync(candidate).isFile();
    } catch {
      continue;
    }
    if (isFile !== wantFile) {
      throw new Error(
        `--dataset ${spec.kind}: expects a ${what}, but ${candidate} is ${isFile ? 'a file' : 'a folder'}`,
      );
    }
    const parser = parserForSpec({ kind: spec.kind, path: candidate });
    const files = folderFiles(wantFile ? path.dirname(candidate) : candidate);
    return { spec, parser, files, location: candidate };
  }
  throw new Error(
    `--dataset ${spec.kind}:${spec.path}: no such ${what} (looked for ${tried.join(' and ')}); ` +
      `a relative path is looked up in the working directory, then in the data folder`,
  );
}

/** Loads the dataset of a resolved `--dataset` value, with the document cap of `options`. */
export function loadDatasetFromSource(source: DatasetSource, options: ParseOptions = {}): Promise<Dataset> {
  return loadDatasetWith(source.parser, source.files, options);
}

/** Loads dataset `name` from its folder under `dataDir` (see `resolveDataDir`). */
export function loadDatasetFromDir(
  name: string,
  dataDir: string,
  options: ParseOptions = {},
): Promise<Dataset> {
  return loadDataset(name, datasetFolder(dataDir, getDatasetParser(name)), options);
}

/** `DataFiles` over one folder of the local file system. Paths may not leave the folder. */
export function folderFiles(folder: string): DataFiles {
  const root = path.resolve(folder);
  const resolve = (relativePath: string): string => {
    const full = path.resolve(root, relativePath);
    const rel = path.relative(root, full);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
      throw new Error(`${relativePath} is not a file path inside ${root}`);
    }
    return full;
  };
  return {
    location: root,
    async exists(relativePath) {
      const full = resolve(relativePath);
      try {
        return (await stat(full)).isFile();
      } catch {
        return false;
      }
    },
    async readText(relativePath) {
      const full = resolve(relativePath);
      try {
        const { size } = await stat(full);
        if (size > MAX_TEXT_FILE_BYTES) throw tooLarge(full, size);
        return await readFile(full, 'utf8');
      } catch (error) {
        throw readError(full, error);
      }
    },
    async readBytes(relativePath) {
      const full = resolve(relativePath);
      try {
        return new Uint8Array(await readFile(full));
      } catch (error) {
        throw readError(full, error);
      }
    },
    async *readChunks(relativePath, { signal } = {}) {
      const full = resolve(relativePath);
      signal?.throwIfAborted();
      // Each read fills a fresh buffer, so the yielded views stay valid after the next read.
      const stream = createReadStream(full, { highWaterMark: READ_CHUNK_BYTES, signal });
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        }
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw readError(full, error);
      } finally {
        stream.destroy();
      }
    },
  };
}

/** The error for a file that failed to read: too large for a string or a buffer, or another cause. */
function readError(full: string, error: unknown): Error {
  if (error instanceof FileTooLargeError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_STRING_TOO_LONG' || code === 'ERR_FS_FILE_TOO_LARGE') {
    let size = NaN;
    try {
      size = statSync(full).size;
    } catch {
      // keep NaN: the message then leaves the size out
    }
    return tooLarge(full, size, error);
  }
  return new Error(`cannot read ${full}: ${(error as Error).message}`, { cause: error });
}

class FileTooLargeError extends Error {}

function tooLarge(full: string, size: number, cause?: unknown): FileTooLargeError {
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MiB`;
  const shown = Number.isNaN(size) ? '' : ` (${mib(size)})`;
  return new FileTooLargeError(
    `${full} is too large to read${shown}: a data file may hold about ` +
      `${mib(bufferConstants.MAX_STRING_LENGTH)} of text; cut the source down before importing it ` +
      `(e.g. fewer corpus lines)`,
    { cause },
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
