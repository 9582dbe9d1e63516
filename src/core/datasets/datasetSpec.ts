import { beirParser } from './beir';
import { csvImportParser } from './csvImport';
import { getDatasetParser } from './registry';
import { trecImportParser } from './trecImport';
import type { DatasetParser } from './types';

/** The kinds of dataset a user can import from a path of their own. */
export const IMPORT_KINDS = ['beir', 'trec', 'csv'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * What `--dataset` names: a registered dataset (`NFCorpus`), or an import from a path — `beir:<folder>`,
 * `trec:<folder>`, `csv:<file.csv>`.
 */
export type DatasetSpec = { kind: 'named'; name: string } | { kind: ImportKind; path: string };

/** What an import kind expects, for help texts and errors. */
export const IMPORT_DESCRIPTIONS: Record<ImportKind, string> = {
  beir: 'a BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv',
  trec: 'a folder with qrels.txt (TREC format), corpus.jsonl or corpus.tsv, queries.jsonl or queries.tsv',
  csv: 'a CSV file with the columns text,label',
};

/**
 * Parses a `--dataset` value. `<kind>:<path>` with a kind of `IMPORT_KINDS` (any case) is an import; any other
 * word before a colon is an error naming the kinds (a one-letter prefix is not a kind, so a Windows path
 * such as `C:\data` stays a name); everything else is the name of a registered dataset (checked later by
 * `parserForSpec`).
 */
export function parseDatasetSpec(text: string): DatasetSpec {
  const value = text.trim();
  if (value === '')
    throw new Error('the dataset is empty; give a dataset name or beir:, trec: or csv: with a path');
  const match = /^([A-Za-z][A-Za-z0-9_-]+):(.*)$/s.exec(value);
  if (match === null) return { kind: 'named', name: value };
  const kind = match[1].toLowerCase();
  const kinds = IMPORT_KINDS.map((k) => `${k}:`).join(', ');
  if (!isImportKind(kind)) {
    throw new Error(
      `unknown dataset kind "${match[1]}:" in "${value}"; the kinds are ${kinds} (or a dataset name)`,
    );
  }
  const path = match[2].trim();
  if (path === '') throw new Error(`"${value}" needs a path after "${kind}:": ${IMPORT_DESCRIPTIONS[kind]}`);
  return { kind, path };
}

function isImportKind(kind: string): kind is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(kind);
}

/**
 * The parser for a spec. A named spec is looked up in the registry (an unknown name throws with the known
 * ones); an import gets a parser named after the path's last segment (`beir:data/scifact` → `scifact`,
 * `csv:intents.csv` → `intents`), whose files are read from the folder (for csv: the file's folder) that the
 * caller opens as `DataFiles`.
 */
export function parserForSpec(spec: DatasetSpec): DatasetParser {
  switch (spec.kind) {
    case 'named':
      return getDatasetParser(spec.name);
    case 'beir': {
      const name = lastSegment(spec.path);
      return beirParser({ name, folder: name });
    }
    case 'trec':
      return trecImportParser(lastSegment(spec.path));
    case 'csv':
      return csvImportParser(lastSegment(spec.path));
  }
}

/** A spec as `parseDatasetSpec` reads it: the name, or `<kind>:<path>`. */
export function formatDatasetSpec(spec: DatasetSpec): string {
  return spec.kind === 'named' ? spec.name : `${spec.kind}:${spec.path}`;
}

/** A short name for a spec, safe in file names: the dataset name, or `<kind>-<last path segment>`. */
export function datasetSpecSlug(spec: DatasetSpec): string {
  const raw =
    spec.kind === 'named' ? spec.name : `${spec.kind}-${lastSegment(spec.path).replace(/\.csv$/i, '')}`;
  return raw.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** The last segment of a path (either separator), ignoring trailing separators. */
function lastSegment(path: string): string {
  const parts = path.split(/[/\\]+/).filter((p) => p !== '');
  return parts.at(-1) ?? path;
}
