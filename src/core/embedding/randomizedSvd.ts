import { throwIfAborted, type LongTaskOptions } from '../progress';
import { SeededRandom } from '../rng';
import type { LinearOperator } from './linearOperator';
import { sequentialSvdKernels, type SvdKernels } from './svdKernels';
import { symmetricEigen } from './symmetricEigen';
import { yieldToEventLoop } from '../yieldToEventLoop';

export interface RandomizedSvdOptions extends LongTaskOptions {
  /** Seed of the Gaussian test matrix (default 0). */
  seed?: number;
  /** Extra random directions beyond the requested rank (default 10). */
  oversamples?: number;
  /** Subspace (power) iterations, each one product with M·Mᵀ (default 4). */
  powerIterations?: number;
  /** Stage name in progress events (default 'randomized SVD'). */
  stage?: string;
  /**
   * Dense kernels, and the blocks given to the operator (default: on this thread); with kernels on several
   * threads, give an operator that shares its products between them too (see `LsaParallelism`).
   */
  kernels?: SvdKernels;
}

export interface TruncatedSvd {
  /** Number of singular triplets: min(requested, rows, cols). */
  rank: number;
  /** Descending, length `rank`. */
  singularValues: Float64Array;
  /** Row-major rank x rows: row j is the left singular vector u_j. */
  leftVectors: Float64Array;
  /** Row-major rank x cols: row j is the right singular vector v_j (scikit-learn's `components_`). */
  components: Float64Array;
}

/** Singular values below this fraction of the largest are treated as zero (their v or u is left zero). */
const NEGLIGIBLE = 1e-10;

/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011, as scikit-learn's `randomized_svd`): a
 * seeded Gaussian test matrix, subspace iteration with QR re-orthonormalisation after every product
 * with M·Mᵀ, then the small SVD through the Jacobi eigen-decomposition of B·Bᵀ (B = Qᵀ M). All dense
 * work is done on the shorter side of M, so a corpus of many short documents costs O(terms · l²), with
 * l = rank + oversamples. Signs follow scikit-learn's `svd_flip(u_based_decision=False)`: the entry of
 * largest magnitude of each component is positive. Deterministic for a seed.
 */
export async function randomizedSvd(
  operator: LinearOperator,
  requestedRank: number,
  options: RandomizedSvdOptions = {},
): Promise<TruncatedSvd> {
  const { signal, onProgress } = options;
  const oversamples = options.oversamples ?? 10;
  const powerIterations = options.powerIterations ?? 4;
  const stage = options.stage ?? 'randomized SVD';
  const rank = Math.min(requestedRank, operator.rows, operator.cols);
  if (!Number.isInteger(requestedRank) || rank < 1) {
    throw new Error(
      `randomizedSvd: cannot take ${requestedRank} components of a ${operator.rows}x${operator.cols} matrix`,
    );
  }

  // N is M or Mᵀ, whichever has fewer rows; Q lives in that short space.
  const shortIsRows = operator.rows <= operator.cols;
  const shortLength = shortIsRows ? operator.rows : operator.cols;
  const longLength = shortIsRows ? operator.cols : operator.rows;
  const applyN = (block: Float64Array, count: number) =>
    shortIsRows ? operator.multiply(block, count) : operator.multiplyTransposed(block, count);
  const applyNt = (block: Float64Array, count: number) =>
    shortIsRows ? operator.multiplyTransposed(block, count) : operator.multiply(block, count);
  const width = Math.min(rank + oversamples, shortLength);

  const total = powerIterations + 2;
  const step = async (done: number) => {
    onProgress?.({ stage, done, total });
    await yieldToEventLoop();
    throwIfAborted(signal);
  };
  throwIfAborted(signal);

  const kernels = options.kernels ?? sequentialSvdKernels;
  const rng = new SeededRandom(options.seed ?? 0);
  const omega = kernels.normal(longLength * width, rng);
  let q = applyN(omega, width);
  kernels.orthonormalizeColumns(q, shortLength, width, rng);
  await step(1);
  for (let iteration = 0; iteration < powerIterations; iteration++) {
    q = applyN(applyNt(q, width), width);
    kernels.orthonormalizeColumns(q, shortLength, width, rng);
    await step(2 + iteration);
  }

  // B·Bᵀ = Qᵀ N Nᵀ Q, formed in the short space.
  const w = applyN(applyNt(q, width), width);
  const gram = kernels.gram(q, w, shortLength, width);
  const eigen = symmetricEigen(gram, width);

  const singularValues = new Float64Array(rank);
  for (let j = 0; j < rank; j++) singularValues[j] = Math.sqrt(Math.max(eigen.values[j], 0));
  // Ritz vectors Q·W (W: the leading eigenvectors), as dot products over rows of Q.
  const qRows = transpose(q, width, shortLength, kernels.allocate(q.length));
  const shortVectors = kernels.ritzVectors(qRows, eigen.vectors, shortLength, width, rank);
  const longVectors = applyNt(shortVectors, rank);
  for (let j = 0; j < rank; j++) {
    const sigma = singularValues[j];
    const scale = sigma > NEGLIGIBLE * singularValues[0] ? 1 / sigma : 0;
    for (let i = j * longLength, end = i + longLength; i < end; i++) longVectors[i] *= scale;
  }

  const leftVectors = shortIsRows ? shortVectors : longVectors;
  const components = shortIsRows ? longVectors : shortVectors;
  flipSigns(components, leftVectors, rank, operator.cols, operator.rows);
  onProgress?.({ stage, done: total, total });
  return { rank, singularValues, leftVectors, components };
}

/** Makes the largest-magnitude entry of each component positive, flipping its left vector with it. */
function flipSigns(
  components: Float64Array,
  left: Float64Array,
  rank: number,
  cols: number,
  rows: number,
): void {
  for (let j = 0; j < rank; j++) {
    let best = 0;
    for (let i = j * cols, end = i + cols; i < end; i++) {
      if (Math.abs(components[i]) > Math.abs(best)) best = components[i];
    }
    if (best >= 0) continue;
    for (let i = j * cols, end = i + cols; i < end; i++) components[i] = -components[i];
    for (let i = j * rows, end = i + rows; i < end; i++) left[i] = -left[i];
  }
}

/** The transpose of a row-major `rows x cols` matrix, into `out`. */
function transpose(data: Float64Array, rows: number, cols: number, out: Float64Array): Float64Array {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}
