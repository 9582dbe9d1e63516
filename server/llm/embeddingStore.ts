import path from 'node:path';
import type Database from 'better-sqlite3';
import { openCacheDatabase } from './cacheDatabase';

/**
 * Embedding vectors the upstream already gave, in SQLite under `CACHE_DIR` (a file of its own beside the
 * teacher cache: vectors are large), keyed by a hash of (model, templated text); so a corpus embedded in
 * chunks and stopped resumes where it stopped, also after a restart, and a re-run costs nothing. The server
 * and the CLI's direct mode may use the same file at once (WAL journal, busy time-out). Each batch is
 * written in one transaction: whole or not at all.
 */
export class EmbeddingStore {
  static readonly FILE = 'embedding-cache.sqlite';
  readonly file: string;
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string], { vector: Buffer }>;
  private readonly putStmt: Database.Statement<[string, string, number, Buffer, number]>;
  private readonly putMany: (
    entries: readonly { key: string; vector: Float32Array }[],
    model: string,
  ) => void;

  constructor(dir: string) {
    this.file = path.join(dir, EmbeddingStore.FILE);
    this.db = openCacheDatabase(
      dir,
      EmbeddingStore.FILE,
      'embedding cache',
      `
      CREATE TABLE IF NOT EXISTS embeddings (
        key TEXT PRIMARY KEY, model TEXT NOT NULL, dims INTEGER NOT NULL, vector BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
    );
    this.getStmt = this.db.prepare('SELECT vector FROM embeddings WHERE key = ?');
    this.putStmt = this.db.prepare(
      'INSERT OR REPLACE INTO embeddings (key, model, dims, vector, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.putMany = this.db.transaction((entries, model) => {
      const now = Date.now();
      for (const { key, vector } of entries)
        this.putStmt.run(
          key,
          model,
          vector.length,
          Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
          now,
        );
    });
  }

  /** The stored vector of each key, or undefined where there is none (or it is not whole floats). */
  get(keys: readonly string[]): (Float32Array | undefined)[] {
    return keys.map((key) => {
      const bytes = this.getStmt.get(key)?.vector;
      if (!bytes || bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
      const vector = new Float32Array(bytes.length / 4);
      new Uint8Array(vector.buffer).set(bytes);
      return vector;
    });
  }

  /** Stores one batch in one transaction. */
  put(entries: readonly { key: string; vector: Float32Array }[], model: string): void {
    if (entries.length) this.putMany(entries, model);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM embeddings').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
