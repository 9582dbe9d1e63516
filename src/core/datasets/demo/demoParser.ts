import { fullGridDataset, type LabelledText } from '../fullGrid';
import type { Dataset, DatasetParser } from '../types';
import { DEMO_DATA, type DemoData } from './demoData';

/**
 * The built-in demo dataset (`demoData.ts`): a travel assistant's ten intents and their messages, shipped
 * with the code so that it loads with no files, no server and no network. Classification-style, as
 * Banking77: every intent is a query (its description the query text), every message a document, every
 * query ranked against all documents, label 1 where the message carries that intent.
 *
 * Ids: a query's id is its intent id (`lost_baggage`); a document's id is `demo-<n>`, with `n` the 0-based
 * position of the message when the intents' messages are listed in order. Queries are sorted by text, as
 * every classification dataset here.
 */
export const demoParser: DatasetParser = {
  name: 'demo',
  task: 'classification',
  folder: 'demo',
  requiredFiles: [],
  sourceHint: 'built in: written for this project, needs no files',
  parse: async () => buildDemoDataset(),
};

/** The demo dataset built from `data` (default: the shipped texts). Never reads a file. */
export function buildDemoDataset(data: DemoData = DEMO_DATA): Dataset {
  const rows: LabelledText[] = [];
  for (const intent of data.intents) {
    for (const text of intent.utterances) {
      rows.push({
        documentId: `demo-${rows.length}`,
        text,
        queryId: intent.id,
        queryText: intent.description,
      });
    }
  }
  return fullGridDataset(demoParser, data.instruction, rows);
}
