import { describe, expect, it } from 'vitest';
import { ByteChunks, FieldTable } from './byteChunks';

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
