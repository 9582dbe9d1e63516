import type { RunFileContent } from './runFiles';

/** A run file's binary content from its stream of chunks; `bytes` gathers the stream into one array. */
export function streamedContent(
  compressed: boolean,
  chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): RunFileContent {
  return { kind: 'binary', compressed, chunks, bytes: () => concatChunks(chunks()) };
}

/** Every chunk of a byte stream in one array. */
export async function concatChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
