import { Unzip, UnzipInflate, UnzipPassThrough, type UnzipFile } from 'fflate';

/**
 * The one zip reader of the engine: an archive read as it arrives, chunk by chunk, with fflate's streaming
 * `Unzip` (stored and deflated entries), so that neither the archive nor an entry needs to be in memory
 * whole. The dataset downloader writes entries to disk as they decode; `forEachZipEntry` hands whole
 * entries to a parser (RealScholarQuery's paper database).
 */

/** Bytes pushed to fflate at a time (its streaming `Unzip` advises few files per push). */
const PUSH_BYTES = 1 << 16;

/** The end-of-central-directory record (22 bytes) and the longest comment it may carry. */
const END_RECORD_SEARCH_BYTES = 22 + 0xffff;

/** What went wrong with an archive; each reader says it in its own words. */
export type ZipFailure =
  /** An entry's data cannot be decoded (corrupt, or a compression method other than stored and deflate). */
  | { kind: 'entry'; entry: string; detail: string; cause: unknown }
  /** The archive ends inside an entry's data. */
  | { kind: 'truncated'; entry: string; detail?: string; cause?: unknown }
  /** The decoder cannot read the bytes as a zip archive at all. */
  | { kind: 'unreadable'; detail: string; cause: unknown }
  /** No end-of-central-directory record: the file is cut short (between entries) or is not a zip. */
  | { kind: 'incomplete' }
  /** The caller's handling of an entry threw. */
  | { kind: 'caller'; error: Error };

/** Takes an entry's data as it decodes (`final` on its last piece). */
export type EntryData = (data: Uint8Array, final: boolean) => void;

/**
 * The streaming decoder. `onEntry` is called when an entry starts (directories are skipped) and returns
 * where its data goes, or undefined to drop it (its errors then do not count). It never throws: the first
 * failure is kept in `failure` and stops the decoding; later chunks only keep the tail, so that `end` can
 * still tell a truncated archive.
 */
export class ZipStream {
  failure: ZipFailure | undefined;
  private readonly unzip: Unzip;
  /** The entry whose data is being read, if any. */
  private open: string | undefined;
  /** The last `tailLength` bytes read: all of them, or at least the last `END_RECORD_SEARCH_BYTES`. */
  private readonly tail = new Uint8Array(2 * END_RECORD_SEARCH_BYTES);
  private tailLength = 0;
  private ended = false;

  constructor(onEntry: (name: string) => EntryData | undefined) {
    this.unzip = new Unzip((file: UnzipFile) => this.start(file, onEntry));
    this.unzip.register(UnzipInflate);
    this.unzip.register(UnzipPassThrough);
  }

  /** Keeps `failure` (the first one wins); decoding stops. */
  fail(failure: ZipFailure): void {
    this.failure ??= failure;
  }

  /** Decodes the next chunk of the archive, calling back for the entries it starts and their data. */
  push(chunk: Uint8Array): void {
    this.keepTail(chunk);
    for (let offset = 0; offset < chunk.length && this.failure === undefined; offset += PUSH_BYTES)
      this.pushToUnzip(chunk.subarray(offset, Math.min(offset + PUSH_BYTES, chunk.length)), false);
  }

  /**
   * Ends the archive. A missing end-of-central-directory record is the failure then, whatever came before
   * (a truncated file says so, not what its cut-off last entry looked like); so is an entry left open.
   */
  end(): void {
    if (this.ended) throw new Error('internal: a zip archive ended twice');
    this.ended = true;
    if (!hasEndOfCentralDirectory(this.tail.subarray(0, this.tailLength))) {
      this.failure = { kind: 'incomplete' };
      return;
    }
    if (this.failure === undefined) this.pushToUnzip(new Uint8Array(0), true);
    if (this.open !== undefined) this.fail({ kind: 'truncated', entry: this.open });
  }

  private start(file: UnzipFile, onEntry: (name: string) => EntryData | undefined): void {
    if (this.failure !== undefined || file.name.endsWith('/')) return;
    const name = file.name;
    let sink: EntryData | undefined;
    try {
      sink = onEntry(name);
    } catch (error) {
      this.fail({ kind: 'caller', error: error as Error });
      return;
    }
    // Every entry is started, wanted or not: its data then streams through instead of piling up in
    // fflate's buffers.
    this.open = name;
    file.ondata = (error, data, final) => {
      if (this.failure !== undefined) return;
      if (error !== null) {
        if (sink) this.fail({ kind: 'entry', entry: name, detail: error.message, cause: error });
        return;
      }
      if (final) this.open = undefined;
      if (!sink) return;
      try {
        sink(data, final);
      } catch (thrown) {
        this.fail({ kind: 'caller', error: thrown as Error });
      }
    };
    try {
      file.start();
    } catch (error) {
      if (sink) this.fail({ kind: 'entry', entry: name, detail: (error as Error).message, cause: error });
    }
  }

  private pushToUnzip(chunk: Uint8Array, final: boolean): void {
    try {
      this.unzip.push(chunk, final);
    } catch (error) {
      const detail = (error as Error).message;
      this.fail(
        this.open === undefined
          ? { kind: 'unreadable', detail, cause: error }
          : { kind: 'truncated', entry: this.open, detail, cause: error },
      );
    }
  }

  /** Appends `chunk` to the tail, dropping bytes no longer among the last `END_RECORD_SEARCH_BYTES`. */
  private keepTail(chunk: Uint8Array): void {
    const keep = END_RECORD_SEARCH_BYTES;
    if (chunk.length >= keep) {
      this.tail.set(chunk.subarray(chunk.length - keep));
      this.tailLength = keep;
      return;
    }
    if (this.tailLength + chunk.length > this.tail.length) {
      this.tail.copyWithin(0, this.tailLength - keep, this.tailLength);
      this.tailLength = keep;
    }
    this.tail.set(chunk, this.tailLength);
    this.tailLength += chunk.length;
  }
}

/**
 * Calls `onEntry(name, contents)` for every file of a zip archive, in archive order, decompressing one entry
 * at a time. Throws, naming `zipName` and the entry, on an unsupported compression method, corrupt data or a
 * truncated archive (one without its end-of-central-directory record, checked before any entry is read);
 * errors from `onEntry` propagate. `forEachZipEntryInChunks` reads an archive that is not in memory whole.
 */
export function forEachZipEntry(
  zip: Uint8Array,
  zipName: string,
  onEntry: (name: string, contents: Uint8Array) => void,
): void {
  if (!hasEndOfCentralDirectory(zip)) throw zipError(zipName, { kind: 'incomplete' });
  const reader = wholeEntries(onEntry);
  reader.push(zip);
  finish(reader, zipName);
}

/**
 * `forEachZipEntry` over an archive given as a sequence of chunks (`DataFiles.readChunks`), so that only the
 * entry being decoded, not the archive, is held in memory. The outcome, errors included, is the one
 * `forEachZipEntry` has on the chunks joined: since the end-of-central-directory record can only be checked
 * at the end, a failure (an unreadable entry, or an error from `onEntry`) stops the decoding but the rest of
 * the chunks is still read, so that a truncated or non-zip file is reported as such. Entries already passed
 * to `onEntry` when a failure is found stay passed (as in `forEachZipEntry`).
 */
export async function forEachZipEntryInChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  zipName: string,
  onEntry: (name: string, contents: Uint8Array) => void,
): Promise<void> {
  const reader = wholeEntries(onEntry);
  for await (const chunk of chunks) reader.push(chunk);
  finish(reader, zipName);
}

function wholeEntries(onEntry: (name: string, contents: Uint8Array) => void): ZipStream {
  return new ZipStream((name) => {
    const parts: Uint8Array[] = [];
    return (data, final) => {
      parts.push(data);
      if (final) onEntry(name, concat(parts));
    };
  });
}

function finish(reader: ZipStream, zipName: string): void {
  reader.end();
  if (reader.failure) throw zipError(zipName, reader.failure);
}

/** The error of `forEachZipEntry`: the caller's own, or one naming the archive and the entry. */
function zipError(zipName: string, failure: ZipFailure): Error {
  switch (failure.kind) {
    case 'caller':
      return failure.error;
    case 'incomplete':
      return new Error(
        `${zipName} is not a complete zip archive (it has no end-of-central-directory record): ` +
          'the file is truncated or not a zip file',
      );
    case 'entry':
      return new Error(`${zipName}: cannot read entry "${failure.entry}": ${failure.detail}`, {
        cause: failure.cause,
      });
    case 'unreadable':
      return new Error(`${zipName} is not a readable zip archive: ${failure.detail}`, {
        cause: failure.cause,
      });
    case 'truncated':
      return new Error(
        `${zipName} ends inside entry "${failure.entry}"; the archive is truncated` +
          (failure.detail ? ` (${failure.detail})` : ''),
        { cause: failure.cause },
      );
  }
}

/**
 * Whether the archive ends with an end-of-central-directory record (signature 0x06054b50, 22 bytes plus a
 * comment of up to 65,535 bytes), as every complete zip file does. The streaming reader never looks there, so
 * without this check a zip cut between two entries would read as a smaller archive. `zip` may be the
 * archive's last `END_RECORD_SEARCH_BYTES` bytes or more rather than all of it.
 */
function hasEndOfCentralDirectory(zip: Uint8Array): boolean {
  const last = zip.length - 22;
  const first = Math.max(0, last - 0xffff);
  for (let i = last; i >= first; i--) {
    if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 0x05 && zip[i + 3] === 0x06) {
      const commentLength = zip[i + 20] | (zip[i + 21] << 8);
      if (i + 22 + commentLength === zip.length) return true;
    }
  }
  return false;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
