export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors, row-major n x n: row `j` is the unit eigenvector of `values[j]`. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric row-major `n x n` matrix by the cyclic Jacobi method (rotations
 * until the off-diagonal part is below 1e-15 of the matrix's Frobenius norm). O(n³) per sweep: meant
 * for the few-hundred-square matrices of randomized SVD.
 */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: ${matrix.length} values for ${n}x${n}`);
  const a = Float64Array.from(matrix);
  // Rows of `v` are the eigenvectors being accumulated (Vᵀ), so that each rotation touches two rows.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let frobenius2 = 0;
  for (let i = 0; i < n * n; i++) frobenius2 += a[i] * a[i];
  const tolerance2 = 1e-30 * frobenius2;

  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= tolerance2) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Skip rotations that would not change the diagonal at working precision.
        if (Math.abs(apq) * 1e18 < Math.abs(app) && Math.abs(apq) * 1e18 < Math.abs(aqq)) {
          a[p * n + q] = a[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = a[p * n + k];
          const akq = a[q * n + k];
          const np = c * akp - s * akq;
          const nq = s * akp + c * akq;
          a[p * n + k] = np;
          a[k * n + p] = np;
          a[q * n + k] = nq;
          a[k * n + q] = nq;
        }
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        const rp = p * n;
        const rq = q * n;
        for (let k = 0; k < n; k++) {
          const vp = v[rp + k];
          const vq = v[rq + k];
          v[rp + k] = c * vp - s * vq;
          v[rq + k] = s * vp + c * vq;
        }
      }
    }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i] || i - j);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((i, j) => vectors.set(v.subarray(i * n, (i + 1) * n), j * n));
  return { values, vectors };
}
