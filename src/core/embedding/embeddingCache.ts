import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** One embedding to store: its content address and the complete vector. */
export interface EmbeddingCacheEntry {
  key: string;
  vector: Float32Array;
}

/**
 * The embedding cache port: content-addressed vectors (see `embeddingCacheKey`). Implemented by files in a
 * cache folder in Node (src/cli/embeddingFileCache.ts) and by IndexedDB in the browser
 * (src/app/storage/indexedDbEmbeddingCache.ts); `MemoryEmbeddingCache` for tests.
 */
export interface EmbeddingCache {
  /** Where vectors are kept, for messages. */
  readonly location: string;
  /** The stored vector of each key, or undefined where there is none (or it is unreadable). */
  get(keys: readonly string[]): Promise<(Float32Array | undefined)[]>;
  /** Stores complete vectors. An entry is either stored whole or not at all, even if this fails midway. */
  put(entries: readonly EmbeddingCacheEntry[]): Promise<void>;
}

/** What, besides the text, decides a vector: the model's files and how its outputs become one vector. */
export interface EmbeddingKeyParts {
  /** The Hub id, or the folder's absolute path. */
  model: string;
  revision: string;
  dtype: string;
  pooling: string;
  normalize: boolean;
  /** The requested token limit (null: the model's own). */
  maxLength: number | null;
}

/**
 * The content address of the vector of `templatedText` (the text after its template was applied): SHA-256
 * of the model, revision, dtype, pooling, normalisation, token limit and the text. The device is left out:
 * WebGPU, WASM and CPU give the same vectors up to float rounding.
 */
export function embeddingCacheKey(parts: EmbeddingKeyParts, templatedText: string): string {
  // Synchronous and the same everywhere: browsers (also outside secure contexts, where `crypto.subtle` is
  // missing), workers and Node.
  const text = JSON.stringify([
    'embedding-v1',
    parts.model,
    parts.revision,
    parts.dtype,
    parts.pooling,
    parts.normalize,
    parts.maxLength,
    templatedText,
  ]);
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * The cached vectors of `count` texts (keys: their cache keys; no cache: none cached), the indices still to
 * embed, and the vector width seen. A cached vector of another width than `knownDims` (or than the first
 * cached one) counts as missing: the model changed under the same name or fingerprint.
 */
export async function lookUpCachedVectors(
  cache: EmbeddingCache | undefined,
  keys: readonly string[],
  count: number,
  knownDims: number | undefined,
): Promise<{ vectors: (Float32Array | undefined)[]; missing: number[]; dims: number | undefined }> {
  const vectors: (Float32Array | undefined)[] = cache ? await cache.get(keys) : new Array<undefined>(count);
  let dims = knownDims;
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    if (!v) continue;
    if (dims === undefined) dims = v.length;
    else if (v.length !== dims) vectors[i] = undefined;
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!vectors[i]) missing.push(i);
  return { vectors, missing, dims };
}

/** An in-memory cache (copies in and out), for tests and for a session without storage. */
export class MemoryEmbeddingCache implements EmbeddingCache {
  readonly location = 'memory';
  private readonly vectors = new Map<string, Float32Array>();

  get size(): number {
    return this.vectors.size;
  }

  async get(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    return keys.map((k) => {
      const v = this.vectors.get(k);
      return v && Float32Array.from(v);
    });
  }

  async put(entries: readonly EmbeddingCacheEntry[]): Promise<void> {
    for (const e of entries) this.vectors.set(e.key, Float32Array.from(e.vector));
  }
}
