import { readFileSync } from 'node:fs';

/** For tests: a JSON file (a run's config.json, summary.json, …) parsed, as `T`. */
export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
