import { stripSharedFolder, zipEntryNames, type RunSource } from './runSource';

/**
 * Whether dropped or picked files are a finished run (this project's layout or the reference's) rather
 * than a dataset, from their names alone: a drop anywhere on the page opens either.
 */
export function looksLikeRun(paths: string[]): boolean {
  const names = new Set(stripSharedFolder(paths));
  const project =
    names.has('config.json') &&
    (names.has('original_raw_scores.parquet') || names.has('original_raw_scores.csv'));
  return project || names.has('embeddings_raw_scores.parquet');
}

/** The run in `files` (a folder's files, or one zip), or null when they are not a run. */
export async function runSourceOf(files: { path: string; file: File }[]): Promise<RunSource | null> {
  if (files.length === 1 && files[0].file.name.toLowerCase().endsWith('.zip')) {
    const { file } = files[0];
    const names = zipEntryNames(new Uint8Array(await file.arrayBuffer()), file.name);
    return looksLikeRun(names) ? { kind: 'zip', label: file.name.replace(/\.zip$/i, ''), file } : null;
  }
  if (!looksLikeRun(files.map((f) => f.path))) return null;
  const label = files[0].path.includes('/') ? files[0].path.split('/')[0] : 'run';
  return { kind: 'files', label, files };
}
