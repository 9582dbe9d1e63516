import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../rng';
import { csrOperator } from './csrMatrix';
import { orthonormalizeColumns } from './orthonormalize';
import {
  claimCounter,
  continueRandom,
  finishNormal,
  normalTask,
  orthonormalizeTask,
  runShare,
  taskChunks,
  type ChunkedTask,
} from './svdShares';
import { sequentialSvdKernels } from './svdKernels';
import { randomCsr } from '../../testing/randomCsr';

const shared = (length: number) => new Float64Array(new SharedArrayBuffer(8 * length));

function random(length: number, rng: SeededRandom, zeros = 0): Float64Array {
  const out = shared(length);
  for (let i = 0; i < length; i++) out[i] = rng.next() < zeros ? 0 : rng.normal();
  return out;
}

/** The chunks of `task` in a shuffled order, as threads may claim and finish them. */
function shuffledChunks(task: ChunkedTask, seed: number): void {
  const [chunks, run] = taskChunks(task);
  const order = new SeededRandom(seed).sample(
    Array.from({ length: chunks }, (_, c) => c),
    chunks,
  );
  for (const c of order) run(c);
}

const same = (a: Float64Array, b: Float64Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('the chunks of the SVD kernels (svdShares)', () => {
  for (const count of [1, 3, 4, 7, 8, 13, 30]) {
    it(`compute the products of ${count} vectors bit for bit, in any order`, () => {
      const rng = new SeededRandom(count);
      const m = randomCsr(37, 23, rng);
      // Zeros in the vectors: the transposed product's single-vector path for rows some vectors skip.
      const x = random(m.cols * count, rng, 0.1);
      const y = random(m.rows * count, rng, 0.1);
      const out = shared(m.rows * count);
      shuffledChunks({ kind: 'multiply', matrix: m, block: x, count, out, claims: claimCounter() }, count);
      expect(same(out, csrOperator(m).multiply(x, count))).toBe(true);
      const outT = shared(m.cols * count);
      const block = y;
      shuffledChunks(
        { kind: 'multiplyTransposed', matrix: m, block, count, out: outT, claims: claimCounter() },
        1,
      );
      expect(same(outT, csrOperator(m).multiplyTransposed(y, count))).toBe(true);
    });
  }

  for (const width of [1, 5, 9, 14]) {
    it(`compute the Gram matrix and the Ritz vectors bit for bit, in any order (width ${width})`, () => {
      const rng = new SeededRandom(width);
      const length = 30 * width + 2;
      const q = random(length * width, rng);
      const w = random(length * width, rng);
      const gram = shared(width * width);
      shuffledChunks({ kind: 'gram', q, w, length, width, gram, claims: claimCounter() }, width);
      expect(same(gram, sequentialSvdKernels.gram(q, w, length, width))).toBe(true);
      const rank = Math.max(1, width - 2);
      const vectors = random(width * width, rng);
      const out = shared(rank * length);
      const claims = claimCounter();
      shuffledChunks({ kind: 'ritz', qRows: q, vectors, length, width, rank, out, claims }, width);
      expect(same(out, sequentialSvdKernels.ritzVectors(q, vectors, length, width, rank))).toBe(true);
    });
  }

  for (const [length, chunk] of [
    [1, 4],
    [7, 3],
    [1000, 64],
    [1000, 1 << 16],
  ]) {
    it(`draw ${length} normal values bit for bit in chunks of ${chunk}, leaving the generator where one thread does`, () => {
      const one = new SeededRandom(length);
      const expected = Float64Array.from({ length }, () => one.normal());
      const two = new SeededRandom(length);
      const task = normalTask(shared(length), two, chunk);
      shuffledChunks(task, 3);
      finishNormal(task, two);
      expect(same(task.out, expected)).toBe(true);
      expect(two.next()).toBe(one.next());
    });
  }

  it('draw the chunks after one that took more steps (a uniform draw of 0) again', () => {
    const two = new SeededRandom(5);
    const task = normalTask(shared(10), two, 4);
    runShare(task);
    // As if chunk 0 had drawn once more: its end state, where chunk 1 starts, is one step later.
    const shifted = new SeededRandom(0);
    shifted.restoreState(task.states[1]);
    shifted.next();
    task.states[1] = shifted.saveState() | 0;
    finishNormal(task, two);
    // The stream of such a first chunk: four values, one more step, then the other six.
    const moved = new SeededRandom(5);
    const expected = Float64Array.from({ length: 10 }, (_, i) => {
      if (i === 4) moved.next();
      return moved.normal();
    });
    expect(same(task.out, expected)).toBe(true);
    expect(two.next()).toBe(moved.next());
  });

  it('orthonormalize dependent and zero columns on one thread as orthonormalizeColumns', () => {
    const length = 30;
    const count = 19;
    const block = shared(length * count);
    const rng = new SeededRandom(4);
    for (let j = 0; j < count; j++)
      for (let i = 0; i < length; i++)
        block[j * length + i] = j % 5 === 0 ? i + 1 : j === 7 || j === 13 ? 0 : rng.normal();
    const expected = block.slice();
    const one = new SeededRandom(9);
    orthonormalizeColumns(expected, length, count, one);
    const two = new SeededRandom(9);
    const task = orthonormalizeTask(block, length, count, two);
    runShare(task);
    continueRandom(task, two);
    expect(same(block, expected)).toBe(true);
    expect(two.next()).toBe(one.next());
  });
});
