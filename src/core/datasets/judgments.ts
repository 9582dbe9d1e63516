/** One relevance judgment of a qrels file: its 1-based line, the query and document ids, and the score. */
export interface Judgment {
  line: number;
  queryId: string;
  documentId: string;
  score: number;
}

const BEIR_COLUMNS = ['query-id', 'corpus-id', 'score'] as const;

/**
 * A BEIR qrels file (`qrels/<split>.tsv`): a header row naming the tab-separated columns `query-id`,
 * `corpus-id` and `score` (other columns are ignored), then one judgment per line.
 */
export function parseBeirQrels(text: string, fileName: string): Judgment[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const headerAt = lines.findIndex((line) => line.trim() !== '');
  const header = headerAt < 0 ? [] : lines[headerAt].split('\t').map((c) => c.trim());
  const columns = BEIR_COLUMNS.map((name) => header.indexOf(name));
  if (columns.some((c) => c < 0)) {
    throw new Error(
      `${fileName}: the header is "${header.join('<TAB>')}"; expected the columns ` +
        `query-id<TAB>corpus-id<TAB>score (BEIR's qrels layout)`,
    );
  }
  const [queryColumn, documentColumn, scoreColumn] = columns;
  const needed = Math.max(...columns) + 1;
  const judgments: Judgment[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const fields = lines[i].split('\t').map((f) => f.trim());
    if (fields.length < needed) {
      throw new Error(
        `${fileName}: line ${i + 1} has ${fields.length} tab-separated field(s); expected query-id, ` +
          `corpus-id and score as the header says`,
      );
    }
    judgments.push(
      judgment(fileName, i + 1, fields[queryColumn], fields[documentColumn], fields[scoreColumn]),
    );
  }
  if (judgments.length === 0) throw new Error(`${fileName} holds no judgments (only a header)`);
  return judgments;
}

/**
 * A TREC qrels file: one judgment per line, `query-id iteration document-id relevance`, separated by white
 * space (the iteration column, usually 0, is ignored).
 */
export function parseTrecQrels(text: string, fileName: string): Judgment[] {
  const judgments: Judgment[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i].trim();
    if (source === '') continue;
    const fields = source.split(/\s+/);
    if (fields.length !== 4) {
      throw new Error(
        `${fileName}: line ${i + 1} has ${fields.length} field(s); a TREC qrels line is ` +
          `"query-id iteration document-id relevance", e.g. "301 0 FBIS3-10082 1"`,
      );
    }
    judgments.push(judgment(fileName, i + 1, fields[0], fields[2], fields[3]));
  }
  if (judgments.length === 0) throw new Error(`${fileName} holds no judgments`);
  return judgments;
}

function judgment(
  fileName: string,
  line: number,
  queryId: string,
  documentId: string,
  scoreText: string,
): Judgment {
  if (queryId === '' || documentId === '') {
    throw new Error(`${fileName}: line ${line} has an empty query or document id`);
  }
  const score = Number(scoreText);
  if (scoreText === '' || !Number.isFinite(score)) {
    throw new Error(`${fileName}: line ${line} has the score "${scoreText}"; expected a number`);
  }
  return { line, queryId, documentId, score };
}

/** A judged query: its id and text, and its judged documents (index → score) in qrels order. */
export interface JudgedQuery {
  id: string;
  text: string;
  judged: Map<number, number>;
}

/** The file names used in notes: the qrels, queries and corpus files, as the user knows them. */
export interface JudgmentSources {
  qrels: string;
  queries: string;
  corpus: string;
}

/**
 * Groups judgments by query, in order of each query's first judgment (as BEIR's `GenericDataLoader` orders
 * queries). Judgments that name a query or document missing from `queries` / `documentIndex` are skipped,
 * a repeated (query, document) pair keeps its last score (as BEIR's loader does), and queries left without any
 * judged document are dropped; each of these, and judged-less queries of the queries file, gets a note.
 * Throws when no query is left.
 */
export function groupJudgments(
  judgments: readonly Judgment[],
  queries: ReadonlyMap<string, string>,
  documentIndex: ReadonlyMap<string, number>,
  sources: JudgmentSources,
): { queries: JudgedQuery[]; notes: string[] } {
  const byQuery = new Map<string, Map<number, number>>();
  const unknownQueries = new Set<string>();
  const unknownDocuments = new Set<string>();
  let unknownQueryLines = 0;
  let unknownDocumentLines = 0;
  let repeated = 0;
  for (const j of judgments) {
    if (!queries.has(j.queryId)) {
      unknownQueries.add(j.queryId);
      unknownQueryLines++;
      continue;
    }
    let judged = byQuery.get(j.queryId);
    if (judged === undefined) {
      judged = new Map();
      byQuery.set(j.queryId, judged);
    }
    const doc = documentIndex.get(j.documentId);
    if (doc === undefined) {
      unknownDocuments.add(j.documentId);
      unknownDocumentLines++;
      continue;
    }
    if (judged.has(doc)) repeated++;
    judged.set(doc, j.score);
  }

  const notes: string[] = [];
  if (unknownQueryLines > 0) {
    notes.push(
      `${sources.qrels}: skipped ${unknownQueryLines} judgment(s) naming ${unknownQueries.size} query id(s) ` +
        `missing from ${sources.queries} (${examples(unknownQueries)})`,
    );
  }
  if (unknownDocumentLines > 0) {
    notes.push(
      `${sources.qrels}: skipped ${unknownDocumentLines} judgment(s) naming ${unknownDocuments.size} ` +
        `document id(s) missing from ${sources.corpus} (${examples(unknownDocuments)})`,
    );
  }
  if (repeated > 0) {
    notes.push(
      `${sources.qrels}: ${repeated} judgment(s) repeat an earlier (query, document) pair; the last score was kept`,
    );
  }
  const empty = [...byQuery].filter(([, judged]) => judged.size === 0).map(([id]) => id);
  if (empty.length > 0) {
    notes.push(
      `dropped ${empty.length} query(ies) none of whose judged documents is in ${sources.corpus} ` +
        `(${examples(empty)})`,
    );
  }
  const unjudged = queries.size - byQuery.size;
  if (unjudged > 0) {
    notes.push(
      `${unjudged} of the ${queries.size} queries in ${sources.queries} have no judgments in ` +
        `${sources.qrels} and are not used`,
    );
  }

  const grouped: JudgedQuery[] = [];
  for (const [id, judged] of byQuery) {
    if (judged.size > 0) grouped.push({ id, text: queries.get(id)!, judged });
  }
  if (grouped.length === 0) {
    throw new Error(
      `no query of ${sources.qrels} has a judged document in ${sources.corpus}; check that the qrels, ` +
        `queries and corpus files belong to the same dataset`,
    );
  }
  return { queries: grouped, notes };
}

/** Up to three ids, quoted, for a note. */
function examples(ids: Iterable<string>): string {
  const all = [...ids];
  const shown = all
    .slice(0, 3)
    .map((id) => `"${id}"`)
    .join(', ');
  return all.length > 3 ? `e.g. ${shown}` : shown;
}
