import { readDataText } from './dataText';
import { jsonIdField, jsonTextField, parseJsonLines } from './jsonLines';
import type { DataFiles } from './types';

/** What an id → text file holds: documents (a corpus) or queries. */
export type IdTextKind = 'documents' | 'queries';

const ID_KEYS = ['_id', 'id'] as const;
const TSV_HEADERS = new Set(['id\ttext', '_id\ttext']);

/**
 * Reads a corpus or queries file into id → text, in file order. The format follows the extension:
 *
 * - `.jsonl`: one object per line with `_id` (or `id`) and `text`; a corpus line may also have `title`, and a
 *   document's text is then `title + " " + text`, trimmed (as BEIR's loaders join them).
 * - `.tsv`: `id<TAB>text` per line, split at the first tab (the text keeps any further tabs); an optional
 *   header line `id<TAB>text` (or `_id<TAB>text`) is skipped.
 *
 * Throws, naming the file (and line), on an empty file, malformed JSON, a missing field and a repeated id.
 */
export async function readIdTextFile(
  files: DataFiles,
  relativePath: string,
  kind: IdTextKind,
): Promise<Map<string, string>> {
  const fileName = `${files.location}/${relativePath}`;
  const text = await readDataText(files, relativePath);
  const rows = relativePath.endsWith('.tsv')
    ? parseIdTextTsv(text, fileName)
    : parseIdTextJsonl(text, fileName, kind);
  const byId = new Map<string, string>();
  const lineOf = new Map<string, number>();
  for (const row of rows) {
    const first = lineOf.get(row.id);
    if (first !== undefined) {
      throw new Error(
        `${fileName}: line ${row.line} repeats the id "${row.id}" of line ${first}; ` +
          `every ${kind === 'documents' ? 'document' : 'query'} needs its own id`,
      );
    }
    lineOf.set(row.id, row.line);
    byId.set(row.id, row.text);
  }
  if (byId.size === 0) throw new Error(`${fileName} holds no ${kind}`);
  return byId;
}

interface IdTextRow {
  line: number;
  id: string;
  text: string;
}

function parseIdTextJsonl(text: string, fileName: string, kind: IdTextKind): IdTextRow[] {
  return parseJsonLines(text, fileName).map((record) => {
    const id = jsonIdField(record, ID_KEYS, fileName);
    const body = jsonTextField(record, 'text', fileName, true);
    if (kind === 'queries') return { line: record.line, id, text: body };
    const title = jsonTextField(record, 'title', fileName, false);
    return { line: record.line, id, text: `${title} ${body}`.trim() };
  });
}

function parseIdTextTsv(text: string, fileName: string): IdTextRow[] {
  const rows: IdTextRow[] = [];
  const lines = text.split('\n');
  let seenContent = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    const isFirst = !seenContent;
    seenContent = true;
    if (isFirst && TSV_HEADERS.has(line.trim().toLowerCase())) continue;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new Error(`${fileName}: line ${i + 1} has no tab; expected id<TAB>text`);
    const id = line.slice(0, tab).trim();
    if (id === '') throw new Error(`${fileName}: line ${i + 1} has an empty id`);
    rows.push({ line: i + 1, id, text: line.slice(tab + 1) });
  }
  return rows;
}
