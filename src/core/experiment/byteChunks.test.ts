import { describe, expect, it } from 'vitest';
import { ByteChunks, FieldTable, recycleChunk } from './byteChunks';

describe('FieldTable', () => {
  it('writes each field as its UTF-8 bytes', () => {
    const fields = ['a', '', 'doc 42', 'größe', '文書'];
    const table = new FieldTable(fields);
    expect(table.longest).toBe(7); // größe: bytes, not characters
    const out = new ByteChunks();
    out.reserve(64);
    for (const i of [4, 0, 2, 1, 3]) out.field(table, i).byte(10);
    expect(new TextDecoder().decode(out.flush())).toBe('文書\na\ndoc 42\n\ngröße\n');
  });
});

describe('ByteChunks', () => {
  const lines = (out: ByteChunks, from: number, count: number): Uint8Array[] => {
    const chunks: Uint8Array[] = [];
    for (let i = from; i < from + count; i++) {
      out.reserve(16).ascii(String(i)).byte(10);
      const chunk = out.take();
      if (chunk) chunks.push(chunk);
    }
    chunks.push(out.flush());
    return chunks;
  };
  const text = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join('');

  it('reuses the memory of a chunk given back, and only then', () => {
    const kept = lines(new ByteChunks(), 0, 500_000);
    expect(kept.length).toBeGreaterThan(2);
    const before = text(kept);
    // Chunks not given back keep their bytes, whatever is written later.
    const later = lines(new ByteChunks(), 1_000_000, 500_000);
    expect(text(kept)).toBe(before);
    expect(later.some((c) => kept.some((k) => k.buffer === c.buffer))).toBe(false);
    recycleChunk(kept[0]);
    const reusing = lines(new ByteChunks(), 2_000_000, 500_000);
    expect(reusing[0].buffer).toBe(kept[0].buffer);
    expect(text(reusing)).toBe(text(lines(new ByteChunks(), 2_000_000, 500_000)));
  });

  it('takes back only its own chunks, each once', () => {
    const foreign = new Uint8Array(1 << 20);
    recycleChunk(foreign);
    const [first] = lines(new ByteChunks(), 0, 500_000);
    expect(first.buffer).not.toBe(foreign.buffer);
    recycleChunk(first);
    recycleChunk(first);
    const a = lines(new ByteChunks(), 0, 500_000);
    const b = lines(new ByteChunks(), 0, 500_000);
    expect(a[0].buffer).toBe(first.buffer);
    expect(b.some((c) => c.buffer === first.buffer)).toBe(false);
  });
});
