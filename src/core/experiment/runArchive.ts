import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate';
import { throwIfAborted, type LongTaskOptions } from '../progress';
import type { ExperimentResult } from './pipeline';
import { experimentFiles, type RunFilesOptions } from './runFiles';

export interface ExperimentZipOptions extends RunFilesOptions, LongTaskOptions {
  /** A folder inside the zip that holds the files (e.g. the experiment's name); default: none. */
  folder?: string;
  /** Deflate level of text files, 1 (fast) to 9 (small); default 6. */
  level?: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  /** Modification time recorded for every entry; default now. */
  mtime?: Date;
}

/** Text is encoded and handed to the deflater in pieces of about this many characters. */
const TEXT_PIECE = 1 << 20;

/**
 * One zip of a whole run: exactly the files `writeExperiment` writes to the CLI's output folder
 * (`experimentFiles`), so the browser can offer a run as one download. Text files are deflated, Parquet
 * files (already zstd-compressed) are stored. Progress is reported per file (stage `zip`).
 */
export async function experimentZip(
  result: ExperimentResult,
  options: ExperimentZipOptions,
): Promise<Uint8Array> {
  const files = experimentFiles(result, options);
  const prefix = options.folder ? `${options.folder.replace(/\/+$/, '')}/` : '';
  const mtime = options.mtime ?? new Date();
  const out: Uint8Array[] = [];
  let failure: Error | undefined;
  const zip = new Zip((error, chunk) => {
    if (error) failure ??= error;
    else out.push(chunk);
  });
  const encoder = new TextEncoder();
  const check = () => {
    if (failure) throw new Error(`cannot build the zip: ${failure.message}`, { cause: failure });
    throwIfAborted(options.signal);
  };
  try {
    for (const [index, file] of files.entries()) {
      check();
      options.onProgress?.({ stage: 'zip', done: index, total: files.length });
      const name = prefix + file.path;
      const { content } = file;
      let entry: ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void };
      if (content.kind === 'binary' && content.compressed) entry = new ZipPassThrough(name);
      else entry = new ZipDeflate(name, { level: options.level ?? 6 });
      entry.mtime = mtime;
      zip.add(entry);
      if (content.kind === 'binary') {
        for await (const chunk of content.chunks()) {
          entry.push(chunk);
          check();
        }
        entry.push(new Uint8Array(0), true);
        continue;
      }
      let piece = '';
      for (const chunk of content.chunks()) {
        piece += chunk;
        if (piece.length >= TEXT_PIECE) {
          entry.push(encoder.encode(piece));
          piece = '';
          check();
        }
      }
      entry.push(encoder.encode(piece), true);
    }
    zip.end();
    check();
  } catch (error) {
    zip.terminate();
    throw error;
  }
  options.onProgress?.({ stage: 'zip', done: files.length, total: files.length });
  return concat(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}
