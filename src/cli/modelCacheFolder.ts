import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureFolder } from '../../server/ensureFolder';
import { configureTransformers } from '../core/embedding/transformersRuntime';

/**
 * transformers.js downloads a model file in Node to `<file>.tmp.<pid>.<random>` and renames it when complete,
 * so the cache never holds a half-written model file. When a download breaks off it deletes the temporary
 * file, but can lose that race with its own write stream and leave an empty one behind; these are swept here.
 */
const PARTIAL_DOWNLOAD = /\.tmp\.(\d+)\.[0-9a-z]+$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temporary files of downloads under `dir` whose process is gone (and this process's own when
 * `includeOwn`, for when no download of ours is running). Returns the deleted paths.
 */
export function sweepPartialDownloads(dir: string, includeOwn = false): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const relative of entries) {
    const match = PARTIAL_DOWNLOAD.exec(relative);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid ? !includeOwn : isRunning(pid)) continue;
    const full = path.join(dir, relative);
    rmSync(full, { force: true });
    removed.push(full);
  }
  return removed;
}

const swept = new Set<string>();

/**
 * Node's model download cache: Hub files are kept in `<cacheDir>/models/<org>/<name>/...` (instead of inside
 * node_modules); leftovers of broken downloads are swept now and when the process exits.
 */
export function useModelCacheFolder(cacheDir: string): string {
  const dir = path.resolve(cacheDir, 'models');
  // Made now, before any work: a folder that cannot be made fails in one line here, where the download's
  // own mkdir would spin at 100 % CPU on some paths (under /proc).
  try {
    ensureFolder(dir);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}: pass --embedding-cache-dir with a writable folder (models are kept there)`,
      { cause: error },
    );
  }
  configureTransformers({ modelCacheDir: dir });
  if (!swept.has(dir)) {
    swept.add(dir);
    sweepPartialDownloads(dir);
    process.once('exit', () => sweepPartialDownloads(dir, true));
  }
  return dir;
}
