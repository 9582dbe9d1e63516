import { ZipStream } from './zipStream';
import { throwIfAborted, type ProgressEvent } from '../progress';
import { withRetries } from '../retry';
import {
  mirroredUrl,
  remoteFileTargets,
  type RemoteDataset,
  type RemoteFile,
  type ZipEntryTarget,
} from './sources';

/**
 * Downloads a registered dataset's public files (`sources.ts`) into its folder. The engine has no network
 * and no file system of its own: the caller passes a `fetch` and a `DownloadSink` (Node: temporary files
 * renamed into place, see `src/cli/downloadDataset.ts`; a browser: memory or a cache).
 */

/** The part of `fetch` the downloader uses; the global `fetch` fits. */
export type FetchFunction = (url: string, init: { signal?: AbortSignal }) => Promise<Response>;

/** Where downloaded files go: one dataset folder. */
export interface DownloadSink {
  /** The folder (or other place) the files go to, for messages. */
  readonly location: string;
  exists(relativePath: string): Promise<boolean>;
  /**
   * A new file that becomes `relativePath` only when committed: until then nothing is visible under that
   * name, so an interrupted download never leaves a half-written file behind.
   */
  create(relativePath: string): Promise<SinkFile>;
}

export interface SinkFile {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the written bytes the file (replacing any file of that name). */
  commit(): Promise<void>;
  /** Drops what was written; the target is left as it was. Safe to call more than once. */
  discard(): Promise<void>;
}

/** Progress of one file's download: bytes done and, where known, the total (else 0). */
export interface DownloadProgress extends ProgressEvent {
  url: string;
  /** What is being fetched: the target path, or the archive's name for a zip. */
  file: string;
  /** 0-based index of the file among those fetched, and how many are fetched. */
  fileIndex: number;
  fileCount: number;
}

export interface DownloadOptions {
  fetch: FetchFunction;
  sink: DownloadSink;
  /** Base URL standing in for every source host (see `mirroredUrl`), e.g. the `DATASET_MIRROR` setting. */
  mirror?: string;
  /** Further tries after a failed request, a 5xx/408/429 answer or a broken-off body (default 2). */
  retries?: number;
  /** Pause before retry `n` (0-based): `retryDelayMs * 2^n`, default 1000 ms. */
  retryDelayMs?: number;
  /** How to pause (the engine has no timers); default: no pause. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Fetch files again even when their targets exist (default: only missing ones). */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: DownloadProgress) => void;
  /** Called before each retry with what failed, the retry's number (1-based) and the pause before it. */
  onRetry?: (failure: DownloadError, retry: number, delayMs: number) => void;
}

export interface DownloadReport {
  dataset: string;
  /** Paths written (relative to the folder), in order. */
  written: string[];
  /** Paths that were already there and left alone. */
  present: string[];
  /** Bytes received over the network. */
  bytes: number;
}

export type DownloadErrorKind = 'http' | 'unreachable' | 'interrupted' | 'archive';

/** A download that failed for a reason the user can act on; the message says what to do. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: DownloadErrorKind,
    readonly url: string,
    /** Whether trying again may help (network trouble, 5xx), as opposed to a 404 or a bad archive. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

/**
 * Fetches the files of `source` whose targets are missing in `options.sink` (all of them with `overwrite`),
 * streaming each with progress, unpacking zips, retrying transient failures, and committing each file only
 * once it arrived whole. Throws a `DownloadError` with a readable message (HTTP status and URL; "could not
 * reach <host>" when the network is down), or the signal's reason when cancelled; nothing half-written is
 * left either way.
 */
export async function downloadDataset(
  source: RemoteDataset,
  options: DownloadOptions,
): Promise<DownloadReport> {
  const { sink, signal } = options;
  const report: DownloadReport = { dataset: source.dataset, written: [], present: [], bytes: 0 };
  const todo: Array<{ file: RemoteFile; missing: Set<string> }> = [];
  for (const file of source.files) {
    const targets = remoteFileTargets(file);
    const missing = new Set<string>();
    for (const target of targets) {
      if (options.overwrite || !(await sink.exists(target))) missing.add(target);
      else report.present.push(target);
    }
    if (missing.size > 0) todo.push({ file, missing });
  }

  const retries = options.retries ?? 2;
  const delay = options.retryDelayMs ?? 1000;
  for (const [fileIndex, { file, missing }] of todo.entries()) {
    const url = mirroredUrl(file.url, options.mirror);
    const result = await withRetries(
      () => {
        throwIfAborted(signal);
        return fetchOnce(source, file, url, missing, options, fileIndex, todo.length);
      },
      {
        retries,
        failure: (error, retry) => {
          throwIfAborted(signal);
          const failure = asDownloadError(error, url);
          return { error: failure, retryable: failure.retryable, delayMs: delay * 2 ** retry };
        },
        giveUp: (failure) => explain(failure, source, sink, todo, fileIndex),
        onRetry: options.onRetry,
        wait: options.wait ?? (() => Promise.resolve()),
      },
    );
    report.bytes += result.bytes;
    report.written.push(...result.written);
  }
  return report;
}

/** One try at one file: fetched, written through the sink and committed, or nothing left behind. */
async function fetchOnce(
  source: RemoteDataset,
  file: RemoteFile,
  url: string,
  missing: ReadonlySet<string>,
  options: DownloadOptions,
  fileIndex: number,
  fileCount: number,
): Promise<{ bytes: number; written: string[] }> {
  const { signal } = options;
  let response: Response;
  try {
    response = await options.fetch(url, { signal });
  } catch (error) {
    throwIfAborted(signal);
    throw new DownloadError(`could not reach ${hostOf(url)}${causeText(error)}`, 'unreachable', url, true, {
      cause: error,
    });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new DownloadError(`HTTP ${status} from ${url}`, 'http', url, retryable);
  }

  // With a content encoding (gzip, br), fetch hands over decoded bytes and content-length counts encoded ones.
  const encoding = response.headers.get('content-encoding');
  const lengthHeader = response.headers.get('content-length');
  const contentLength =
    (encoding === null || encoding === 'identity') && lengthHeader !== null && /^\d+$/.test(lengthHeader)
      ? Number(lengthHeader)
      : undefined;
  const total = contentLength ?? file.bytes ?? 0;
  const label = file.unzip !== undefined ? (url.split('/').pop() ?? url) : (file.target ?? url);
  const stage = `Downloading ${source.dataset}/${label}`;
  const report = (done: number) =>
    options.onProgress?.({ stage, done, total, url, file: label, fileIndex, fileCount });

  const writer =
    file.unzip !== undefined
      ? new ZipExtraction(
          file.unzip.filter((e) => missing.has(e.target)),
          options.sink,
          url,
        )
      : new PlainFile(file.target ?? '', options.sink);
  let committed = false;
  let ended = false;
  let done = 0;
  const reader = response.body?.getReader();
  try {
    report(0);
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        if (reader === undefined) break;
        chunk = await reader.read();
      } catch (error) {
        ended = true;
        throwIfAborted(signal);
        throw new DownloadError(
          `the download of ${url} broke off after ${done.toLocaleString('en-US')} bytes${causeText(error)}`,
          'interrupted',
          url,
          true,
          { cause: error },
        );
      }
      if (chunk.done) {
        ended = true;
        break;
      }
      done += chunk.value.length;
      await writer.write(chunk.value);
      report(done);
    }
    if (contentLength !== undefined && done !== contentLength) {
      throw new DownloadError(
        `the download of ${url} ended after ${done.toLocaleString('en-US')} of ` +
          `${contentLength.toLocaleString('en-US')} bytes`,
        'interrupted',
        url,
        true,
      );
    }
    await writer.finish();
    throwIfAborted(signal);
    const written = await writer.commit();
    committed = true;
    return { bytes: done, written };
  } finally {
    // A sink failure leaves the body half read: close the connection.
    if (!ended) await reader?.cancel().catch(() => undefined);
    if (!committed) await writer.discard();
  }
}

interface FileWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Called once the body ended: checks that what arrived is complete. */
  finish(): Promise<void>;
  commit(): Promise<string[]>;
  discard(): Promise<void>;
}

class PlainFile implements FileWriter {
  private file: SinkFile | undefined;

  constructor(
    private readonly target: string,
    private readonly sink: DownloadSink,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.file ??= await this.sink.create(this.target);
    await this.file.write(chunk);
  }

  async finish(): Promise<void> {
    // An empty body still makes a (empty) file; the parser then says the file is empty.
    this.file ??= await this.sink.create(this.target);
  }

  async commit(): Promise<string[]> {
    await this.file?.commit();
    return [this.target];
  }

  async discard(): Promise<void> {
    await this.file?.discard();
  }
}

/**
 * Unpacks a zip as it arrives (`ZipStream`), writing the wanted entries through the sink. The reader calls
 * back synchronously, so the sink's writes are queued and awaited after every chunk.
 */
class ZipExtraction implements FileWriter {
  private readonly zip: ZipStream;
  private readonly wanted: Map<string, string>;
  private readonly files = new Map<string, SinkFile>();
  /** Targets whose entry was found (a repeated entry name keeps its first copy). */
  private readonly claimed = new Set<string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    entries: readonly ZipEntryTarget[],
    private readonly sink: DownloadSink,
    private readonly url: string,
  ) {
    this.wanted = new Map(entries.map((e) => [e.entry, e.target]));
    this.zip = new ZipStream((name) => {
      const target = this.wanted.get(name);
      if (target === undefined || this.claimed.has(target)) return undefined;
      this.claimed.add(target);
      this.enqueue(async () => void this.files.set(target, await this.sink.create(target)));
      return (data) => this.enqueue(() => this.files.get(target)!.write(data));
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.zip.failure === undefined ? task() : undefined));
    this.queue.catch((error: unknown) => this.zip.fail({ kind: 'caller', error: error as Error }));
  }

  private archiveError(what: string, cause?: unknown): DownloadError {
    return new DownloadError(`${this.url} is not a usable zip archive: ${what}`, 'archive', this.url, false, {
      cause,
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.zip.push(chunk);
    await this.settle();
  }

  async finish(): Promise<void> {
    this.zip.end();
    await this.settle();
    const missing = [...this.wanted].filter(([, target]) => !this.files.has(target)).map(([entry]) => entry);
    if (missing.length > 0) {
      throw this.archiveError(`it has no entry ${missing.map((m) => `"${m}"`).join(', ')}`);
    }
  }

  /** Waits for the queued writes; throws the first failure, of the archive or of the sink. */
  private async settle(): Promise<void> {
    await this.queue.catch(() => undefined);
    const failure = this.zip.failure;
    if (failure === undefined) return;
    switch (failure.kind) {
      case 'caller':
        throw failure.error;
      case 'incomplete':
        throw this.archiveError(
          'it has no end-of-central-directory record (the file is truncated or not a zip archive)',
        );
      case 'entry':
        throw this.archiveError(`cannot read entry "${failure.entry}": ${failure.detail}`, failure.cause);
      case 'unreadable':
        throw this.archiveError(failure.detail, failure.cause);
      case 'truncated':
        throw this.archiveError(
          `the archive ends inside entry "${failure.entry}"` + (failure.detail ? ` (${failure.detail})` : ''),
          failure.cause,
        );
    }
  }

  async commit(): Promise<string[]> {
    const written: string[] = [];
    for (const target of this.wanted.values()) {
      await this.files.get(target)!.commit();
      written.push(target);
    }
    return written;
  }

  async discard(): Promise<void> {
    await this.queue.catch(() => undefined);
    for (const file of this.files.values()) await file.discard();
  }
}

function asDownloadError(error: unknown, url: string): DownloadError {
  if (error instanceof DownloadError) return error;
  // The sink failed (disk full, no permission): not a network problem, and retrying will not help.
  const message = error instanceof Error ? error.message : String(error);
  return new DownloadError(`could not save ${url}: ${message}`, 'interrupted', url, false, { cause: error });
}

/** The final error for a failed file, with what the user can do about it. */
function explain(
  failure: DownloadError,
  source: RemoteDataset,
  sink: DownloadSink,
  todo: ReadonlyArray<{ file: RemoteFile; missing: ReadonlySet<string> }>,
  fileIndex: number,
): DownloadError {
  const list = todo
    .slice(fileIndex)
    .map(({ file, missing }) => `  ${file.url} → ${[...missing].join(', ')}`)
    .join('\n');
  const byHand = `download the files by hand into ${sink.location}`;
  let message: string;
  if (failure.kind === 'unreachable') {
    message = `${failure.message}: ${byHand} (source list below) or check your network\n${list}`;
  } else if (failure.kind === 'http') {
    message =
      `dataset ${source.dataset}: ${failure.message}; the source may have moved: ${byHand} ` +
      `(source list below), or set DATASET_MIRROR to a copy\n${list}`;
  } else {
    message = `dataset ${source.dataset}: ${failure.message}; try again, or ${byHand} (source list below)\n${list}`;
  }
  return new DownloadError(message, failure.kind, failure.url, failure.retryable, { cause: failure });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** ` (<reason>)` for a network error: the innermost cause's code or message (`ECONNREFUSED`, a time-out). */
function causeText(error: unknown): string {
  let inner: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (inner as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    inner = cause;
  }
  const code = (inner as { code?: unknown } | null)?.code;
  const message = inner instanceof Error ? inner.message : typeof inner === 'string' ? inner : '';
  const text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return text === '' ? '' : ` (${text})`;
}

/**
 * A `DownloadSink` that keeps the files in memory (a browser, tests): `contents` holds the committed files,
 * ready for `memoryFiles(location, contents)`.
 */
export function memorySink(
  location: string,
  contents: Record<string, string | Uint8Array> = {},
): { sink: DownloadSink; contents: Record<string, string | Uint8Array> } {
  const sink: DownloadSink = {
    location,
    exists: async (relativePath) => Object.hasOwn(contents, relativePath),
    create: async (relativePath) => {
      const chunks: Uint8Array[] = [];
      let open = true;
      return {
        write: async (chunk) => {
          if (!open) throw new Error(`${location}/${relativePath}: write after commit or discard`);
          chunks.push(chunk.slice());
        },
        commit: async () => {
          if (!open) throw new Error(`${location}/${relativePath}: committed twice or after discard`);
          open = false;
          const length = chunks.reduce((n, c) => n + c.length, 0);
          const bytes = new Uint8Array(length);
          let offset = 0;
          for (const chunk of chunks) {
            bytes.set(chunk, offset);
            offset += chunk.length;
          }
          contents[relativePath] = bytes;
        },
        discard: async () => {
          open = false;
          chunks.length = 0;
        },
      };
    },
  };
  return { sink, contents };
}
