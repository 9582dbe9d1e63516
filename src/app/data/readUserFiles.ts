import { unzipSync } from 'fflate';
import { detectImport, stripCommonRoot } from './datasetSource';
import type { LocalDataset } from '../stores/explorerStore';

/** Larger inputs than this are refused up front: the browser holds them in memory. */
const MAX_TOTAL_BYTES = 1.5 * 2 ** 30;

/**
 * Turns what a user dropped or picked — a dataset folder, a zip of one, or one CSV — into a dataset the
 * worker can parse: relative path → bytes, with a shared top folder removed, and the detected format.
 */
export async function localDatasetFromFiles(files: { path: string; file: File }[]): Promise<LocalDataset> {
  if (files.length === 0)
    throw new Error('nothing to open: drop a dataset folder, a .zip of one, or a .csv file');
  const total = files.reduce((n, f) => n + f.file.size, 0);
  if (total > MAX_TOTAL_BYTES)
    throw new Error(
      `${(total / 2 ** 30).toFixed(1)} GiB is too much to open in the browser; use the command line (npm run experiment)`,
    );
  let contents: Record<string, Uint8Array> = {};
  let label = files[0].path.split('/')[0] || files[0].file.name;
  if (files.length === 1 && files[0].file.name.toLowerCase().endsWith('.zip')) {
    label = files[0].file.name.replace(/\.zip$/i, '');
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(new Uint8Array(await files[0].file.arrayBuffer()));
    } catch (e) {
      throw new Error(`${files[0].file.name} is not a readable zip file (${(e as Error).message})`, {
        cause: e,
      });
    }
    for (const [path, bytes] of Object.entries(entries))
      if (!path.endsWith('/') && !path.startsWith('__MACOSX/')) contents[path] = bytes;
  } else {
    if (files.length === 1) label = files[0].file.name.replace(/\.[^.]+$/, '');
    for (const { path, file } of files) contents[path] = new Uint8Array(await file.arrayBuffer());
  }
  contents = stripCommonRoot(contents);
  const { spec, folder } = await detectImport(label, Object.keys(contents));
  if (folder)
    contents = Object.fromEntries(
      Object.entries(contents).map(([path, bytes]) => [`${folder}/${path}`, bytes]),
    );
  return { label: spec.kind === 'named' ? spec.name : label, spec, files: contents };
}

/** Files of a drop, folders walked recursively (paths relative to the drop). */
export async function filesFromDrop(transfer: DataTransfer): Promise<{ path: string; file: File }[]> {
  const entries = Array.from(transfer.items, (item) => item.webkitGetAsEntry()).filter(
    (e): e is FileSystemEntry => e !== null,
  );
  // Files without file-system entries (a drop made by a script, as a test's): the files themselves.
  if (entries.length === 0) return Array.from(transfer.files, (file) => ({ path: file.name, file }));
  const out: { path: string; file: File }[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.push({ path: `${prefix}${entry.name}`, file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns the folder in batches until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

/** Files of an `<input type="file">` (with `webkitdirectory`, paths include the folder). */
export function filesFromInput(list: FileList): { path: string; file: File }[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}
