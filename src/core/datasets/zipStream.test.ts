import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { forEachZipEntry, forEachZipEntryInChunks } from './zipStream';

describe('forEachZipEntry', () => {
  it('yields every entry in archive order across many chunks, skipping directories', () => {
    const entries: Record<string, Uint8Array> = { 'dir/': new Uint8Array(0) };
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const name = `paper${String(i).padStart(4, '0')}`;
      // Incompressible-ish contents, so that the archive spans several 64 KiB chunks.
      entries[name] = strToU8(`${name}:${Math.sin(i + 1).toFixed(12)}:${(i * 7919) % 104729}`);
      expected.push(name);
    }
    const zip = zipSync(entries, { level: 0 });
    expect(zip.length).toBeGreaterThan(3 * 65_536);
    const seen: string[] = [];
    forEachZipEntry(zip, 'many.zip', (name, contents) => {
      expect(new TextDecoder().decode(contents).startsWith(`${name}:`)).toBe(true);
      seen.push(name);
    });
    expect(seen).toEqual(expected);
  });

  it('names the entry where a damaged archive stops', () => {
    const zip = zipSync({ first: strToU8('{"a": 1}'), second: strToU8('x'.repeat(5000)) }, { level: 0 });
    // Keep the end-of-central-directory record but cut 200 bytes out of the second entry's data.
    const damaged = new Uint8Array(zip.length - 200);
    damaged.set(zip.subarray(0, 1000));
    damaged.set(zip.subarray(1200), 1000);
    const names: string[] = [];
    expect(() => forEachZipEntry(damaged, 'damaged.zip', (name) => names.push(name))).toThrow(
      'damaged.zip ends inside entry "second"; the archive is truncated',
    );
    expect(names).toEqual(['first']);
  });

  it('propagates errors from the entry callback', () => {
    const zip = zipSync({ a: strToU8('x'), b: strToU8('y') });
    expect(() =>
      forEachZipEntry(zip, 'two.zip', (name) => {
        if (name === 'b') throw new Error('stop at b');
      }),
    ).toThrow('stop at b');
  });
});

/** `bytes` in slices of `size` bytes, as an async iterable (a `DataFiles.readChunks` stand-in). */
async function* slices(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

describe('forEachZipEntryInChunks', () => {
  const names = (count: number) =>
    Array.from({ length: count }, (_, i) => `paper${String(i).padStart(4, '0')}`);
  const manyEntries = (level: 0 | 6): Uint8Array => {
    const entries: Record<string, Uint8Array> = { 'dir/': new Uint8Array(0) };
    for (const name of names(500)) entries[name] = strToU8(`${name}:${'abc '.repeat(40)}`);
    return zipSync(entries, { level });
  };

  it.each([1, 7, 1000, 65_537, 1 << 22])(
    'yields what forEachZipEntry yields when the archive comes in %i-byte chunks',
    async (size) => {
      for (const zip of [manyEntries(0), manyEntries(6)]) {
        const whole: Array<[string, string]> = [];
        forEachZipEntry(zip, 'many.zip', (name, contents) =>
          whole.push([name, new TextDecoder().decode(contents)]),
        );
        const chunked: Array<[string, string]> = [];
        await forEachZipEntryInChunks(slices(zip, size), 'many.zip', (name, contents) =>
          chunked.push([name, new TextDecoder().decode(contents)]),
        );
        expect(whole.map(([name]) => name)).toEqual(names(500));
        expect(chunked).toEqual(whole);
      }
    },
  );

  it('takes a plain iterable of chunks, and finds an end record whose comment spans chunks', async () => {
    const zip = zipSync({ a: strToU8('{"a": 1}') });
    // Give the end-of-central-directory record the longest comment a zip may have (65,535 bytes).
    const commented = new Uint8Array(zip.length + 0xffff).fill(0x20);
    commented.set(zip);
    commented[zip.length - 2] = 0xff;
    commented[zip.length - 1] = 0xff;
    const seen: string[] = [];
    await forEachZipEntryInChunks(slices(commented, 1000), 'c.zip', (name) => seen.push(name));
    await forEachZipEntryInChunks([commented.subarray(0, 10), commented.subarray(10)], 'c.zip', (name) =>
      seen.push(name),
    );
    expect(seen).toEqual(['a', 'a']);
  });

  it('reports a truncated or non-zip archive as forEachZipEntry does, after reading every chunk', async () => {
    const zip = manyEntries(6);
    // Cut before the last entry: every entry read is complete, only the end record tells.
    let lastEntry = zip.length - 4;
    while (!(zip[lastEntry] === 0x50 && zip[lastEntry + 1] === 0x4b && zip[lastEntry + 2] === 3)) lastEntry--;
    expect(zip[lastEntry + 3]).toBe(4);
    const truncated = zip.subarray(0, lastEntry);
    const incomplete =
      /many\.zip is not a complete zip archive \(it has no end-of-central-directory record\)/;
    expect(() => forEachZipEntry(truncated, 'many.zip', () => {})).toThrow(incomplete);
    await expect(forEachZipEntryInChunks(slices(truncated, 1000), 'many.zip', () => {})).rejects.toThrow(
      incomplete,
    );
    // A failure before the end is still reported as the missing end record.
    const stopping = (name: string) => {
      if (name === 'paper0003') throw new Error('stop');
    };
    await expect(forEachZipEntryInChunks(slices(truncated, 1000), 'many.zip', stopping)).rejects.toThrow(
      incomplete,
    );
    await expect(forEachZipEntryInChunks(slices(zip, 1000), 'many.zip', stopping)).rejects.toThrow('stop');
    const text = strToU8('this is not a zip archive');
    await expect(forEachZipEntryInChunks(slices(text, 3), 'text.zip', () => {})).rejects.toThrow(
      /text\.zip is not a complete zip archive/,
    );
    await expect(forEachZipEntryInChunks([], 'empty.zip', () => {})).rejects.toThrow(
      /empty\.zip is not a complete zip archive/,
    );
  });

  it('names the entry where a damaged archive stops, and propagates entry errors', async () => {
    const zip = zipSync({ first: strToU8('{"a": 1}'), second: strToU8('x'.repeat(5000)) }, { level: 0 });
    const damaged = new Uint8Array(zip.length - 200);
    damaged.set(zip.subarray(0, 1000));
    damaged.set(zip.subarray(1200), 1000);
    const seen: string[] = [];
    await expect(
      forEachZipEntryInChunks(slices(damaged, 100), 'damaged.zip', (name) => seen.push(name)),
    ).rejects.toThrow('damaged.zip ends inside entry "second"; the archive is truncated');
    expect(seen).toEqual(['first']);
    const read: string[] = [];
    await expect(
      forEachZipEntryInChunks(slices(zip, 100), 'two.zip', (name) => {
        read.push(name);
        throw new Error(`stop at ${name}`);
      }),
    ).rejects.toThrow('stop at first');
    expect(read).toEqual(['first']);
  });
});
