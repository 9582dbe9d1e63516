import type { DataFiles } from './types';

/**
 * The longest text file (in UTF-16 code units, i.e. JavaScript string length) a parser accepts: 2^29, about
 * 512 Mi characters. JavaScript engines cannot hold much longer strings anyway (V8's limit is 2^29 − 24), and a
 * corpus that size could not be embedded in a browser; larger sources must be cut down before import.
 */
export const MAX_DATA_TEXT_CHARS = 2 ** 29;

/**
 * Reads one text file of a dataset folder: refuses an empty file or one longer than `maxChars` with a message
 * naming the file, and drops a leading byte-order mark.
 */
export async function readDataText(
  files: DataFiles,
  relativePath: string,
  maxChars: number = MAX_DATA_TEXT_CHARS,
): Promise<string> {
  const fileName = `${files.location}/${relativePath}`;
  const text = await files.readText(relativePath);
  if (text.length > maxChars) {
    throw new Error(
      `${fileName} is too large: ${text.length.toLocaleString('en-US')} characters, more than the ` +
        `${maxChars.toLocaleString('en-US')} a dataset file may have; cut the source down before importing it`,
    );
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new Error(`${fileName} is empty`);
  return body;
}
