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

/**
 * A CSR matrix as a linear operator on column-major blocks (see `LinearOperator`). The products take the
 * block's vectors four at a time, so that the sparse structure is read once per four vectors instead of
 * once per vector; every output element still sums the same terms in the same order as one vector at a
 * time would: the results are bit for bit those of `multiplyOne` and `multiplyTransposedOne`.
 */
export function csrOperator(m: CsrMatrix): LinearOperator {
  const { rows, cols } = m;
  return {
    rows,
    cols,
    multiply(block, count) {
      const out = new Float64Array(rows * count);
      multiplyVectors(m, block, 0, count, out);
      return out;
    },
    multiplyTransposed(block, count) {
      const out = new Float64Array(cols * count);
      multiplyTransposedVectors(m, block, 0, count, out);
      return out;
    },
  };
}

/**
 * Vectors `from` to `to` - 1 of M · block into the same vectors of `out`: four at a time, the last ones of
 * the block (after its last multiple of four) one at a time. `from` is a multiple of four, and `to` one too
 * or the block's size, so that each vector takes the path it takes in a product of the whole block: threads
 * can share a block's vectors.
 */
export function multiplyVectors(
  m: CsrMatrix,
  block: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
): void {
  let c = from;
  for (; c + 4 <= to; c += 4) multiplyFour(m, block, c, out);
  for (; c < to; c++) multiplyOne(m, block, c, out);
}

/** `multiplyVectors` for Mᵀ · block (`out` starts at zero). */
export function multiplyTransposedVectors(
  m: CsrMatrix,
  block: Float64Array,
  from: number,
  to: number,
  out: Float64Array,
): void {
  let c = from;
  for (; c + 4 <= to; c += 4) multiplyTransposedFour(m, block, c, out);
  for (; c < to; c++) multiplyTransposedOne(m, block, c, out, 0, m.rows);
}

/** Vector `c` of `out` (length rows) = M · vector `c` of `block` (length cols). */
function multiplyOne(m: CsrMatrix, block: Float64Array, c: number, out: Float64Array): void {
  const { rows, cols, indptr, indices, values } = m;
  const x = c * cols;
  const o = c * rows;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let e = indptr[i], end = indptr[i + 1]; e < end; e++) sum += values[e] * block[x + indices[e]];
    out[o + i] = sum;
  }
}

/** `multiplyOne` of vectors c to c + 3. */
function multiplyFour(m: CsrMatrix, block: Float64Array, c: number, out: Float64Array): void {
  const { rows, cols, indptr, indices, values } = m;
  const x0 = c * cols;
  const x1 = x0 + cols;
  const x2 = x1 + cols;
  const x3 = x2 + cols;
  const o = c * rows;
  for (let i = 0; i < rows; i++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let e = indptr[i], end = indptr[i + 1]; e < end; e++) {
      const v = values[e];
      const j = indices[e];
      s0 += v * block[x0 + j];
      s1 += v * block[x1 + j];
      s2 += v * block[x2 + j];
      s3 += v * block[x3 + j];
    }
    out[o + i] = s0;
    out[o + rows + i] = s1;
    out[o + 2 * rows + i] = s2;
    out[o + 3 * rows + i] = s3;
  }
}

/**
 * Adds Mᵀ · vector `c` of `block` (length rows), over rows [from, to), into vector `c` of `out` (length
 * cols). Rows whose entry in the vector is zero add nothing (not even zeros: their products would turn a
 * −0 into +0).
 */
function multiplyTransposedOne(
  m: CsrMatrix,
  block: Float64Array,
  c: number,
  out: Float64Array,
  from: number,
  to: number,
): void {
  const { rows, cols, indptr, indices, values } = m;
  const y = c * rows;
  const o = c * cols;
  for (let i = from; i < to; i++) {
    const yi = block[y + i];
    if (yi === 0) continue;
    for (let e = indptr[i], end = indptr[i + 1]; e < end; e++) out[o + indices[e]] += values[e] * yi;
  }
}

/** `multiplyTransposedOne` of vectors c to c + 3 over every row, in the same order per output element. */
function multiplyTransposedFour(m: CsrMatrix, block: Float64Array, c: number, out: Float64Array): void {
  const { rows, cols, indptr, indices, values } = m;
  const y0 = c * rows;
  const o0 = c * cols;
  const o1 = o0 + cols;
  const o2 = o1 + cols;
  const o3 = o2 + cols;
  for (let i = 0; i < rows; i++) {
    const a = block[y0 + i];
    const b = block[y0 + rows + i];
    const d = block[y0 + 2 * rows + i];
    const f = block[y0 + 3 * rows + i];
    if (a === 0 || b === 0 || d === 0 || f === 0) {
      // A vector that skips this row: each of the four on its own.
      for (let k = 0; k < 4; k++) multiplyTransposedOne(m, block, c + k, out, i, i + 1);
      continue;
    }
    for (let e = indptr[i], end = indptr[i + 1]; e < end; e++) {
      const v = values[e];
      const j = indices[e];
      out[o0 + j] += v * a;
      out[o1 + j] += v * b;
      out[o2 + j] += v * d;
      out[o3 + j] += v * f;
    }
  }
}
