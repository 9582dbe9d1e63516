import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteChunks } from '../core/experiment/byteChunks';
import { concatChunks, streamedContent } from '../core/experiment/streamedContent';
import { writeRunFile } from './writeRunFile';

const dir = mkdtempSync(path.join(tmpdir(), 'write-run-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines `<first + i>,<i / 7>` for i < count, in chunks of about a mebibyte. */
function* numberLines(first: number, count: number): Generator<Uint8Array> {
  const out = new ByteChunks();
  for (let i = 0; i < count; i++) {
    out
      .reserve(48)
      .unsigned(first + i)
      .byte(44)
      .float32(i / 7)
      .byte(10);
    const chunk = out.take();
    if (chunk) yield chunk;
  }
  yield out.flush();
}

describe('writeRunFile', () => {
  it('writes every chunk as it was made while their memory is reused (several files at once)', async () => {
    const files = [0, 1, 2].map((k) => ({
      target: path.join(dir, `file${k}.txt`),
      lines: () => numberLines(k * 10_000_000, 600_000),
    }));
    await Promise.all(files.map((f) => writeRunFile(f.target, streamedContent(false, f.lines))));
    for (const f of files) {
      // Gathered without giving chunks back: each keeps its memory.
      const expected = Buffer.from(await concatChunks(f.lines()));
      // Buffer.equals: toEqual compares 10 MB element by element, for minutes.
      expect(readFileSync(f.target).equals(expected), f.target).toBe(true);
    }
  });
});
