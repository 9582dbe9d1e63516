import type { DataFiles } from './types';

/** Bytes per chunk of `memoryFiles(...).readChunks` unless `chunkBytes` says otherwise. */
export const MEMORY_CHUNK_BYTES = 4 * 2 ** 20;

export interface MemoryFilesOptions {
  /** Bytes per chunk that `readChunks` yields (the last may be shorter); default `MEMORY_CHUNK_BYTES`. */
  chunkBytes?: number;
}

/**
 * `DataFiles` over files held in memory (relative path → text or bytes): files a user dropped into the
 * browser, fetched files, or test fixtures. A missing file reads as an error naming it. `readChunks` yields
 * views of the held bytes in slices of `chunkBytes` (text files as their UTF-8 encoding).
 */
export function memoryFiles(
  location: string,
  contents: Readonly<Record<string, string | Uint8Array>>,
  options: MemoryFilesOptions = {},
): DataFiles {
  const chunkBytes = options.chunkBytes ?? MEMORY_CHUNK_BYTES;
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new Error(`memoryFiles: chunkBytes must be a positive integer, not ${chunkBytes}`);
  }
  const find = (relativePath: string): string | Uint8Array | undefined =>
    Object.hasOwn(contents, relativePath) ? contents[relativePath] : undefined;
  const get = (relativePath: string): string | Uint8Array => {
    const value = find(relativePath);
    if (value === undefined) throw new Error(`cannot read ${location}/${relativePath}: no such file`);
    return value;
  };
  const bytesOf = (relativePath: string): Uint8Array => {
    const value = get(relativePath);
    return typeof value === 'string' ? new TextEncoder().encode(value) : value;
  };
  return {
    location,
    exists: async (relativePath) => find(relativePath) !== undefined,
    readText: async (relativePath) => {
      const value = get(relativePath);
      return typeof value === 'string' ? value : new TextDecoder().decode(value);
    },
    readBytes: async (relativePath) => bytesOf(relativePath),
    async *readChunks(relativePath, { signal } = {}) {
      signal?.throwIfAborted();
      const bytes = bytesOf(relativePath);
      for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
        yield bytes.subarray(offset, Math.min(offset + chunkBytes, bytes.length));
        signal?.throwIfAborted();
      }
    },
  };
}
