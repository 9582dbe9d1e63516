import { dot } from './vectorKernels';

/**
 * Dot products of one vector with several others at once, for the dense products of randomized SVD (the
 * Gram matrix of the subspace, the Ritz vectors): the shared vector is read once per four products. Each
 * product keeps `dot`'s four partial sums and adds them in `dot`'s order, so the results are bit for bit
 * those of `dot` (vectorKernels.ts) called once per product.
 */

/**
 * out[outOffset + k] = dot(x, xOffset, y, yOffset + k · yStride, length) for k < 4.
 */
export function dotFour(
  x: Float64Array,
  xOffset: number,
  y: Float64Array,
  yOffset: number,
  yStride: number,
  length: number,
  out: Float64Array,
  outOffset: number,
): void {
  const y0 = yOffset;
  const y1 = y0 + yStride;
  const y2 = y1 + yStride;
  const y3 = y2 + yStride;
  // Four partial sums per product, as `dot` keeps.
  // prettier-ignore
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  // prettier-ignore
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  // prettier-ignore
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  // prettier-ignore
  let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const x0 = x[xOffset + i];
    const x1 = x[xOffset + i + 1];
    const x2 = x[xOffset + i + 2];
    const x3 = x[xOffset + i + 3];
    a0 += x0 * y[y0 + i];
    a1 += x1 * y[y0 + i + 1];
    a2 += x2 * y[y0 + i + 2];
    a3 += x3 * y[y0 + i + 3];
    b0 += x0 * y[y1 + i];
    b1 += x1 * y[y1 + i + 1];
    b2 += x2 * y[y1 + i + 2];
    b3 += x3 * y[y1 + i + 3];
    c0 += x0 * y[y2 + i];
    c1 += x1 * y[y2 + i + 1];
    c2 += x2 * y[y2 + i + 2];
    c3 += x3 * y[y2 + i + 3];
    d0 += x0 * y[y3 + i];
    d1 += x1 * y[y3 + i + 1];
    d2 += x2 * y[y3 + i + 2];
    d3 += x3 * y[y3 + i + 3];
  }
  for (; i < length; i++) {
    const xi = x[xOffset + i];
    a0 += xi * y[y0 + i];
    b0 += xi * y[y1 + i];
    c0 += xi * y[y2 + i];
    d0 += xi * y[y3 + i];
  }
  out[outOffset] = a0 + a1 + (a2 + a3);
  out[outOffset + 1] = b0 + b1 + (b2 + b3);
  out[outOffset + 2] = c0 + c1 + (c2 + c3);
  out[outOffset + 3] = d0 + d1 + (d2 + d3);
}

/**
 * Rows `from` to `to` - 1 of the Gram matrix Qᵀ·W of two blocks of `width` column-major vectors of length
 * `length`, which is symmetric: row a computes the entries (a, b) for b ≥ a and stores each at (a, b) and
 * (b, a), so that ranges of rows write disjoint entries (threads can share the rows).
 */
export function gramRows(
  q: Float64Array,
  w: Float64Array,
  length: number,
  width: number,
  from: number,
  to: number,
  gram: Float64Array,
): void {
  const four = new Float64Array(4);
  for (let a = from; a < to; a++) {
    let b = a;
    for (; b + 4 <= width; b += 4) {
      dotFour(q, a * length, w, b * length, length, length, four, 0);
      for (let k = 0; k < 4; k++) gram[a * width + b + k] = gram[(b + k) * width + a] = four[k];
    }
    for (; b < width; b++) {
      const value = dot(q, a * length, w, b * length, length);
      gram[a * width + b] = value;
      gram[b * width + a] = value;
    }
  }
}

/**
 * Entries `from` to `to` - 1 of the `rank` Ritz vectors Q·W (column-major, length `length`) into `out`, as
 * dot products of the rows of Q (`qRows`: row-major `length x width`) with the eigenvectors (`vectors`:
 * row-major, one eigenvector of length `width` per row). Entries are independent: threads can share them.
 */
export function ritzEntries(
  qRows: Float64Array,
  vectors: Float64Array,
  length: number,
  width: number,
  rank: number,
  from: number,
  to: number,
  out: Float64Array,
): void {
  const four = new Float64Array(4);
  for (let i = from; i < to; i++) {
    let j = 0;
    for (; j + 4 <= rank; j += 4) {
      dotFour(qRows, i * width, vectors, j * width, width, width, four, 0);
      for (let k = 0; k < 4; k++) out[(j + k) * length + i] = four[k];
    }
    for (; j < rank; j++) out[j * length + i] = dot(qRows, i * width, vectors, j * width, width);
  }
}
