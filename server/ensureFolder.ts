import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates folder `dir` (and its missing parents) one level at a time, or throws an Error whose message is
 * one line: "cannot create the folder X (CODE)". Node's own `mkdir(..., {recursive: true})` never returns
 * for some paths (under /proc it loops at 100 % CPU), so folder settings (CACHE_DIR, --output-dir, ...) are
 * created with this instead.
 */
export function ensureFolder(dir: string): void {
  const target = path.resolve(dir);
  const missing: string[] = [];
  for (let current = target; ; current = path.dirname(current)) {
    const kind = kindOf(current);
    if (kind === 'folder') break;
    if (kind === 'other') throw cannotCreate(target, `${current} is a file`);
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Another process may have made it in the meantime.
      if ((error as { code?: unknown }).code === 'EEXIST' && kindOf(folder) === 'folder') continue;
      throw cannotCreate(target, describe(error));
    }
  }
}

function kindOf(file: string): 'folder' | 'other' | 'none' {
  try {
    return statSync(file).isDirectory() ? 'folder' : 'other';
  } catch {
    return 'none';
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : (error as Error).message;
}

function cannotCreate(target: string, reason: string): Error {
  return new Error(`cannot create the folder ${target} (${reason})`);
}
