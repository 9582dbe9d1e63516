import { describe, expect, it, vi } from 'vitest';
import { resolveEmbeddingModel } from './modelRegistry';
import { TransformersEmbedder } from './transformersEmbedder';
import type { LoadedEmbeddingModel } from './transformersRuntime';

// A model that runs out of memory on batches larger than `limit`, in place of ONNX Runtime.
let limit = 4;
vi.mock('./transformersRuntime', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./transformersRuntime')>()),
  loadEmbeddingModel: async (): Promise<LoadedEmbeddingModel> => ({
    device: 'cpu',
    dtype: 'fp32',
    hiddenSize: 2,
    maxLength: 8,
    async encode(texts) {
      if (texts.length > limit) throw new Error('Failed to allocate memory for requested buffer');
      return {
        hidden: Float32Array.from(texts.flatMap((t) => [t.length, 1])),
        dims: [texts.length, 1, 2],
        mask: texts.map(() => 1),
      };
    },
    async dispose() {},
  }),
}));

const spec = resolveEmbeddingModel('org/model', { pooling: 'cls', normalize: false });

describe('TransformersEmbedder out of memory', () => {
  it('halves the batch until it fits, with a note', async () => {
    limit = 4;
    const notes: string[] = [];
    const e = new TransformersEmbedder(spec, { batchSize: 16, onNote: (n) => notes.push(n) });
    const texts = Array.from({ length: 10 }, (_, i) => 'x'.repeat(i + 1));
    const m = await e.embedDocuments(texts);
    expect(Array.from(m.data.filter((_, i) => i % 2 === 0))).toEqual(texts.map((t) => t.length));
    expect(notes).toEqual([
      '"org/model" ran out of memory on a batch; batch size lowered to 8',
      '"org/model" ran out of memory on a batch; batch size lowered to 4',
    ]);
  });

  it('says what to do when even one text does not fit', async () => {
    limit = 0;
    const e = new TransformersEmbedder(spec, { batchSize: 2 });
    await expect(e.embedDocuments(['a', 'b'])).rejects.toThrow(
      /embedding model "org\/model" ran out of memory on cpu \(fp32\): .*Try a smaller dtype \(q8\), a smaller batch size, a lower maximum length/,
    );
  });
});
