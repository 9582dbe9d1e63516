/**
 * Inner loops of the dense linear algebra, on vectors stored at offsets of flat Float64Arrays. The dot
 * product keeps four partial sums so that it is not bound by the latency of one chain of additions.
 */

/** Σ x[xOffset + i] · y[yOffset + i] for i < length. */
export function dot(
  x: Float64Array,
  xOffset: number,
  y: Float64Array,
  yOffset: number,
  length: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += x[xOffset + i] * y[yOffset + i];
    s1 += x[xOffset + i + 1] * y[yOffset + i + 1];
    s2 += x[xOffset + i + 2] * y[yOffset + i + 2];
    s3 += x[xOffset + i + 3] * y[yOffset + i + 3];
  }
  for (; i < length; i++) s0 += x[xOffset + i] * y[yOffset + i];
  return s0 + s1 + (s2 + s3);
}

/** y[yOffset + i] += a · x[xOffset + i] for i < length. */
export function axpy(
  a: number,
  x: Float64Array,
  xOffset: number,
  y: Float64Array,
  yOffset: number,
  length: number,
): void {
  for (let i = 0; i < length; i++) y[yOffset + i] += a * x[xOffset + i];
}

/**
 * `axpy` then `dot(z, zOffset, y, yOffset, length)` in one pass: y += a · x, returning z · y over the
 * updated y, summed with `dot`'s four partial sums in its order, so bit for bit the two calls.
 */
export function axpyDot(
  a: number,
  x: Float64Array,
  xOffset: number,
  y: Float64Array,
  yOffset: number,
  z: Float64Array,
  zOffset: number,
  length: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const y0 = (y[yOffset + i] += a * x[xOffset + i]);
    const y1 = (y[yOffset + i + 1] += a * x[xOffset + i + 1]);
    const y2 = (y[yOffset + i + 2] += a * x[xOffset + i + 2]);
    const y3 = (y[yOffset + i + 3] += a * x[xOffset + i + 3]);
    s0 += z[zOffset + i] * y0;
    s1 += z[zOffset + i + 1] * y1;
    s2 += z[zOffset + i + 2] * y2;
    s3 += z[zOffset + i + 3] * y3;
  }
  for (; i < length; i++) {
    const yi = (y[yOffset + i] += a * x[xOffset + i]);
    s0 += z[zOffset + i] * yi;
  }
  return s0 + s1 + (s2 + s3);
}
