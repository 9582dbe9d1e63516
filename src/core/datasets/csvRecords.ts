import Papa from 'papaparse';
import type { DataFiles } from './types';

/** One CSV data row, keyed by the header's column names. Values are the raw strings (no trimming, no typing). */
export type CsvRecord = Record<string, string>;

/**
 * Parses a CSV text that has a header row (RFC 4180: quoted fields may hold commas, quotes and newlines).
 * Blank lines are skipped, as pandas' `read_csv` does. Throws with the file name when the text is malformed
 * or lacks one of `requiredColumns`.
 */
export function parseCsvRecords(
  text: string,
  fileName: string,
  requiredColumns: readonly string[],
): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const result = Papa.parse<CsvRecord>(body, { header: true, skipEmptyLines: true });
  if (result.errors.length > 0) {
    const shown = result.errors
      .slice(0, 3)
      .map((e) => (e.row === undefined ? e.message : `data row ${e.row + 1}: ${e.message}`))
      .join('; ');
    const more = result.errors.length > 3 ? ` (and ${result.errors.length - 3} more)` : '';
    throw new Error(`${fileName} is not a valid CSV file: ${shown}${more}`);
  }
  const columns = result.meta.fields ?? [];
  const missing = requiredColumns.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `${fileName} lacks the column(s) ${missing.join(', ')}; its header is "${columns.join(',')}", ` +
        `expected at least "${requiredColumns.join(',')}"`,
    );
  }
  return result.data;
}

/** Reads and parses one CSV file of a dataset folder; errors name the file with the folder's location. */
export async function readCsvRecords(
  files: DataFiles,
  relativePath: string,
  requiredColumns: readonly string[],
): Promise<CsvRecord[]> {
  const text = await files.readText(relativePath);
  return parseCsvRecords(text, `${files.location}/${relativePath}`, requiredColumns);
}
