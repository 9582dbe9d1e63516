import { readDataText } from './dataText';
import { readIdTextFile } from './idTextFiles';
import { groupJudgments, parseTrecQrels } from './judgments';
import type { DataFiles, Dataset, DatasetParser, DatasetQuery } from './types';

const QRELS_FILES = ['qrels.txt', 'qrels'];
const CORPUS_FILES = ['corpus.jsonl', 'corpus.tsv'];
const QUERIES_FILES = ['queries.jsonl', 'queries.tsv'];

const SOURCE_HINT =
  'a folder with TREC qrels (qrels.txt or qrels: "query-id 0 document-id relevance" per line), a corpus ' +
  '(corpus.jsonl with _id or id, optional title, text; or corpus.tsv with id<TAB>text) and queries ' +
  '(queries.jsonl with _id or id, text; or queries.tsv with id<TAB>text)';

/**
 * A generic importer for a TREC-style folder (`--dataset trec:<folder>`): a qrels file in the standard format,
 * a corpus and the queries (formats in `SOURCE_HINT`; `readIdTextFile` reads JSONL or TSV).
 *
 * Candidates: each query is ranked against its judged documents only (in qrels order, label = relevance), as
 * FollowIR is. TREC collections judge a pooled sample of a corpus that is usually far too large to rank
 * whole; the judged pool holds the positives and the hard negatives that systems retrieved, which is what the
 * refinement is about. A query-by-whole-corpus layout is the BEIR importer's. Documents are the judged ones
 * (corpus order); the rest of the corpus is left out, with a note. No document cap by default.
 *
 * Queries: those with judgments, in order of their first qrels line. Qrels lines naming unknown queries or
 * documents are skipped with a note, and a query none of whose judged documents is in the corpus is dropped
 * with a note (see `groupJudgments`).
 */
export function trecImportParser(name: string, folder: string = name): DatasetParser {
  const parser: DatasetParser = {
    name,
    task: 'search',
    folder,
    // Each file has two accepted names; `parse` checks them and names both when neither exists.
    requiredFiles: [],
    sourceHint: SOURCE_HINT,
    parse: (files) => parseTrec(files, parser),
  };
  return parser;
}

async function parseTrec(files: DataFiles, parser: DatasetParser): Promise<Dataset> {
  const qrelsFile = await findOne(files, QRELS_FILES, 'qrels');
  const corpusFile = await findOne(files, CORPUS_FILES, 'corpus');
  const queriesFile = await findOne(files, QUERIES_FILES, 'queries');

  const corpus = await readIdTextFile(files, corpusFile, 'documents');
  const queryTexts = await readIdTextFile(files, queriesFile, 'queries');
  const judgments = parseTrecQrels(await readDataText(files, qrelsFile), `${files.location}/${qrelsFile}`);

  const corpusIds = [...corpus.keys()];
  const corpusIndex = new Map<string, number>();
  corpusIds.forEach((id, i) => corpusIndex.set(id, i));
  const grouped = groupJudgments(judgments, queryTexts, corpusIndex, {
    qrels: qrelsFile,
    queries: queriesFile,
    corpus: corpusFile,
  });

  // Documents: the judged ones, in corpus order.
  const judged = new Uint8Array(corpusIds.length);
  for (const query of grouped.queries) for (const doc of query.judged.keys()) judged[doc] = 1;
  const newIndex = new Int32Array(corpusIds.length).fill(-1);
  const documents = [];
  for (let i = 0; i < corpusIds.length; i++) {
    if (judged[i] === 0) continue;
    newIndex[i] = documents.length;
    documents.push({ id: corpusIds[i], text: corpus.get(corpusIds[i])! });
  }

  const queries = grouped.queries.map(({ id, text, judged: scores }): DatasetQuery => {
    const candidates = new Int32Array(scores.size);
    const labels = new Float32Array(scores.size);
    let i = 0;
    for (const [doc, score] of scores) {
      candidates[i] = newIndex[doc];
      labels[i] = score;
      i++;
    }
    return { id, text, candidates, labels };
  });

  const notes = [...grouped.notes];
  const unjudged = corpusIds.length - documents.length;
  if (unjudged > 0) {
    notes.push(
      `${unjudged} of the ${corpusIds.length} documents in ${corpusFile} are judged for no query and were ` +
        `left out (candidates are each query's judged documents)`,
    );
  }
  return {
    name: parser.name,
    task: parser.task,
    instruction: 'Given a query, retrieve documents that answer it',
    documents,
    queries,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** The one of `names` that exists in the folder; throws when none or more than one does. */
async function findOne(files: DataFiles, names: readonly string[], what: string): Promise<string> {
  const present = await Promise.all(names.map((name) => files.exists(name)));
  const found = names.filter((_, i) => present[i]);
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    throw new Error(
      `missing the ${what} file in ${files.location}: expected ${names.join(' or ')}. ` +
        `A trec: dataset is ${SOURCE_HINT}.`,
    );
  }
  throw new Error(
    `${files.location} holds both ${found.join(' and ')}; keep only the ${what} file to import`,
  );
}
