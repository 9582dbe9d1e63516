import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteChunks } from '../core/experiment/byteChunks';
import { concatChunks, streamedContent } from '../core/experiment/streamedContent';
import { writeRunFile, writeRunFiles } from './writeRunFile';

const dir = mkdtempSync(path.join(tmpdir(), 'write-run-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines `<first + i>,<i / 7>` for i < count, in chunks of about a mebibyte. */
function* numberLines(first: number, count: number): Generator<Uint8Array> {
  const out = new ByteChunks();
  for (let i = 0; i < count; i++) {
    out
      .reserve(48)
      .ascii(String(first + i))
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

  it('writes several files from one stream of chunks, each in order, with both streams back-pressured', async () => {
    const targets = [0, 1].map((k) => path.join(dir, `together${k}.txt`));
    const lines = (k: number) => numberLines(k * 10_000_000, 600_000);
    function* interleaved(): Generator<readonly [number, Uint8Array]> {
      const [a, b] = [lines(0), lines(1)];
      for (;;) {
        const [x, y] = [a.next(), b.next()];
        if (x.done && y.done) return;
        if (!x.done) yield [0, x.value];
        if (!y.done) yield [1, y.value];
      }
    }
    await writeRunFiles(targets, interleaved());
    for (const [k, target] of targets.entries()) {
      const expected = Buffer.from(await concatChunks(lines(k)));
      expect(readFileSync(target).equals(expected), target).toBe(true);
    }
  });

  it('fails when one of the files cannot be written, or when the chunks fail', async () => {
    const targets = [path.join(dir, 'fine.txt'), path.join(dir, 'missing', 'file.txt')];
    function* chunks(): Generator<readonly [number, Uint8Array]> {
      for (const chunk of numberLines(0, 600_000)) {
        yield [0, chunk];
        yield [1, chunk.slice()];
      }
    }
    await expect(writeRunFiles(targets, chunks())).rejects.toThrow(/ENOENT/);
    function* failing(): Generator<readonly [number, Uint8Array]> {
      yield [0, new Uint8Array(10)];
      throw new Error('no more chunks');
    }
    await expect(writeRunFiles([targets[0], path.join(dir, 'other.txt')], failing())).rejects.toThrow(
      'no more chunks',
    );
  });
});
