import { argkp21Parser } from './argkp21';
import { banking77Parser } from './banking77';
import { clinc150Parser } from './clinc150';
import { demoParser } from './demo/demoParser';
import { capDocuments } from './documentCap';
import {
  followIRCore17Parser,
  followIRNews21Parser,
  followIRParser,
  followIRRobust04Parser,
} from './followir';
import { nfcorpusParser } from './nfcorpus';
import { realScholarQueryParser } from './realScholarQuery';
import { referenceCandidates } from './referenceCandidates';
import type { DataFiles, Dataset, DatasetParser, ParseOptions } from './types';

/** Every dataset the engine can load. Adding a dataset: write its parser file and add it here. */
export const DATASET_PARSERS: readonly DatasetParser[] = [
  clinc150Parser,
  banking77Parser,
  argkp21Parser,
  nfcorpusParser,
  demoParser,
  followIRParser,
  followIRCore17Parser,
  followIRRobust04Parser,
  followIRNews21Parser,
  realScholarQueryParser,
];

/** The parser named `name` (case-insensitive); an unknown name throws with the list of known names. */
export function getDatasetParser(name: string): DatasetParser {
  const wanted = name.trim().toLowerCase();
  const parser = DATASET_PARSERS.find((p) => p.name.toLowerCase() === wanted);
  if (parser === undefined) {
    const known = DATASET_PARSERS.map((p) => p.name).join(', ');
    throw new Error(`unknown dataset "${name}"; known datasets: ${known}`);
  }
  return parser;
}

/**
 * Loads dataset `name` from `files` (its folder). Checks the parser's required files first and, when some are
 * missing, throws a message that names them, the folder and where the files come from.
 */
export async function loadDataset(
  name: string,
  files: DataFiles,
  options: ParseOptions = {},
): Promise<Dataset> {
  return loadDatasetWith(getDatasetParser(name), files, options);
}

/**
 * Loads a dataset with `parser` (registered or an import, see `datasetSpec.ts`) from `files`: checks the
 * required files, parses, then applies the document cap — `options.maxDocuments`, else the parser's
 * `defaultMaxDocuments`, else none — drawn as the reference draws it (see `capDocuments`), and last builds
 * the candidates as the reference does: one per document text, binary labels (see `referenceCandidates`).
 */
export async function loadDatasetWith(
  parser: DatasetParser,
  files: DataFiles,
  options: ParseOptions = {},
): Promise<Dataset> {
  const missing = await missingDatasetFiles(parser, files);
  if (missing.length > 0) {
    throw new Error(
      `dataset ${parser.name}: missing ${missing.join(', ')} in ${files.location}. ` +
        `Put the files there (${parser.sourceHint}), or point the data folder elsewhere.`,
    );
  }
  const dataset = await parser.parse(files, options);
  const cap = options.maxDocuments ?? parser.defaultMaxDocuments ?? Infinity;
  return referenceCandidates(capDocuments(dataset, cap));
}

/**
 * The files `parser` needs that `files` lacks (empty: the folder is complete): the parser's own answer when
 * it reads more than one layout (`DatasetParser.missingFiles`), else its `requiredFiles` that do not exist.
 */
export async function missingDatasetFiles(parser: DatasetParser, files: DataFiles): Promise<string[]> {
  if (parser.missingFiles) return parser.missingFiles(files);
  const present = await Promise.all(parser.requiredFiles.map((path) => files.exists(path)));
  return parser.requiredFiles.filter((_, i) => !present[i]);
}
