import { describe, expect, it } from 'vitest';
import { memoryFiles } from './memoryFiles';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('memoryFiles', () => {
  const bytes = Uint8Array.from({ length: 2500 }, (_, i) => i % 251);
  const files = memoryFiles(
    '/mem',
    { 'a.bin': bytes, 'b.txt': 'héllo', 'empty.bin': new Uint8Array(0) },
    {
      chunkBytes: 1000,
    },
  );

  it('yields a file in chunks of chunkBytes, text files as UTF-8', async () => {
    const chunks = await collect(files.readChunks!('a.bin'));
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(Uint8Array.from(chunks.flatMap((c) => [...c]))).toEqual(bytes);
    expect(await collect(files.readChunks!('b.txt'))).toEqual([new TextEncoder().encode('héllo')]);
    expect(await collect(files.readChunks!('empty.bin'))).toEqual([]);
    expect(await files.readBytes('a.bin')).toBe(bytes);
  });

  it('fails on a missing file, a bad chunk size and an aborted read', async () => {
    await expect(collect(files.readChunks!('nope.bin'))).rejects.toThrow(
      'cannot read /mem/nope.bin: no such file',
    );
    expect(() => memoryFiles('/mem', {}, { chunkBytes: 0 })).toThrow(/chunkBytes must be a positive integer/);
    const controller = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const chunk of files.readChunks!('a.bin', { signal: controller.signal })) {
        seen.push(chunk.length);
        controller.abort(new Error('stop reading'));
      }
    })();
    await expect(reading).rejects.toThrow('stop reading');
    expect(seen).toEqual([1000]);
  });
});
