export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors, row-major n x n: row `j` is the unit eigenvector of `values[j]`. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric row-major `n x n` matrix by the cyclic Jacobi method (rotations
 * until the off-diagonal part is below 1e-15 of the matrix's Frobenius norm). O(n³) per sweep: meant
 * for the few-hundred-square matrices of randomized SVD. The rotations keep only the upper triangle (half
 * the writes of updating both; the same arithmetic, so the same bits).
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
          a[p * n + q] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // Only the upper triangle is kept: element (i, j) of the symmetric matrix, i < j, at a[i * n + j].
        // k < p: column entries of both rows.
        for (let k = 0, kp = p, kq = q; k < p; k++, kp += n, kq += n) {
          const akp = a[kp];
          const akq = a[kq];
          a[kp] = c * akp - s * akq;
          a[kq] = s * akp + c * akq;
        }
        // p < k < q: row p's entry and column q's.
        for (let k = p + 1, pk = p * n + k, kq = k * n + q; k < q; k++, pk++, kq += n) {
          const akp = a[pk];
          const akq = a[kq];
          a[pk] = c * akp - s * akq;
          a[kq] = s * akp + c * akq;
        }
        // k > q: entries of both rows.
        for (let k = q + 1, pk = p * n + k, qk = q * n + k; k < n; k++, pk++, qk++) {
          const akp = a[pk];
          const akq = a[qk];
          a[pk] = c * akp - s * akq;
          a[qk] = s * akp + c * akq;
        }
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
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
