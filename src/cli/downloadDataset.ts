import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import {
  downloadDataset,
  type DownloadReport,
  type DownloadSink,
  type FetchFunction,
} from '../core/datasets/download';
import { missingDatasetFiles } from '../core/datasets/registry';
import { remoteDataset, type RemoteDataset } from '../core/datasets/sources';
import { abortableDelay } from '../core/progress';
import type { DatasetParser } from '../core/datasets/types';
import { folderFiles } from './dataFolder';
import { ProgressBar } from './progressBar';

/** How long to wait for a server's answer (status and headers) before calling the host unreachable. */
export const CONNECT_TIMEOUT_MS = 15_000;
/** How long a download may go without receiving a byte before it counts as broken off (and is retried). */
export const STALL_TIMEOUT_MS = 60_000;

/** The `DATASET_MIRROR` setting: a base URL standing in for every source host (see `mirroredUrl`). */
export function datasetMirror(env: Record<string, string | undefined> = process.env): string | undefined {
  const value = env.DATASET_MIRROR?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The global `fetch` with two time-outs, so that an offline machine or a dead server fails instead of
 * hanging: no answer within `connectMs` rejects (the downloader reports the host as unreachable), and a body
 * that stalls for `stallMs` errors (the downloader retries). The caller's signal still cancels everything.
 */
export function fetchWithTimeouts(
  connectMs = CONNECT_TIMEOUT_MS,
  stallMs = STALL_TIMEOUT_MS,
  baseFetch: typeof fetch = fetch,
): FetchFunction {
  return async (url, init) => {
    const controller = new AbortController();
    const outer = init.signal;
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${connectMs / 1000} s`)),
      connectMs,
    );
    timer.unref();
    let response: Response;
    try {
      response = await baseFetch(url, { signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
    if (response.body === null) return response;
    let stall: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(stall);
      stall = setTimeout(() => controller.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
      stall.unref();
    };
    arm();
    const watched = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, sink) {
          arm();
          sink.enqueue(chunk);
        },
        flush() {
          clearTimeout(stall);
        },
      }),
    );
    return new Response(watched, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * A `DownloadSink` writing into `folder` (created as needed): each file is written to a temporary
 * `<name>.<random>.part` beside its target and renamed over it on commit, so the target is either absent,
 * the old file, or the complete new one. Paths may not leave the folder.
 */
export function folderSink(folder: string): DownloadSink {
  const root = path.resolve(folder);
  const resolve = (relativePath: string): string => {
    const full = path.resolve(root, relativePath);
    const rel = path.relative(root, full);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new Error(`${relativePath} is not a file path inside ${root}`);
    }
    return full;
  };
  return {
    location: root,
    async exists(relativePath) {
      try {
        return (await stat(resolve(relativePath))).isFile();
      } catch {
        return false;
      }
    },
    async create(relativePath) {
      const full = resolve(relativePath);
      await mkdir(path.dirname(full), { recursive: true });
      const temp = `${full}.${randomBytes(4).toString('hex')}.part`;
      let handle: FileHandle | undefined = await open(temp, 'wx');
      let finished = false;
      return {
        async write(chunk) {
          if (handle === undefined) throw new Error(`${full}: write after commit or discard`);
          await handle.write(chunk);
        },
        async commit() {
          if (handle === undefined || finished) throw new Error(`${full}: committed after commit or discard`);
          await handle.close();
          handle = undefined;
          await rename(temp, full);
          finished = true;
        },
        async discard() {
          if (finished) return;
          finished = true;
          await handle?.close().catch(() => undefined);
          handle = undefined;
          await rm(temp, { force: true });
        },
      };
    },
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

export interface EnsureDatasetOptions {
  /** Download missing files (false: `--no-download`). */
  download: boolean;
  /**
   * The user asked for this dataset by name (`npm run datasets -- --download`): also fetches sources marked
   * `large`, which an experiment does not fetch on its own.
   */
  explicit?: boolean;
  /** Fetch every file again, even those present. */
  overwrite?: boolean;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Where messages and progress go (default stderr). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** For tests: the fetch to use (default `fetchWithTimeouts()`). */
  fetch?: FetchFunction;
  /** Further tries after a transient failure (default 2). */
  retries?: number;
  /** Retry back-off base in ms (default 1000). */
  retryDelayMs?: number;
}

/**
 * Makes sure registered dataset `parser`'s files are in `<dataDir>/<folder>`: when some required file is
 * missing and the dataset has a public source (`sources.ts`), downloads the missing files there with
 * progress. Returns the report, or undefined when nothing was fetched (all present, or no public source:
 * loading then fails with the parser's "missing files" message). Throws when files are missing and
 * downloading is off (`--no-download`), for a large source not asked for by name, and on a failed download.
 */
export async function ensureDatasetFiles(
  parser: DatasetParser,
  dataDir: string,
  options: EnsureDatasetOptions,
): Promise<DownloadReport | undefined> {
  const folder = path.join(dataDir, parser.folder);
  const files = folderFiles(folder);
  const missing = await missingDatasetFiles(parser, files);
  if (missing.length === 0 && !options.overwrite) return undefined;
  const remote = remoteDataset(parser.name);
  if (remote === undefined) return undefined;
  const what = `dataset ${parser.name}: missing ${missing.join(', ')} in ${folder}`;
  if (!options.download) {
    throw new Error(
      `${what}; downloading is off (--no-download). Put the files there (${parser.sourceHint}), ` +
        `or run without --no-download to fetch them from ${remote.origin}`,
    );
  }
  if (remote.large !== undefined && !options.explicit) {
    throw new Error(`${what}. It is not downloaded automatically: ${remote.large}`);
  }
  return fetchRemoteDataset(remote, folder, options);
}

/** Downloads `remote` into `folder` (created as needed) with progress on `options.stream`. */
export async function fetchRemoteDataset(
  remote: RemoteDataset,
  folder: string,
  options: Omit<EnsureDatasetOptions, 'download' | 'explicit'>,
): Promise<DownloadReport> {
  const stream = options.stream ?? process.stderr;
  const mirror = datasetMirror(options.env);
  stream.write(
    `Downloading ${remote.dataset} into ${folder}\n  from ${remote.origin}` +
      `${mirror !== undefined ? `\n  through the mirror ${mirror} (DATASET_MIRROR)` : ''}\n`,
  );
  if (remote.large !== undefined) stream.write(`  note: ${remote.large}\n`);
  const created = await mkdir(folder, { recursive: true });
  const printer = new ProgressBar(stream, { unit: megabytes });
  const retries = options.retries ?? 2;
  try {
    const report = await downloadDataset(remote, {
      fetch: options.fetch ?? fetchWithTimeouts(),
      sink: folderSink(folder),
      mirror,
      wait: abortableDelay,
      retries,
      retryDelayMs: options.retryDelayMs,
      overwrite: options.overwrite,
      signal: options.signal,
      onProgress: printer.update,
      onRetry: (failure, retry, delayMs) => {
        printer.finish();
        const pause = delayMs >= 1000 ? `${delayMs / 1000} s` : `${delayMs} ms`;
        stream.write(`  ${failure.message}; trying again in ${pause} (${retry}/${retries})\n`);
      },
    });
    printer.finish();
    const kept = report.present.length > 0 ? `; kept ${report.present.length} present file(s)` : '';
    stream.write(
      `Downloaded ${report.written.length} file(s) of ${remote.dataset} ` +
        `(${megabytes(report.bytes)} received)${kept}\n`,
    );
    return report;
  } catch (error) {
    printer.finish();
    // A data folder this download created and left empty goes again, so the dataset reads as missing.
    if (created !== undefined) {
      await rmdir(folder).catch(() => undefined);
      if (created !== folder) await rmdir(created).catch(() => undefined);
    }
    throw error;
  }
}
