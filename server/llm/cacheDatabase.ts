import path from 'node:path';
import Database from 'better-sqlite3';
import { ensureFolder } from '../ensureFolder';

/**
 * Opens (creating it and its folder if needed) one of the server's SQLite caches under `dir` and applies
 * `schema`. The server and the CLI's direct mode may use the same file at once: WAL journal, and a busy
 * time-out instead of an immediate "database is locked". `what` names the cache in the error.
 */
export function openCacheDatabase(
  dir: string,
  file: string,
  what: string,
  schema: string,
): Database.Database {
  const full = path.join(dir, file);
  let db: Database.Database;
  try {
    ensureFolder(dir);
    db = new Database(full);
  } catch (error) {
    // The native module, built by the install for the Node that ran it, and another Node running now.
    if (/NODE_MODULE_VERSION/.test((error as Error).message))
      throw new Error(
        `cannot open the ${what}: better-sqlite3 was built for another Node version than this one ` +
          `(${process.version}); run "npm rebuild better-sqlite3" with this Node, or pass --no-cache`,
        { cause: error },
      );
    throw new Error(
      // --no-cache is npm start's; the CLI's direct mode has only CACHE_DIR.
      `cannot open the ${what} ${full}: ${(error as Error).message}; set CACHE_DIR to a writable folder ` +
        '(npm start: or pass --no-cache)',
      { cause: error },
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  return db;
}
