/** One record of a JSON Lines file: its 1-based line number in the file and the parsed object. */
export interface JsonLine {
  line: number;
  value: Record<string, unknown>;
}

/**
 * Parses a JSON Lines text (one JSON object per line; blank lines and `\r\n` endings allowed). A line that is not
 * valid JSON, or not an object, throws with the file name and the line number.
 */
export function parseJsonLines(text: string, fileName: string): JsonLine[] {
  const records: JsonLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i].trim();
    if (source === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new Error(`${fileName}: line ${i + 1} is not valid JSON (${(error as Error).message})`, {
        cause: error,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${fileName}: line ${i + 1} is not a JSON object`);
    }
    records.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  return records;
}

/**
 * The record's id: the first of `keys` that is present, a non-empty string or an integer (written as a
 * string). Throws naming the file, line and expected field otherwise.
 */
export function jsonIdField(record: JsonLine, keys: readonly string[], fileName: string): string {
  const key = keys.find((k) => record.value[k] !== undefined && record.value[k] !== null);
  const expected = keys.map((k) => `"${k}"`).join(' or ');
  if (key === undefined) throw new Error(`${fileName}: line ${record.line} has no ${expected} field`);
  const value = record.value[key];
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${fileName}: line ${record.line} has a "${key}" that is not a non-empty string`);
  }
  return value;
}

/**
 * A string field of the record. A missing or null optional field is ''; a missing required field, or a value
 * that is not a string, throws naming the file, line and field.
 */
export function jsonTextField(record: JsonLine, key: string, fileName: string, required: boolean): string {
  const value = record.value[key];
  if (value === undefined || value === null) {
    if (!required) return '';
    throw new Error(`${fileName}: line ${record.line} has no "${key}" field`);
  }
  if (typeof value !== 'string') {
    throw new Error(`${fileName}: line ${record.line} has a "${key}" that is not a string`);
  }
  return value;
}
