import type { SeededRandom } from '../rng';
import { axpy, axpyDot, dot } from './vectorKernels';

/** Below this fraction of its original norm, a column is taken to lie in the span of the earlier ones. */
const DEPENDENT = 1e-10;
/** Columns orthogonalised together in the first pass, so that each earlier column is read once per group. */
export const GROUP = 4;

/**
 * Orthonormalises, in place, the `count` column-major vectors of length `length` in `block` (the Q of a
 * thin QR), by modified Gram–Schmidt with a second pass whenever a column lost more than half its norm
 * ("twice is enough"). A column that is (numerically) in the span of the earlier ones is replaced by a
 * Gaussian vector from `rng`, so that the result is always orthonormal and spans at least the input.
 * The first pass treats columns four at a time (the same arithmetic per column, fewer memory reads).
 * The work of each group of four columns is split into the steps below, which a schedule over two
 * threads (svdShares.ts) runs in the same order per column.
 */
export function orthonormalizeColumns(
  block: Float64Array,
  length: number,
  count: number,
  rng: SeededRandom,
): void {
  checkBlockShape(length, count);
  const references = new Float64Array(GROUP);
  const products = new Float64Array(GROUP);
  for (let first = 0; first < count; first += GROUP) {
    columnNorms(block, length, count, first, references);
    if (isFullGroup(count, first)) projectFourOutOf(block, length, first, 0, first, products);
    finishGroup(block, length, count, first, references, rng);
  }
}

/** Refuses more vectors than their length (they cannot be orthonormal). */
export function checkBlockShape(length: number, count: number): void {
  if (count > length) throw new Error(`orthonormalizeColumns: ${count} vectors of length ${length}`);
}

/** Whether the group starting at column `first` has four columns (its first pass is `projectFourOutOf`). */
export function isFullGroup(count: number, first: number): boolean {
  return count - first >= GROUP;
}

/** The norms, before any pass, of the columns of the group starting at `first` (into `references`). */
export function columnNorms(
  block: Float64Array,
  length: number,
  count: number,
  first: number,
  references: Float64Array,
): void {
  for (let j = first, end = Math.min(first + GROUP, count); j < end; j++)
    references[j - first] = columnNorm(block, length, j);
}

/**
 * Completes the group starting at column `first`, once columns 0 to `first` - 1 are final: the first pass
 * of a group of fewer than four columns, then for each column the pass against the earlier columns of the
 * group and `finishColumn`.
 */
export function finishGroup(
  block: Float64Array,
  length: number,
  count: number,
  first: number,
  references: Float64Array,
  rng: SeededRandom,
): void {
  const end = Math.min(first + GROUP, count);
  if (!isFullGroup(count, first)) for (let j = first; j < end; j++) projectOut(block, length, 0, first, j);
  for (let j = first; j < end; j++) {
    projectOut(block, length, first, j, j);
    finishColumn(block, length, j, references[j - first], rng);
  }
}

/**
 * Completes column `j` after its first Gram–Schmidt pass (`reference`: its norm before): a second pass
 * if it lost more than half its norm, a random replacement if it was dependent, then unit length.
 */
function finishColumn(
  block: Float64Array,
  length: number,
  j: number,
  reference: number,
  rng: SeededRandom,
): void {
  let norm = secondPassIfNeeded(block, length, j, reference);
  for (let attempt = 1; !(norm > DEPENDENT * reference); attempt++) {
    if (attempt > 10) throw new Error('orthonormalizeColumns: could not complete the basis');
    for (let i = j * length, end = i + length; i < end; i++) block[i] = rng.normal();
    reference = columnNorm(block, length, j);
    projectOut(block, length, 0, j, j);
    norm = secondPassIfNeeded(block, length, j, reference);
  }
  const scale = 1 / norm;
  for (let i = j * length, end = i + length; i < end; i++) block[i] *= scale;
}

/** Column `j`'s norm, after a second pass against columns 0..j-1 if the first one removed over half. */
function secondPassIfNeeded(block: Float64Array, length: number, j: number, before: number): number {
  const after = columnNorm(block, length, j);
  if (after > 0.5 * before) return after;
  projectOut(block, length, 0, j, j);
  return columnNorm(block, length, j);
}

/**
 * Removes from column `j` its components along the (orthonormal) columns `from` to `to` - 1, in order: for
 * each, `dot` then `axpy`, the dot with the next column summed in the same pass as the update (`axpyDot`),
 * which gives bit for bit the results of separate passes.
 */
function projectOut(block: Float64Array, length: number, from: number, to: number, j: number): void {
  if (from >= to) return;
  const target = j * length;
  let projection = dot(block, from * length, block, target, length);
  for (let k = from; k < to; k++) {
    const source = k * length;
    const next = k + 1 < to ? source + length : -1;
    if (projection === 0 || next < 0) {
      // Nothing to remove (the next product reads the column as it is), or no next column to sum.
      if (projection !== 0) axpy(-projection, block, source, block, target, length);
      if (next >= 0) projection = dot(block, next, block, target, length);
      continue;
    }
    projection = axpyDot(-projection, block, source, block, target, block, next, length);
  }
}

/**
 * Removes from each of the columns `first` to `first + 3` its components along the (unit) columns `from` to
 * `to` - 1, one after the other: the columns 0 to `first` - 1 in one call or in consecutive ranges (the
 * first pass of a group as the earlier columns become final). The products with column k + 1 are summed in
 * the same pass that updates the four columns for column k: each of them reads the updated values in the
 * same order as a pass of its own would, so the results are bit for bit those of two passes per column, in
 * half the reads. `products` carries the four products with column `from` from the previous range to the
 * next; a range that ends before `first` also reads column `to` (for those products).
 */
export function projectFourOutOf(
  block: Float64Array,
  length: number,
  first: number,
  from: number,
  to: number,
  products: Float64Array,
): void {
  if (from >= to) return;
  const t0 = first * length;
  const t1 = t0 + length;
  const t2 = t1 + length;
  const t3 = t2 + length;
  let d0 = products[0];
  let d1 = products[1];
  let d2 = products[2];
  let d3 = products[3];
  if (from === 0) {
    d0 = d1 = d2 = d3 = 0;
    for (let i = 0; i < length; i++) {
      const x = block[i];
      d0 += x * block[t0 + i];
      d1 += x * block[t1 + i];
      d2 += x * block[t2 + i];
      d3 += x * block[t3 + i];
    }
  }
  for (let k = from; k < to; k++) {
    const s = k * length;
    // The next column's products (none after the last column).
    const next = k + 1 < first ? s + length : -1;
    let e0 = 0;
    let e1 = 0;
    let e2 = 0;
    let e3 = 0;
    for (let i = 0; i < length; i++) {
      const x = block[s + i];
      const a = block[t0 + i] - d0 * x;
      const b = block[t1 + i] - d1 * x;
      const c = block[t2 + i] - d2 * x;
      const d = block[t3 + i] - d3 * x;
      block[t0 + i] = a;
      block[t1 + i] = b;
      block[t2 + i] = c;
      block[t3 + i] = d;
      if (next >= 0) {
        const y = block[next + i];
        e0 += y * a;
        e1 += y * b;
        e2 += y * c;
        e3 += y * d;
      }
    }
    d0 = e0;
    d1 = e1;
    d2 = e2;
    d3 = e3;
  }
  products[0] = d0;
  products[1] = d1;
  products[2] = d2;
  products[3] = d3;
}

function columnNorm(block: Float64Array, length: number, j: number): number {
  return Math.sqrt(dot(block, j * length, block, j * length, length));
}
