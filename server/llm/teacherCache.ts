import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openCacheDatabase } from './cacheDatabase';

/** The cache key of a list of fields: SHA-256 of their JSON (unambiguous, unlike joining with a separator). */
export function cacheKey(fields: readonly (string | number)[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * Teacher scores and generated passages that the upstream already gave, in SQLite under `CACHE_DIR`, so a
 * re-run costs nothing and survives restarts. Only successes are stored. The server and the CLI's direct mode
 * may use the same file at once (WAL journal, busy time-out).
 */
export class TeacherCache {
  static readonly FILE = 'teacher-cache.sqlite';
  private readonly db: Database.Database;
  private readonly getScoreStmt: Database.Statement<[string], { score: number }>;
  private readonly putScoreStmt: Database.Statement<[string, string, string, number, number]>;
  private readonly getTextStmt: Database.Statement<[string], { text: string }>;
  private readonly putTextStmt: Database.Statement<[string, string, string, number]>;

  constructor(dir: string) {
    this.db = openCacheDatabase(
      dir,
      TeacherCache.FILE,
      'teacher cache',
      `
      CREATE TABLE IF NOT EXISTS scores (
        key TEXT PRIMARY KEY, model TEXT NOT NULL, mode TEXT NOT NULL, score REAL NOT NULL, created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS generations (
        key TEXT PRIMARY KEY, model TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL
      );
    `,
    );
    this.getScoreStmt = this.db.prepare('SELECT score FROM scores WHERE key = ?');
    this.putScoreStmt = this.db.prepare(
      'INSERT OR REPLACE INTO scores (key, model, mode, score, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.getTextStmt = this.db.prepare('SELECT text FROM generations WHERE key = ?');
    this.putTextStmt = this.db.prepare(
      'INSERT OR REPLACE INTO generations (key, model, text, created_at) VALUES (?, ?, ?, ?)',
    );
  }

  getScore(key: string): number | undefined {
    return this.getScoreStmt.get(key)?.score;
  }

  putScore(key: string, model: string, mode: string, score: number): void {
    this.putScoreStmt.run(key, model, mode, score, Date.now());
  }

  getText(key: string): string | undefined {
    return this.getTextStmt.get(key)?.text;
  }

  putText(key: string, model: string, text: string): void {
    this.putTextStmt.run(key, model, text, Date.now());
  }

  counts(): { scores: number; texts: number } {
    const count = (table: string) =>
      (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { scores: count('scores'), texts: count('generations') };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
