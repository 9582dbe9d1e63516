/**
 * A matrix seen only through its products with blocks of dense vectors, which is all that randomized
 * SVD needs. Blocks are column-major: `count` vectors, each contiguous, so vector `c` of a block with
 * vectors of length `n` is `block.subarray(c * n, (c + 1) * n)`.
 */
export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** M · X, for X a block of `count` vectors of length `cols`; returns `count` vectors of length `rows`. */
  multiply(block: Float64Array, count: number): Float64Array;
  /** Mᵀ · Y, for Y a block of `count` vectors of length `rows`; returns `count` vectors of length `cols`. */
  multiplyTransposed(block: Float64Array, count: number): Float64Array;
}

/** A dense row-major `rows x cols` matrix as a linear operator. */
export function denseOperator(rows: number, cols: number, data: Float64Array): LinearOperator {
  if (data.length !== rows * cols)
    throw new Error(`denseOperator: ${data.length} values for ${rows}x${cols}`);
  return {
    rows,
    cols,
    multiply(block, count) {
      const out = new Float64Array(rows * count);
      for (let c = 0; c < count; c++) {
        const x = c * cols;
        for (let i = 0; i < rows; i++) {
          let sum = 0;
          const r = i * cols;
          for (let j = 0; j < cols; j++) sum += data[r + j] * block[x + j];
          out[c * rows + i] = sum;
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
          const r = i * cols;
          for (let j = 0; j < cols; j++) out[o + j] += data[r + j] * yi;
        }
      }
      return out;
    },
  };
}
