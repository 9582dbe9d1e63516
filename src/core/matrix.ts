/** A dense row-major float32 matrix: the one shape in which embeddings cross module boundaries. */
export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major, length rows * cols. */
  data: Float32Array;
}

export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  const d = data ?? new Float32Array(rows * cols);
  if (d.length !== rows * cols) throw new Error(`matrix: ${d.length} values for ${rows}x${cols}`);
  return { rows, cols, data: d };
}

/** A view of row `i` (no copy). */
export function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
