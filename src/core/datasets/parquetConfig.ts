import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { DataFiles } from './types';

/**
 * One config of a Hugging Face dataset repository in its parquet layout, as `datasets.push_to_hub` writes
 * it: `<folder>/<split>-<i>-of-<n>.parquet`, i = 00000 … n-1 (five digits each). The folder is the config's
 * name (`data` for the default config); the split is named after it or is `test`, depending on the repo.
 */
export interface ParquetConfig {
  folder: string;
  /** Split names to look for, in order. */
  splits: readonly string[];
}

/** Shards looked for at most (`…-of-00001` to `…-of-00064`); the FollowIR configs have one each. */
const MAX_SHARDS = 64;

const shardName = (config: ParquetConfig, split: string, i: number, n: number) =>
  `${config.folder}/${split}-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.parquet`;

/**
 * The files of `config` under `prefix` (e.g. `Core17/`) in shard order, or null when there is no first
 * shard. Throws when a later shard of the set is missing.
 */
export async function findParquetShards(
  files: DataFiles,
  prefix: string,
  config: ParquetConfig,
): Promise<string[] | null> {
  for (const split of config.splits) {
    for (let n = 1; n <= MAX_SHARDS; n++) {
      if (!(await files.exists(prefix + shardName(config, split, 0, n)))) continue;
      const shards = Array.from({ length: n }, (_, i) => prefix + shardName(config, split, i, n));
      const present = await Promise.all(shards.map((shard) => files.exists(shard)));
      const missing = shards.filter((_, i) => !present[i]);
      if (missing.length > 0)
        throw new Error(`${files.location}: the parquet shards ${missing.join(', ')} are missing`);
      return shards;
    }
  }
  return null;
}

/** The name `findParquetShards` looks for first, for messages. */
export function firstShardName(prefix: string, config: ParquetConfig): string {
  return prefix + shardName(config, config.splits[0], 0, 1);
}

/**
 * The rows of `shards` (in order) as objects with the columns of `columns` that the files have. Throws,
 * naming the file, when one is not parquet or lacks a column of `required`.
 */
export async function readParquetRows(
  files: DataFiles,
  shards: readonly string[],
  columns: readonly string[],
  required: readonly string[],
): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const shard of shards) {
    const fileName = `${files.location}/${shard}`;
    const bytes = await files.readBytes(shard);
    const buffer =
      bytes.byteOffset === 0 &&
      bytes.byteLength === bytes.buffer.byteLength &&
      bytes.buffer instanceof ArrayBuffer
        ? bytes.buffer
        : bytes.slice().buffer;
    let present: string[];
    let metadata: ReturnType<typeof parquetMetadata>;
    try {
      metadata = parquetMetadata(buffer);
      present = parquetSchema(metadata).children.map((child) => child.element.name);
    } catch (error) {
      throw new Error(`${fileName} is not a parquet file: ${(error as Error).message}`, { cause: error });
    }
    const lacking = required.filter((column) => !present.includes(column));
    if (lacking.length > 0)
      throw new Error(`${fileName} has no column ${lacking.join(', ')} (its columns: ${present.join(', ')})`);
    const wanted = columns.filter((column) => present.includes(column));
    try {
      const read = await parquetReadObjects({ file: buffer, metadata, columns: wanted, rowFormat: 'object' });
      for (const row of read) rows.push(row);
    } catch (error) {
      throw new Error(`cannot read ${fileName}: ${(error as Error).message}`, { cause: error });
    }
  }
  return rows;
}
