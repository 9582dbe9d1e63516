import { compareCodePoints } from './codePointOrder';
import { readDataText } from './dataText';
import { DocumentTable } from './documentTable';
import { jsonIdField, jsonTextField, parseJsonLines, type JsonLine } from './jsonLines';
import { hasParquetSubset, parquetSubsetHint, readParquetSubset } from './followirParquet';
import type { DataFiles, Dataset, DatasetParser, DatasetQuery } from './types';

/**
 * FollowIR (Weller et al. 2024, arXiv:2403.15246): the three MTEB instruction-retrieval sets.
 *
 * The reference loader (IBM/task-aware-embedding-refinement, `dataset_loaders.FollowIR`) loads each of
 * mteb's `Core17InstructionRetrieval`, `Robust04InstructionRetrieval` and `News21InstructionRetrieval` with
 * `RetrievalDatasetLoader` (mteb v2: `mteb/Core17InstructionRetrieval`,
 * `jhu-clsp/robust04-instructions-mteb`, `mteb/News21InstructionRetrieval`). Those repositories are parquet
 * only (configs corpus, queries, instruction, default = qrels, qrel_diff, top_ranked; query ids `<topic>-og`
 * and `<topic>-changed`); that layout is read by `followirParquet.ts`. Each subset folder may instead hold the
 * JSONL layout of the same data that the FollowIR authors published first and that mteb 1.x loaded
 * (`HFDataLoaderInstructions`; e.g. Core17 at revision e39ff896cf3efbbdeeb950e6bd7c79f266995b07), which is
 * what the downloader fetches: the Hugging Face repos `jhu-clsp/core17-instructions`,
 * `jhu-clsp/robust04-instructions` and `jhu-clsp/news21-instructions`, whose dataset cards list
 *
 *   corpus.jsonl              {"_id", "title", "text"}
 *   queries.jsonl             {"_id", "text", "instruction_og", "instruction_changed", "keywords",
 *                             "short_query"}
 *   qrels_og/test.jsonl       {"query-id", "corpus-id", "score"}  (judgements, original instruction)
 *   qrels_changed/test.jsonl  {"query-id", "corpus-id", "score"}  (judgements, changed instruction)
 *   top_ranked.jsonl          {"qid", "pid"}  (not read: the candidates are the judged documents)
 *
 * Each subset's files go in `FollowIR/<Core17|Robust04|News21>/` (a folder with the JSONL files is read as
 * JSONL, else as parquet). Every JSONL topic becomes two queries, as
 * in the mteb v2 data (Core17 20 → 40, Robust04 52 → 104, News21 32 → 64): `<_id>-og` with text
 * `text + "\n" + instruction_og` judged by qrels_og, and `<_id>-changed` with text
 * `text + "\n" + instruction_changed` judged by qrels_changed. As in the reference, a document's text is
 * `title + "\n" + text`, a query's candidates are the documents judged for it (in qrels row order) and the
 * label is 1 when the score is > 0, else 0.
 *
 * Like the reference (which groups rows by query text and indexes label series by document text), queries
 * with the same text are one query (the first id is kept; their qrels rows are concatenated), documents with
 * the same text are one document (the first id is kept), and a query lists a document once, with its first
 * label. Only judged documents become documents, in corpus.jsonl order. Queries are sorted by text in
 * code-point order, as the reference experiment does. A query without qrels rows is left out (as mteb does).
 *
 * `FollowIR` is the three subsets together, as the reference's one dataset: ids get a `<subset>/` prefix
 * (Core17 reuses Robust04 topic numbers) and, as the reference's `dict.update`, a query whose text repeats
 * in a later subset is replaced by the later one. `FollowIR-Core17` etc. are single subsets, source ids.
 *
 * No document cap by default (the candidates are already the judged documents); an explicit
 * `ParseOptions.maxDocuments` is applied by `loadDatasetWith` like for any dataset.
 *
 * Not supported: the `test.tsv` copies of the qrels, and mFollowIR. A document whose title is missing or null counts as an empty title (the
 * reference would fail on it).
 */

export const FOLLOWIR_SUBSETS = ['Core17', 'Robust04', 'News21'] as const;
export type FollowIRSubset = (typeof FOLLOWIR_SUBSETS)[number];

const CORPUS_FILE = 'corpus.jsonl';
const QUERIES_FILE = 'queries.jsonl';
const INSTRUCTION_VERSIONS = [
  { suffix: 'og', qrelsFile: 'qrels_og/test.jsonl' },
  { suffix: 'changed', qrelsFile: 'qrels_changed/test.jsonl' },
] as const;

/** The task instruction the reference uses for FollowIR (`instruction_templates.yaml`). */
const INSTRUCTION = 'Retrieve text based on a fine-grained user query.';

const SOURCE_REPOS: Record<FollowIRSubset, string> = {
  Core17: 'jhu-clsp/core17-instructions',
  Robust04: 'jhu-clsp/robust04-instructions',
  News21: 'jhu-clsp/news21-instructions',
};

function subsetFiles(subset: FollowIRSubset): string[] {
  return [CORPUS_FILE, QUERIES_FILE, ...INSTRUCTION_VERSIONS.map((v) => v.qrelsFile)].map(
    (file) => `${subset}/${file}`,
  );
}

function sourceHint(subsets: readonly FollowIRSubset[]): string {
  const repos = subsets
    .map((s) => `${s}/ holds https://huggingface.co/datasets/${SOURCE_REPOS[s]} (JSONL layout)`)
    .join('; ');
  return (
    `${repos}: corpus.jsonl, queries.jsonl, qrels_og/test.jsonl and qrels_changed/test.jsonl; or each ` +
    `holds mteb's parquet repository of the subset (e.g. ${parquetSubsetHint(subsets[0])})`
  );
}

/** Per subset: complete when its JSONL files are all there or its parquet layout is; else the JSONL files missing. */
async function missingSubsetFiles(files: DataFiles, subsets: readonly FollowIRSubset[]): Promise<string[]> {
  const missing: string[] = [];
  for (const subset of subsets) {
    const jsonl = subsetFiles(subset);
    const present = await Promise.all(jsonl.map((file) => files.exists(file)));
    if (present.every(Boolean) || (await hasParquetSubset(files, subset))) continue;
    missing.push(...jsonl.filter((_, i) => !present[i]));
  }
  return missing;
}

function makeFollowIRParser(name: string, subsets: readonly FollowIRSubset[]): DatasetParser {
  return {
    name,
    task: 'search',
    folder: 'FollowIR',
    requiredFiles: subsets.flatMap(subsetFiles),
    missingFiles: (files) => missingSubsetFiles(files, subsets),
    sourceHint: sourceHint(subsets),
    parse: (files) => parseFollowIR(files, name, subsets),
  };
}

/** All three subsets as one dataset, as the reference loader builds FollowIR. */
export const followIRParser = makeFollowIRParser('FollowIR', FOLLOWIR_SUBSETS);
export const followIRCore17Parser = makeFollowIRParser('FollowIR-Core17', ['Core17']);
export const followIRRobust04Parser = makeFollowIRParser('FollowIR-Robust04', ['Robust04']);
export const followIRNews21Parser = makeFollowIRParser('FollowIR-News21', ['News21']);

/** One judged document of a query: its index in the document table and its label. */
interface Judgement {
  doc: number;
  label: number;
}

interface QueryRows {
  id: string;
  text: string;
  rows: Judgement[];
}

/** A query version with its qrels rows (document id, binary label), in file order. */
export interface JudgedQuery {
  id: string;
  text: string;
  rows: Array<{ docId: string; label: number }>;
}

/** What one subset's files give, in either layout. */
export interface FollowIRSubsetSource {
  /** The query versions in the order of their qrels rows (ids without the subset prefix). */
  judged: JudgedQuery[];
  /** The corpus file (relative to the dataset folder), for messages. */
  corpusFile: string;
  /** Calls `visit` with every corpus row (id, title, text) in file order. */
  readCorpus(visit: (id: string, title: string, text: string) => void): Promise<void>;
}

async function parseFollowIR(
  files: DataFiles,
  name: string,
  subsets: readonly FollowIRSubset[],
): Promise<Dataset> {
  const prefixIds = subsets.length > 1;
  const table = new DocumentTable();
  /** query text → query; a later subset's query replaces an earlier one with the same text */
  const byText = new Map<string, QueryRows>();
  for (const subset of subsets) {
    const prefix = prefixIds ? `${subset}/` : '';
    const subsetQueries = await readSubset(files, subset, prefix, table);
    for (const query of subsetQueries) {
      byText.delete(query.text);
      byText.set(query.text, query);
    }
  }

  const sorted = [...byText.values()].sort((a, b) => compareCodePoints(a.text, b.text));
  const queries = sorted.map(({ id, text, rows }): DatasetQuery => {
    const seen = new Set<number>();
    const candidates: number[] = [];
    const labels: number[] = [];
    for (const { doc, label } of rows) {
      if (seen.has(doc)) continue;
      seen.add(doc);
      candidates.push(doc);
      labels.push(label);
    }
    return { id, text, candidates: Int32Array.from(candidates), labels: Float32Array.from(labels) };
  });

  return { name, task: 'search', instruction: INSTRUCTION, documents: table.documents, queries };
}

/**
 * One subset's queries (merged by text within the subset), with their judged documents added to `table` in
 * corpus order. The JSONL layout is read when its files are there, else the parquet layout.
 */
async function readSubset(
  files: DataFiles,
  subset: FollowIRSubset,
  prefix: string,
  table: DocumentTable,
): Promise<QueryRows[]> {
  const jsonl = await Promise.all(subsetFiles(subset).map((file) => files.exists(file)));
  const source = jsonl.every(Boolean)
    ? await readJsonlSubset(files, subset)
    : await readParquetSubset(files, subset);
  const judged = source.judged.map((query) => ({ ...query, id: `${prefix}${query.id}` }));

  const judgedDocIds = new Set<string>();
  for (const query of judged) for (const row of query.rows) judgedDocIds.add(row.docId);
  const docIndex = new Map<string, number>();
  await source.readCorpus((id, title, text) => {
    if (!judgedDocIds.has(id) || docIndex.has(id)) return;
    // The reference: "\n".join((title, text)).
    docIndex.set(id, table.add(`${prefix}${id}`, `${title}\n${text}`));
  });
  const missing = [...judgedDocIds].filter((id) => !docIndex.has(id));
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ');
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw new Error(
      `${files.location}/${source.corpusFile} lacks judged document(s) ${shown}${more} named in the qrels files`,
    );
  }

  const byText = new Map<string, QueryRows>();
  for (const query of judged) {
    const rows = query.rows.map(({ docId, label }): Judgement => {
      const doc = docIndex.get(docId);
      if (doc === undefined) throw new Error(`internal: judged document ${docId} has no index`);
      return { doc, label };
    });
    const known = byText.get(query.text);
    if (known === undefined) byText.set(query.text, { id: query.id, text: query.text, rows });
    else known.rows.push(...rows);
  }
  return [...byText.values()];
}

/** One subset in the JSONL layout: every topic twice (`-og`, `-changed`), each judged by its qrels file. */
async function readJsonlSubset(files: DataFiles, subset: FollowIRSubset): Promise<FollowIRSubsetSource> {
  const topics = await readTopics(files, `${subset}/${QUERIES_FILE}`);
  const judged: JudgedQuery[] = [];
  for (const version of INSTRUCTION_VERSIONS) {
    const rowsByTopic = await readQrels(files, `${subset}/${version.qrelsFile}`, topics);
    for (const [topicId, rows] of rowsByTopic) {
      const topic = topics.get(topicId);
      if (topic === undefined) throw new Error(`internal: topic ${topicId} vanished`);
      // The reference: "\n".join((query text, instruction)).
      judged.push({
        id: `${topicId}-${version.suffix}`,
        text: `${topic.text}\n${topic.instructions[version.suffix]}`,
        rows,
      });
    }
  }
  const corpusPath = `${subset}/${CORPUS_FILE}`;
  return {
    judged,
    corpusFile: corpusPath,
    readCorpus: async (visit) => {
      const fileName = `${files.location}/${corpusPath}`;
      for (const record of parseJsonLines(await readDataText(files, corpusPath), fileName)) {
        visit(
          jsonIdField(record, ['_id'], fileName),
          jsonTextField(record, 'title', fileName, false),
          jsonTextField(record, 'text', fileName, true),
        );
      }
    },
  };
}

interface Topic {
  text: string;
  instructions: Record<'og' | 'changed', string>;
}

/** queries.jsonl: topic id → query text and both instructions. */
async function readTopics(files: DataFiles, relativePath: string): Promise<Map<string, Topic>> {
  const fileName = `${files.location}/${relativePath}`;
  const topics = new Map<string, Topic>();
  for (const record of parseJsonLines(await readDataText(files, relativePath), fileName)) {
    const id = jsonIdField(record, ['_id'], fileName);
    if (topics.has(id)) throw new Error(`${fileName}: line ${record.line} repeats the query _id "${id}"`);
    topics.set(id, {
      text: jsonTextField(record, 'text', fileName, true),
      instructions: {
        og: jsonTextField(record, 'instruction_og', fileName, true),
        changed: jsonTextField(record, 'instruction_changed', fileName, true),
      },
    });
  }
  return topics;
}

/** A qrels JSONL file: topic id → its rows (document id, binary label) in file order. */
async function readQrels(
  files: DataFiles,
  relativePath: string,
  topics: ReadonlyMap<string, Topic>,
): Promise<Map<string, Array<{ docId: string; label: number }>>> {
  const fileName = `${files.location}/${relativePath}`;
  const byTopic = new Map<string, Array<{ docId: string; label: number }>>();
  for (const record of parseJsonLines(await readDataText(files, relativePath), fileName)) {
    const topicId = jsonIdField(record, ['query-id'], fileName);
    if (!topics.has(topicId)) {
      throw new Error(
        `${fileName}: line ${record.line} names query-id "${topicId}", not an _id of ${QUERIES_FILE}`,
      );
    }
    const docId = jsonIdField(record, ['corpus-id'], fileName);
    const score = jsonNumberField(record, 'score', fileName);
    let rows = byTopic.get(topicId);
    if (rows === undefined) {
      rows = [];
      byTopic.set(topicId, rows);
    }
    rows.push({ docId, label: score > 0 ? 1 : 0 });
  }
  return byTopic;
}

/** A number field (a JSON number, or a string holding one), e.g. a qrels score. */
function jsonNumberField(record: JsonLine, key: string, fileName: string): number {
  const value = record.value[key];
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (value === undefined || value === null) {
    throw new Error(`${fileName}: line ${record.line} has no "${key}" field`);
  }
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new Error(`${fileName}: line ${record.line} has a "${key}" that is not a number`);
  }
  return number;
}
