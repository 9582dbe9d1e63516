import { SeededRandom } from '../rng';
import type { CsrMatrix } from './csrMatrix';
import { claimCounter, normalTask, orthonormalizeTask, runShare } from './svdShares';

/**
 * Runs each kernel of randomized SVD on a small random problem (a few tens of milliseconds), so that a
 * thread started for a fit (svdShares.ts) has them compiled by the time its first task comes: its share
 * then takes no longer than the other thread's, which waits for it.
 */
export function warmUpSvdKernels(): void {
  const rng = new SeededRandom(0);
  const rows = 600;
  const cols = 300;
  const count = 24;
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = i % 9; j < cols; j += 9 + (i % 5)) {
      indices.push(j);
      values.push(rng.normal());
    }
    indptr[i + 1] = indices.length;
  }
  const matrix: CsrMatrix = {
    rows,
    cols,
    indptr,
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
  };
  for (let round = 0; round < 10; round++) {
    // Counts of both parities: the four-vector and the single-vector paths.
    const vectors = count + (round % 2);
    const x = normalTask(new Float64Array(cols * vectors), rng, 1000);
    runShare(x);
    const y = new Float64Array(rows * vectors);
    runShare({ kind: 'multiply', matrix, block: x.out, count: vectors, out: y, claims: claimCounter() });
    const q = new Float64Array(cols * vectors);
    runShare({
      kind: 'multiplyTransposed',
      matrix,
      block: y,
      count: vectors,
      out: q,
      claims: claimCounter(),
    });
    runShare(orthonormalizeTask(q, cols, vectors, rng));
    const gram = new Float64Array(count * count);
    runShare({ kind: 'gram', q, w: x.out, length: cols, width: count, gram, claims: claimCounter() });
    const [length, width, rank] = [cols, count, count - 1];
    const out = new Float64Array(rank * length);
    runShare({ kind: 'ritz', qRows: q, vectors: x.out, length, width, rank, out, claims: claimCounter() });
  }
}
