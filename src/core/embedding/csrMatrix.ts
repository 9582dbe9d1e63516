import type { LinearOperator } from './linearOperator';

/** A sparse matrix in compressed sparse row form; column indices are ascending within each row. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** Row `i` holds entries `indptr[i]` to `indptr[i + 1] - 1`; length rows + 1. */
  indptr: Int32Array;
  /** Column of each stored entry; length nnz. */
  indices: Int32Array;
  /** Value of each stored entry; length nnz. */
  values: Float64Array;
}

/** A CSR matrix as a linear operator on column-major blocks (see `LinearOperator`). */
export function csrOperator(m: CsrMatrix): LinearOperator {
  const { rows, cols, indptr, indices, values } = m;
  return {
    rows,
    cols,
    multiply(block, count) {
      const out = new Float64Array(rows * count);
      for (let c = 0; c < count; c++) {
        const x = c * cols;
        const o = c * rows;
        for (let i = 0; i < rows; i++) {
          let sum = 0;
          for (let e = indptr[i], end = indptr[i + 1]; e < end; e++) sum += values[e] * block[x + indices[e]];
          out[o + i] = sum;
        }
      }
      return out;
    },
    multiplyTransposed(block, count) {
      const out = new Float64Array(cols * count);
      for (let c = 0; c < count; c++) {
        const y = c * rows;
        const o = c * cols;
        for (let i = 0; i < rows; i++) {
          const yi = block[y + i];
          if (yi === 0) continue;
          for (let e = indptr[i], end = indptr[i + 1]; e < end; e++) out[o + indices[e]] += values[e] * yi;
        }
      }
      return out;
    },
  };
}
