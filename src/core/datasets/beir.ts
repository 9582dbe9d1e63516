import { readDataText } from './dataText';
import { readIdTextFile } from './idTextFiles';
import { groupJudgments, parseBeirQrels } from './judgments';
import { CandidatePairLimitError, tooManyCandidatePairs } from './candidatePairMemory';
import { documentsKeptByCap } from './documentCap';
import type { DataFiles, Dataset, DatasetParser, DatasetQuery, DatasetTask, ParseOptions } from './types';

/** The document cap of a generic BEIR folder, as the reference's `BEIRDataset.corpus_size_limit`. */
export const BEIR_DEFAULT_MAX_DOCUMENTS = 5_000;

const CORPUS_FILE = 'corpus.jsonl';
const QUERIES_FILE = 'queries.jsonl';

/** How one BEIR dataset is presented: its name, folder, split, default cap, source and instruction. */
export interface BeirDatasetOptions {
  name: string;
  /** Folder name under the data directory (for a registered dataset). */
  folder: string;
  /** The qrels split, `qrels/<split>.tsv` (default `test`). */
  split?: string;
  /** Default `BEIR_DEFAULT_MAX_DOCUMENTS`; Infinity for none. */
  defaultMaxDocuments?: number;
  sourceHint?: string;
  instruction?: string;
  task?: DatasetTask;
}

/**
 * A parser for a BEIR dataset folder (`corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`), as the
 * reference's `BEIRDataset.load_gold` builds it from BEIR's `GenericDataLoader`:
 *
 * - documents: every corpus line in file order, id `_id`, text `title + " " + text`, trimmed;
 * - queries: the queries that have judgments in the split, in order of their first qrels line (the order of
 *   BEIR's loader), id `_id`, text `text`;
 * - candidates: the whole corpus (after the document cap) for every query, label = the qrels score, 0 when
 *   unjudged. The parser keeps the scores; `loadDatasetWith` then makes them binary (`1 if label > 0`) and
 *   keeps one document per text, as the reference (which keys documents by text): NFCorpus has 39 pairs of
 *   ids with identical text (the same paper listed twice), so 3,356 of its 3,395 lines are ranked (see
 *   `referenceCandidates`).
 *
 * Bad input: malformed JSON lines, missing fields, empty files and repeated ids throw with file and line;
 * qrels lines naming unknown queries or documents are skipped with a note, and a query none of whose judged
 * documents exists is dropped with a note (see `groupJudgments`).
 */
export function beirParser(options: BeirDatasetOptions): DatasetParser {
  const split = options.split ?? 'test';
  const qrelsFile = `qrels/${split}.tsv`;
  const parser: DatasetParser = {
    name: options.name,
    task: options.task ?? 'search',
    folder: options.folder,
    requiredFiles: [CORPUS_FILE, QUERIES_FILE, qrelsFile],
    sourceHint:
      options.sourceHint ??
      `a BEIR dataset folder (${CORPUS_FILE}, ${QUERIES_FILE}, ${qrelsFile}), e.g. unzipped from ` +
        'https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/',
    defaultMaxDocuments: options.defaultMaxDocuments ?? BEIR_DEFAULT_MAX_DOCUMENTS,
    parse: (files, parseOptions) => parseBeir(files, parser, qrelsFile, parseOptions, options.instruction),
  };
  return parser;
}

async function parseBeir(
  files: DataFiles,
  parser: DatasetParser,
  qrelsFile: string,
  options: ParseOptions,
  instruction = 'Given a query, retrieve documents that answer it',
): Promise<Dataset> {
  const corpus = await readIdTextFile(files, CORPUS_FILE, 'documents');
  const queryTexts = await readIdTextFile(files, QUERIES_FILE, 'queries');
  const judgments = parseBeirQrels(await readDataText(files, qrelsFile), `${files.location}/${qrelsFile}`);

  const corpusDocuments = [...corpus].map(([id, text]) => ({ id, text }));
  const documentIndex = new Map<string, number>();
  corpusDocuments.forEach((doc, i) => documentIndex.set(doc.id, i));
  const grouped = groupJudgments(judgments, queryTexts, documentIndex, {
    qrels: qrelsFile,
    queries: QUERIES_FILE,
    corpus: CORPUS_FILE,
  });

  // The document cap is applied here, before every query gets a label per document: a large corpus
  // without a cap is refused by its pair count instead of filling the memory (loadDatasetWith's cap then
  // finds nothing left to do).
  const positive = new Uint8Array(corpusDocuments.length);
  for (const { judged } of grouped.queries)
    for (const [doc, score] of judged) if (score > 0) positive[doc] = 1;
  const maxDocuments = options.maxDocuments ?? parser.defaultMaxDocuments ?? Infinity;
  const cap = documentsKeptByCap(corpusDocuments, positive, maxDocuments);
  const kept = cap ? corpusDocuments.filter((_, d) => cap.keep[d] === 1) : corpusDocuments;
  const n = kept.length;
  if (options.memoryBytes !== undefined) {
    const Q = grouped.queries.length;
    const refusal = tooManyCandidatePairs(
      Q * n,
      options.memoryBytes,
      `${parser.name} (${Q.toLocaleString('en-US')} queries × ${n.toLocaleString('en-US')} documents)`,
      'cap the documents (every query is ranked against every document kept; a cap keeps every positive)',
    );
    if (refusal) throw new CandidatePairLimitError(refusal, true);
  }
  const newIndex = new Int32Array(corpusDocuments.length).fill(-1);
  let next = 0;
  for (let d = 0; d < corpusDocuments.length; d++) if (!cap || cap.keep[d] === 1) newIndex[d] = next++;

  const allDocuments = new Int32Array(n);
  for (let i = 0; i < n; i++) allDocuments[i] = i;
  const queries = grouped.queries.map(({ id, text, judged }): DatasetQuery => {
    const labels = new Float32Array(n);
    for (const [doc, score] of judged) if (newIndex[doc] >= 0) labels[newIndex[doc]] = score;
    return { id, text, candidates: allDocuments.slice(), labels };
  });

  const notes = [...grouped.notes, ...(cap ? [cap.note] : [])];
  return {
    name: parser.name,
    task: parser.task,
    instruction,
    documents: kept,
    queries,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
