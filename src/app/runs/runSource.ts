import { unzipSync } from 'fflate';
import type { DataFiles } from '../../core/datasets/types';
import { httpDataFiles } from '../data/httpDataFiles';

/**
 * Where a finished run's files come from: a folder the user picked or dropped (its `File`s, read only when
 * the reader asks for one: a run folder holds hundreds of MB of CSV and TREC files it never needs), a zip of
 * one (the app's "Download run (.zip)", or a zipped CLI folder), or the server's runs folder (`/runs/<name>/`).
 * `File`s cross to the worker without being read (structured clone of a blob reference).
 */
export type RunSource =
  | { kind: 'files'; label: string; files: { path: string; file: File }[] }
  | { kind: 'zip'; label: string; file: File }
  | { kind: 'server'; name: string; origin: string };

export function runSourceLabel(source: RunSource): string {
  return source.kind === 'server' ? source.name : source.label;
}

/** The run's files as `DataFiles` (in the worker). */
export async function runDataFiles(source: RunSource): Promise<DataFiles> {
  switch (source.kind) {
    case 'server':
      return httpDataFiles(new URL(`/runs/${encodeURIComponent(source.name)}/`, source.origin).href);
    case 'files':
      return blobFiles(
        source.label,
        new Map(stripSharedFolder(source.files.map((f) => f.path)).map((p, i) => [p, source.files[i].file])),
      );
    case 'zip':
      return zipFiles(source.label, new Uint8Array(await source.file.arrayBuffer()));
  }
}

/** Paths relative to the folder every one of them is in (a picked folder's name, a zip's top folder). */
export function stripSharedFolder(paths: string[]): string[] {
  const first = paths[0]?.split('/')[0];
  if (!first || paths.some((p) => !p.startsWith(`${first}/`))) return paths;
  return paths.map((p) => p.slice(first.length + 1));
}

function blobFiles(location: string, files: Map<string, Blob>): DataFiles {
  const get = (path: string): Blob => {
    const file = files.get(path);
    if (!file) throw new Error(`cannot read ${location}/${path}: no such file`);
    return file;
  };
  return {
    location,
    exists: async (path) => files.has(path),
    readText: (path) => get(path).text(),
    readBytes: async (path) => new Uint8Array(await get(path).arrayBuffer()),
  };
}

/** The entries of a zip, each inflated only when read. */
export function zipEntryNames(bytes: Uint8Array, location: string): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        if (!entry.name.endsWith('/') && !entry.name.startsWith('__MACOSX/')) names.push(entry.name);
        return false;
      },
    });
  } catch (error) {
    throw new Error(`${location} is not a readable zip file (${(error as Error).message})`, { cause: error });
  }
  return names;
}

function zipFiles(location: string, bytes: Uint8Array): DataFiles {
  const names = zipEntryNames(bytes, location);
  const entryOf = new Map(stripSharedFolder(names).map((p, i) => [p, names[i]]));
  const read = (path: string): Uint8Array => {
    const name = entryOf.get(path);
    if (name === undefined) throw new Error(`cannot read ${location}/${path}: not in the zip`);
    return unzipSync(bytes, { filter: (entry) => entry.name === name })[name];
  };
  return {
    location,
    exists: async (path) => entryOf.has(path),
    readText: async (path) => new TextDecoder().decode(read(path)),
    readBytes: async (path) => read(path),
  };
}
