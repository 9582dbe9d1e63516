import type { SeededRandom } from '../rng';
import type { CsrMatrix } from './csrMatrix';
import type { LinearOperator } from './linearOperator';
import { orthonormalizeColumns } from './orthonormalize';
import { gramRows, ritzEntries } from './randomizedSvdKernels';

/**
 * The dense kernels of randomized SVD (randomizedSvd.ts). The default runs them on the calling thread; the
 * Node CLI shares them between two threads (src/cli/parallelLsa.ts), with exactly the same arithmetic per
 * result, so bit for bit the same results.
 */
export interface SvdKernels {
  /** A block of `length` zeros for the kernels and products to work on (shared memory for threads). */
  allocate(length: number): Float64Array;
  /** A block of `length` draws of `rng.normal()`, in order (as `allocate`: in shared memory for threads). */
  normal(length: number, rng: SeededRandom): Float64Array;
  /** `orthonormalizeColumns` (orthonormalize.ts), in place. */
  orthonormalizeColumns(block: Float64Array, length: number, count: number, rng: SeededRandom): void;
  /** The Gram matrix Qᵀ·W of two blocks of `width` vectors of length `length` (row-major, symmetric). */
  gram(q: Float64Array, w: Float64Array, length: number, width: number): Float64Array;
  /**
   * The `rank` Ritz vectors Q·W, column-major, from the rows of Q (`qRows`, row-major `length x width`) and
   * the eigenvectors (`vectors`, row-major, one per row).
   */
  ritzVectors(
    qRows: Float64Array,
    vectors: Float64Array,
    length: number,
    width: number,
    rank: number,
  ): Float64Array;
}

export const sequentialSvdKernels: SvdKernels = {
  allocate: (length) => new Float64Array(length),
  normal(length, rng) {
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = rng.normal();
    return out;
  },
  orthonormalizeColumns,
  gram(q, w, length, width) {
    const gram = new Float64Array(width * width);
    gramRows(q, w, length, width, 0, width, gram);
    return gram;
  },
  ritzVectors(qRows, vectors, length, width, rank) {
    const out = new Float64Array(rank * length);
    ritzEntries(qRows, vectors, length, width, rank, 0, length, out);
    return out;
  },
};

/**
 * Runs the products and dense kernels of an LSA fit on several threads (the Node CLI's worker thread; the
 * browser app fits on one thread of its Web Worker).
 */
export interface LsaParallelism {
  /** The threads of one fit; `close` them when the fit ends or fails. */
  open(): ParallelSvd;
}

export interface ParallelSvd {
  /** The products with `matrix` on these threads, bit for bit those of `csrOperator(matrix)`. */
  operator(matrix: CsrMatrix): LinearOperator;
  kernels: SvdKernels;
  /** Ends the threads. */
  close(): Promise<void>;
}
