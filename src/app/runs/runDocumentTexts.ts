import { DATASET_PARSERS } from '../../core/datasets/registry';
import type { Dataset } from '../../core/datasets/types';
import type { LongTaskOptions } from '../../core/progress';
import { loadDatasetSource, type DatasetSource } from '../data/datasetSource';

/**
 * A run's files name documents by id only (this project's layout). When the run's dataset is here — built in
 * (the demo) or in the server's data folder — its texts are loaded and put in place of the ids, so that the
 * explorer shows what a document says. Returns what happened, for the opened run's notes; null when every
 * document got its text.
 */
export async function fillDocumentTexts(
  dataset: Dataset,
  config: Record<string, unknown>,
  origin: string,
  options: LongTaskOptions = {},
): Promise<string | null> {
  const idsOnly = 'a run\u2019s files hold no document texts: documents are shown by their ids';
  const name = String(config.dataset_spec ?? config.dataset ?? '');
  const parser = DATASET_PARSERS.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!parser) return `${idsOnly} (its dataset "${name}" is not one this app reads)`;
  const source: DatasetSource =
    parser.requiredFiles.length === 0
      ? { kind: 'builtin', name: parser.name }
      : { kind: 'server', name: parser.name, origin };
  options.onProgress?.({ stage: `read the document texts of ${parser.name}`, done: 0, total: 1 });
  let loaded: Dataset;
  try {
    // No cap: a capped run's documents are a subset of the whole corpus, whichever cap it used.
    loaded = await loadDatasetSource(source, { ...options, maxDocuments: Infinity });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return `${idsOnly} (${parser.name} could not be read from the server's data folder: ${(error as Error).message})`;
  }
  const textOf = new Map(loaded.documents.map((d) => [d.id, d.text]));
  let missing = 0;
  for (const doc of dataset.documents) {
    const text = textOf.get(doc.id);
    if (text === undefined) missing++;
    else doc.text = text;
  }
  options.onProgress?.({ stage: `read the document texts of ${parser.name}`, done: 1, total: 1 });
  if (missing === 0) return null;
  return `${missing.toLocaleString()} of ${dataset.documents.length.toLocaleString()} documents are not in ${parser.name} as this app reads it: those are shown by their ids`;
}
