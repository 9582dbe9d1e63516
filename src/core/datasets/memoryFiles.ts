import type { DataFiles } from './types';

/**
 * `DataFiles` over files held in memory (relative path → text or bytes): files a user dropped into the
 * browser, fetched files, or test fixtures. A missing file reads as an error naming it.
 */
export function memoryFiles(
  location: string,
  contents: Readonly<Record<string, string | Uint8Array>>,
): DataFiles {
  const find = (relativePath: string): string | Uint8Array | undefined =>
    Object.hasOwn(contents, relativePath) ? contents[relativePath] : undefined;
  const get = (relativePath: string): string | Uint8Array => {
    const value = find(relativePath);
    if (value === undefined) throw new Error(`cannot read ${location}/${relativePath}: no such file`);
    return value;
  };
  return {
    location,
    exists: async (relativePath) => find(relativePath) !== undefined,
    readText: async (relativePath) => {
      const value = get(relativePath);
      return typeof value === 'string' ? value : new TextDecoder().decode(value);
    },
    readBytes: async (relativePath) => {
      const value = get(relativePath);
      return typeof value === 'string' ? new TextEncoder().encode(value) : value;
    },
  };
}
