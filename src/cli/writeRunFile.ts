import { createWriteStream } from 'node:fs';
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
  const out = createWriteStream(target);
  const failed = once(out, 'error').then(([e]) => Promise.reject(e as Error));
  // Keeps an early failure from going unhandled while nothing awaits it yet.
  failed.catch(() => undefined);
  const chunks = content.kind === 'binary' ? content.chunks() : content.chunks();
  for await (const chunk of chunks) {
    // Once written, a chunk's memory can serve a later chunk (`recycleChunk`), not before: the stream
    // holds the chunk itself, not a copy, until then.
    const written = (error?: Error | null) => {
      if (!error && typeof chunk !== 'string') recycleChunk(chunk);
    };
    if (!out.write(chunk, written)) await Promise.race([once(out, 'drain'), failed]);
    if (signal?.aborted) {
      out.destroy();
      signal.throwIfAborted();
    }
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}
