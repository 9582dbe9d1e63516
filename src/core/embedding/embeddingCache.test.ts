import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { embeddingCacheKey } from './embeddingCache';

describe('embeddingCacheKey', () => {
  it('is the SHA-256 of the key fields as JSON, so that caches written before stay valid', () => {
    const parts = {
      model: 'Qwen/Qwen3-Embedding-0.6B',
      revision: 'main',
      dtype: 'fp32',
      pooling: 'last_token',
      normalize: true,
      maxLength: null,
    };
    for (const text of ['', 'abc', 'é ünïcödé 🙂', 'w'.repeat(1000)]) {
      const json = JSON.stringify([
        'embedding-v1',
        'Qwen/Qwen3-Embedding-0.6B',
        'main',
        'fp32',
        'last_token',
        true,
        null,
        text,
      ]);
      expect(embeddingCacheKey(parts, text)).toBe(createHash('sha256').update(json, 'utf8').digest('hex'));
    }
  });
});
