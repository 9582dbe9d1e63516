import type { FollowIRSubsetSource, JudgedQuery } from './followir';
import { findParquetShards, firstShardName, readParquetRows, type ParquetConfig } from './parquetConfig';
import type { DataFiles } from './types';

/**
 * FollowIR's MTEB v2 layout: the parquet repositories mteb's `RetrievalDatasetLoader` reads for
 * `Core17InstructionRetrieval` (`mteb/Core17InstructionRetrieval`), `Robust04InstructionRetrieval`
 * (`jhu-clsp/robust04-instructions-mteb`) and `News21InstructionRetrieval` (`mteb/News21InstructionRetrieval`),
 * each downloaded whole into `FollowIR/<subset>/`:
 *
 *   corpus/<split>-*.parquet       `_id` (or `id`), `title`, `text`
 *   queries/<split>-*.parquet      `_id` (or `id`), `text` [, `instruction`]
 *   instruction/<split>-*.parquet  `query-id`, `instruction` (when the queries have no instruction column)
 *   data/test-*.parquet            the default config = the qrels: `query-id`, `corpus-id`, `score`
 *                                  (or qrels/<split>-*.parquet, which mteb reads when there is no default)
 *
 * with `<split>` `test` (the mteb repositories) or the config's name (`corpus/corpus-…`, the jhu-clsp ones).
 * Other configs (`top_ranked`, `qrel_diff`) are not read. Query ids are already `<topic>-og` and
 * `<topic>-changed`. As the reference: a query's text is `text + "\n" + instruction`, its candidates are its
 * qrels rows in file order (the reference's `load_dataset(path)["test"]`, the default config), the label is
 * 1 when the score is > 0.
 */

const CORPUS: ParquetConfig = { folder: 'corpus', splits: ['test', 'corpus'] };
const QUERIES: ParquetConfig = { folder: 'queries', splits: ['test', 'queries'] };
const INSTRUCTIONS: ParquetConfig = { folder: 'instruction', splits: ['test', 'instruction'] };
const QRELS: readonly ParquetConfig[] = [
  { folder: 'data', splits: ['test'] },
  { folder: 'qrels', splits: ['test', 'qrels'] },
];

interface ParquetSubsetFiles {
  corpus: string[];
  queries: string[];
  instructions: string[] | null;
  qrels: string[];
}

/** The subset's parquet files, or null when a required config (corpus, queries, qrels) has none. */
async function findSubsetFiles(files: DataFiles, subset: string): Promise<ParquetSubsetFiles | null> {
  const prefix = `${subset}/`;
  const corpus = await findParquetShards(files, prefix, CORPUS);
  if (corpus === null) return null;
  const queries = await findParquetShards(files, prefix, QUERIES);
  if (queries === null) return null;
  let qrels: string[] | null = null;
  for (const config of QRELS) qrels ??= await findParquetShards(files, prefix, config);
  if (qrels === null) return null;
  const instructions = await findParquetShards(files, prefix, INSTRUCTIONS);
  return { corpus, queries, instructions, qrels };
}

/** Whether `subset` is in the parquet layout (its corpus, queries and qrels configs are there). */
export async function hasParquetSubset(files: DataFiles, subset: string): Promise<boolean> {
  return (await findSubsetFiles(files, subset)) !== null;
}

/** The parquet layout's files, for the message when neither layout is complete. */
export function parquetSubsetHint(subset: string): string {
  return [CORPUS, QUERIES, QRELS[0]].map((config) => firstShardName(`${subset}/`, config)).join(', ');
}

/** One subset in the parquet layout: its judged queries and its corpus rows. */
export async function readParquetSubset(files: DataFiles, subset: string): Promise<FollowIRSubsetSource> {
  const found = await findSubsetFiles(files, subset);
  if (found === null) throw new Error(`${files.location}/${subset}: no FollowIR parquet layout`);

  const queryRows = await readParquetRows(
    files,
    found.queries,
    ['_id', 'id', 'text', 'instruction'],
    ['text'],
  );
  const instructionOf = new Map<string, string>();
  if (found.instructions !== null) {
    const rows = await readParquetRows(
      files,
      found.instructions,
      ['query-id', 'instruction'],
      ['query-id', 'instruction'],
    );
    const where = `${files.location}/${found.instructions[0]}`;
    rows.forEach((row, i) =>
      instructionOf.set(idOf(row, ['query-id'], where, i), textOf(row, 'instruction', where, i)),
    );
  }
  const queryText = new Map<string, string>();
  queryRows.forEach((row, i) => {
    const where = `${files.location}/${found.queries[0]}`;
    const id = idOf(row, ['_id', 'id'], where, i);
    const instruction =
      instructionOf.get(id) ??
      (row.instruction === undefined ? undefined : textOf(row, 'instruction', where, i));
    if (instruction === undefined)
      throw new Error(
        `${where}: query ${id} has no instruction (no instruction column, and not in the instruction config)`,
      );
    // The reference: "\n".join((query text, instruction)).
    queryText.set(id, `${textOf(row, 'text', where, i)}\n${instruction}`);
  });

  const byId = new Map<string, JudgedQuery>();
  const qrelsRows = await readParquetRows(
    files,
    found.qrels,
    ['query-id', 'corpus-id', 'score'],
    ['query-id', 'corpus-id', 'score'],
  );
  qrelsRows.forEach((row, i) => {
    const where = `${files.location}/${found.qrels[0]}`;
    const queryId = idOf(row, ['query-id'], where, i);
    const text = queryText.get(queryId);
    if (text === undefined)
      throw new Error(
        `${where}: row ${i + 1} names query-id "${queryId}", not a query of the queries config`,
      );
    const score = Number(row.score);
    if (row.score === null || !Number.isFinite(score))
      throw new Error(`${where}: row ${i + 1} has a score that is not a number`);
    let query = byId.get(queryId);
    if (query === undefined) {
      query = { id: queryId, text, rows: [] };
      byId.set(queryId, query);
    }
    query.rows.push({ docId: idOf(row, ['corpus-id'], where, i), label: score > 0 ? 1 : 0 });
  });

  return {
    judged: [...byId.values()],
    corpusFile: found.corpus[0],
    readCorpus: async (visit) => {
      const rows = await readParquetRows(files, found.corpus, ['_id', 'id', 'title', 'text'], ['text']);
      rows.forEach((row, i) => {
        const where = `${files.location}/${found.corpus[0]}`;
        const title = row.title === null || row.title === undefined ? '' : textOf(row, 'title', where, i);
        visit(idOf(row, ['_id', 'id'], where, i), title, textOf(row, 'text', where, i));
      });
    },
  };
}

/** The row's id from the first of `keys` it has (a string, or a number written as one). */
function idOf(row: Record<string, unknown>, keys: readonly string[], file: string, i: number): string {
  for (const key of keys) {
    const value = row[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  }
  throw new Error(`${file}: row ${i + 1} has no ${keys.join(' or ')}`);
}

function textOf(row: Record<string, unknown>, key: string, file: string, i: number): string {
  const value = row[key];
  if (typeof value !== 'string') throw new Error(`${file}: row ${i + 1} has no text in "${key}"`);
  return value;
}
