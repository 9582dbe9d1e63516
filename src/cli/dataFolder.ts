import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { getDatasetParser, loadDataset } from '../core/datasets/registry';
import type { DataFiles, Dataset, DatasetParser, ParseOptions } from '../core/datasets/types';

/**
 * The data directory: the `--data-dir` value, else the `DATA_DIR` environment variable, else `./data`,
 * resolved against the working directory. Throws when that folder does not exist.
 */
export function resolveDataDir(
  option?: string,
  env: Record<string, string | undefined> = process.env,
): string {
  const chosen = nonEmpty(option) ?? nonEmpty(env.DATA_DIR) ?? './data';
  const dir = path.resolve(chosen);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new Error(`data folder ${dir} does not exist; pass --data-dir or set DATA_DIR`);
  return dir;
}

/** Read access to `<dataDir>/<parser.folder>`, for `loadDataset`. */
export function datasetFolder(dataDir: string, parser: Pick<DatasetParser, 'folder'>): DataFiles {
  return folderFiles(path.join(dataDir, parser.folder));
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
        return await readFile(full, 'utf8');
      } catch (error) {
        throw new Error(`cannot read ${full}: ${(error as Error).message}`, { cause: error });
      }
    },
    async readBytes(relativePath) {
      const full = resolve(relativePath);
      try {
        return new Uint8Array(await readFile(full));
      } catch (error) {
        throw new Error(`cannot read ${full}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
