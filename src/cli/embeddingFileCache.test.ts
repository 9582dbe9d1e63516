import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddingCacheKey } from '../core/embedding/embeddingCache';
import { EmbeddingFileCache } from './embeddingFileCache';

let dir: string;
const parts = { model: 'm', revision: 'r', dtype: 'fp32', pooling: 'mean', normalize: true, maxLength: null };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'embedding-cache-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('EmbeddingFileCache', () => {
  it('stores vectors by content address and reads them back in a new instance', async () => {
    const keys = ['a', 'b', 'c'].map((t) => embeddingCacheKey(parts, t));
    const cache = new EmbeddingFileCache(dir);
    expect(await cache.get(keys)).toEqual([undefined, undefined, undefined]);
    await cache.put([
      { key: keys[0], vector: Float32Array.of(1, 2, 3) },
      { key: keys[2], vector: new Float32Array([0, 4, 5, 6]).subarray(1) },
    ]);
    const again = await new EmbeddingFileCache(dir).get(keys);
    expect(again.map((v) => v && Array.from(v))).toEqual([[1, 2, 3], undefined, [4, 5, 6]]);
    // No temporary files are left.
    const files = await readdir(dir, { recursive: true });
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('treats a truncated file as missing', async () => {
    const key = embeddingCacheKey(parts, 'broken');
    const cache = new EmbeddingFileCache(dir);
    await cache.put([{ key, vector: Float32Array.of(1, 2) }]);
    await writeFile(path.join(dir, key.slice(0, 2), `${key}.f32`), Uint8Array.of(1, 2, 3));
    expect(await cache.get([key])).toEqual([undefined]);
  });

  it('keys differ by model, revision, dtype, pooling and text', () => {
    const base = embeddingCacheKey(parts, 'x');
    expect(embeddingCacheKey({ ...parts }, 'x')).toBe(base);
    for (const changed of [
      { ...parts, model: 'n' },
      { ...parts, revision: 's' },
      { ...parts, dtype: 'q8' },
      { ...parts, pooling: 'cls' },
      { ...parts, maxLength: 128 },
    ])
      expect(embeddingCacheKey(changed, 'x')).not.toBe(base);
    expect(embeddingCacheKey(parts, 'y')).not.toBe(base);
  });
});
