import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { csrOperator } from '../core/embedding/csrMatrix';
import { LsaEmbedder } from '../core/embedding/lsaEmbedder';
import { orthonormalizeColumns } from '../core/embedding/orthonormalize';
import { randomizedSvd, type TruncatedSvd } from '../core/embedding/randomizedSvd';
import { SeededRandom } from '../core/rng';
import { parallelLsaFor, TwoThreadLsa } from './parallelLsa';
import { randomCsr } from '../testing/randomCsr';

/** The bytes of each result array, for comparisons bit for bit (the sign of zeros too). */
function bytes(svd: TruncatedSvd) {
  const of = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    rank: svd.rank,
    singularValues: of(svd.singularValues),
    leftVectors: of(svd.leftVectors),
    components: of(svd.components),
  };
}

const lsa = new TwoThreadLsa();
afterAll(async () => {
  // The helper started for a next fit is unreferenced: it would not keep the process alive either.
  await lsa.open().close();
});

describe('TwoThreadLsa', () => {
  // Short side rows or columns; widths (rank + 10) that are not multiples of four; a matrix of rank 6,
  // whose dependent columns the Gram–Schmidt replaces with random ones.
  const shapes = [
    { rows: 61, cols: 203, rank: 20, matrixRank: 0 },
    { rows: 301, cols: 70, rank: 23, matrixRank: 0 },
    { rows: 150, cols: 90, rank: 45, matrixRank: 6 },
    { rows: 9, cols: 40, rank: 3, matrixRank: 0 },
  ];
  for (const { rows, cols, rank, matrixRank } of shapes) {
    it(`gives the single-threaded SVD bit for bit: ${rows}x${cols}, rank ${rank}${matrixRank ? `, matrix rank ${matrixRank}` : ''}`, async () => {
      const m = randomCsr(rows, cols, rows + cols, matrixRank);
      const one = await randomizedSvd(csrOperator(m), rank, { seed: 7 });
      await lsa.started;
      const parallel = lsa.open();
      try {
        const two = await randomizedSvd(parallel.operator(m), rank, { seed: 7, kernels: parallel.kernels });
        expect(lsa.sharedTasks).toBeGreaterThan(10);
        expect(bytes(two)).toEqual(bytes(one));
      } finally {
        await parallel.close();
      }
    });
  }

  it('orthonormalizes dependent and zero columns bit for bit, and leaves the generator where one thread does', async () => {
    const length = 30;
    const count = 19;
    const block = new Float64Array(length * count);
    const rng = new SeededRandom(4);
    for (let j = 0; j < count; j++)
      for (let i = 0; i < length; i++)
        // Columns 5, 10, 15: copies of column 0; columns 7 and 13: zero.
        block[j * length + i] = j % 5 === 0 ? i + 1 : j === 7 || j === 13 ? 0 : rng.normal();
    const expected = block.slice();
    const oneRng = new SeededRandom(9);
    orthonormalizeColumns(expected, length, count, oneRng);
    await lsa.started;
    const parallel = lsa.open();
    try {
      const shared = parallel.kernels.allocate(block.length);
      shared.set(block);
      const twoRng = new SeededRandom(9);
      parallel.kernels.orthonormalizeColumns(shared, length, count, twoRng);
      expect(lsa.sharedTasks).toBe(1);
      expect(Buffer.from(shared.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      expect(twoRng.next()).toBe(oneRng.next());
    } finally {
      await parallel.close();
    }
  });

  it('orthonormalizes random blocks bit for bit, however the threads interleave', async () => {
    await lsa.started;
    const parallel = lsa.open();
    try {
      for (let seed = 0; seed < 12; seed++) {
        const rng = new SeededRandom(seed);
        const length = 300 + seed;
        const count = 40 + seed;
        const block = parallel.kernels.allocate(length * count);
        for (let i = 0; i < block.length; i++) block[i] = rng.normal();
        const expected = block.slice();
        orthonormalizeColumns(expected, length, count, new SeededRandom(seed));
        parallel.kernels.orthonormalizeColumns(block, length, count, new SeededRandom(seed));
        expect(Buffer.from(block.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      }
      expect(lsa.sharedTasks).toBe(12);
    } finally {
      await parallel.close();
    }
  });

  it('gives the same results while its helper thread is still starting (this thread alone)', async () => {
    const m = randomCsr(80, 50, 3);
    const one = await randomizedSvd(csrOperator(m), 12, { seed: 1 });
    const parallel = new TwoThreadLsa().open();
    try {
      const two = await randomizedSvd(parallel.operator(m), 12, { seed: 1, kernels: parallel.kernels });
      expect(bytes(two)).toEqual(bytes(one));
    } finally {
      await parallel.close();
    }
  });

  it('ends its helper thread when a fit is cancelled, and starts another for the next fit', async () => {
    await lsa.started;
    expect(lsa.threads).toBe(1);
    const controller = new AbortController();
    const texts = Array.from(
      { length: 300 },
      (_, i) => `document ${i} about topic${i % 13} and theme${i % 7}`,
    );
    const embedder = new LsaEmbedder({ dims: 20, parallelism: lsa });
    const fit = embedder.fit(texts, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.done === 3) controller.abort(new Error('cancelled by test'));
      },
    });
    await expect(fit).rejects.toThrow('cancelled by test');
    expect(lsa.sharedTasks).toBeGreaterThan(0);
    expect(lsa.threads).toBe(0);
    await lsa.started;
    expect(lsa.threads).toBe(1);
  });

  it('ends its helper thread when a fit fails before the SVD', async () => {
    await lsa.started;
    const fit = new LsaEmbedder({ parallelism: lsa }).fit(['a b c', 'the and of']);
    await expect(fit).rejects.toThrow('no indexable words');
    expect(lsa.threads).toBe(0);
  });

  it('is what the CLI gives LSA embedders on a machine with several cores, and nothing else', async () => {
    expect(parallelLsaFor('sentence-transformers/all-MiniLM-L6-v2')).toBeUndefined();
    const parallelism = parallelLsaFor('lsa-64');
    if (availableParallelism() === 1) return expect(parallelism).toBeUndefined();
    expect(parallelism).toBeInstanceOf(TwoThreadLsa);
    await parallelism!.open().close();
  });

  const clinc = new URL('../../../shared/data/Clinc150/data_full.json', import.meta.url);
  it.skipIf(!existsSync(clinc))(
    'fits 3,000 Clinc150 utterances bit for bit as one thread (skipped without ../shared/data/Clinc150)',
    async () => {
      const data = JSON.parse(readFileSync(clinc, 'utf8')) as { train: [string, string][] };
      const texts = data.train.slice(0, 3000).map(([text]) => text);
      const one = new LsaEmbedder();
      await one.fit(texts);
      await lsa.started;
      const two = new LsaEmbedder({ parallelism: lsa });
      await two.fit(texts);
      expect(lsa.sharedTasks).toBeGreaterThan(10);
      const embeddings = async (e: LsaEmbedder) => Buffer.from((await e.embedDocuments(texts)).data.buffer);
      expect(Buffer.from(two.singularValues!.buffer).equals(Buffer.from(one.singularValues!.buffer))).toBe(
        true,
      );
      expect((await embeddings(two)).equals(await embeddings(one))).toBe(true);
    },
  );
});
