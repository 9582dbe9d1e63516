import type { CsrMatrix } from '../core/embedding/csrMatrix';
import { SeededRandom } from '../core/rng';

/**
 * A seeded sparse matrix for the kernel tests: about 15 % of its entries set (normal values, of either
 * sign), every seventh row (from the fourth) empty. With `rank` > 0, every row is a multiple of one of
 * `rank` rows: a rank-deficient matrix, whose Gram–Schmidt needs random replacement columns.
 */
export function randomCsr(rows: number, cols: number, seed: number | SeededRandom, rank = 0): CsrMatrix {
  const rng = typeof seed === 'number' ? new SeededRandom(seed) : seed;
  const dense = Array.from({ length: rank || rows }, () =>
    Array.from({ length: cols }, () => (rng.next() < 0.15 ? rng.normal() : 0)),
  );
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    const scale = rank ? rng.normal() : 1;
    if (i % 7 !== 3)
      dense[rank ? i % rank : i].forEach((v, j) => {
        if (v !== 0) {
          indices.push(j);
          values.push(scale * v);
        }
      });
    indptr[i + 1] = indices.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}
