import type { EmbeddingCache, EmbeddingCacheEntry } from '../../core/embedding/embeddingCache';

const DB_NAME = 'refinement-explorer-embeddings';
const STORE = 'vectors';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * The embedding cache in the browser (page or worker): one IndexedDB store of content-addressed vectors
 * (key → the vector's ArrayBuffer). Each `put` is one transaction, so a batch is stored whole or not at all.
 * Where IndexedDB is missing or refuses (private windows, quota), the cache says so once and works as an
 * empty cache: embedding goes on, nothing is stored.
 */
export class IndexedDbEmbeddingCache implements EmbeddingCache {
  readonly location = `IndexedDB ${DB_NAME}`;
  private db: Promise<IDBDatabase | null> | undefined;

  constructor(private readonly onUnavailable: (message: string) => void = () => undefined) {}

  private open(): Promise<IDBDatabase | null> {
    this.db ??= (async () => {
      try {
        if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
        const open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = () => open.result.createObjectStore(STORE);
        return await request(open);
      } catch (error) {
        this.onUnavailable(
          `the embedding cache is off: ${error instanceof Error ? error.message : String(error)}`,
        );
        return null;
      }
    })();
    return this.db;
  }

  async get(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    const db = await this.open();
    if (!db || keys.length === 0) return keys.map(() => undefined);
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    const values = await Promise.all(keys.map((k) => request<unknown>(store.get(k))));
    return values.map((v) =>
      v instanceof ArrayBuffer && v.byteLength % 4 === 0 ? new Float32Array(v) : undefined,
    );
  }

  async put(entries: readonly EmbeddingCacheEntry[]): Promise<void> {
    const db = await this.open();
    if (!db || entries.length === 0) return;
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const { key, vector } of entries)
      store.put(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength), key);
    try {
      await done(tx);
    } catch (error) {
      this.onUnavailable(
        `could not store embeddings (${error instanceof Error ? error.message : String(error)}); they will be computed again next time`,
      );
    }
  }

  /** Deletes every stored vector. */
  async clear(): Promise<void> {
    const db = await this.open();
    if (!db) return;
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await done(tx);
  }
}
