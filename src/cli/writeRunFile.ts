import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { recycleChunk } from '../core/experiment/byteChunks';
import type { RunFileContent } from '../core/experiment/runFiles';

/**
 * Writes one run file's content to `target`, chunk by chunk with the stream's back-pressure, so that a
 * file of millions of rows never sits in memory whole. `signal` stops it between chunks.
 */
export async function writeRunFile(
  target: string,
  content: RunFileContent,
  signal?: AbortSignal,
): Promise<void> {
  await writeRunFiles([target], onlyFile(content), signal);
}

type Chunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

async function* onlyFile(content: RunFileContent): AsyncGenerator<readonly [0, string | Uint8Array]> {
  const chunks: Chunks = content.chunks();
  for await (const chunk of chunks) yield [0, chunk];
}

/**
 * Writes several files from one stream of chunks, each naming its file (an index into `targets`; see
 * `RunFileGroup`), with every stream's back-pressure: a chunk for a file whose stream is full waits for it
 * to drain. `signal` stops it between chunks. On any failure (a stream's, the chunks', the signal) every
 * stream is destroyed, and the files are left unfinished (the run folder is staged, see `writeExperiment`).
 */
export async function writeRunFiles(
  targets: readonly string[],
  chunks:
    AsyncIterable<readonly [number, string | Uint8Array]> | Iterable<readonly [number, string | Uint8Array]>,
  signal?: AbortSignal,
): Promise<void> {
  const streams: WriteStream[] = targets.map((target) => createWriteStream(target));
  const failed = Promise.race(
    streams.map((out) => once(out, 'error').then(([e]) => Promise.reject(e as Error))),
  );
  // Keeps an early failure from going unhandled while nothing awaits it yet.
  failed.catch(() => undefined);
  try {
    for await (const [file, chunk] of chunks) {
      const out = streams[file];
      // Once written, a chunk's memory can serve a later chunk (`recycleChunk`), not before: the stream
      // holds the chunk itself, not a copy, until then.
      const written = (error?: Error | null) => {
        if (!error && typeof chunk !== 'string') recycleChunk(chunk);
      };
      if (!out.write(chunk, written)) await Promise.race([once(out, 'drain'), failed]);
      signal?.throwIfAborted();
    }
    for (const out of streams) out.end();
    await Promise.race([Promise.all(streams.map((out) => once(out, 'finish'))), failed]);
  } catch (error) {
    for (const out of streams) out.destroy();
    throw error;
  }
}
