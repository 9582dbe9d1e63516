/**
 * For tests: the math of DESIGN.md written out plainly, so that tests check the engine's numbers against
 * values computed independently of it rather than with its own functions.
 */

/** softmax(xs), with the maximum subtracted first so that large values do not overflow. */
export function softmax(xs: readonly number[]): number[] {
  const max = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** ReFIT's min-max normalisation: (x − min) / (max − min + 1e-8). */
export function minMax(xs: readonly number[]): number[] {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return xs.map((x) => (x - lo) / (hi - lo + 1e-8));
}

/** Cosine similarity as the engine defines it: a·b / max(|a||b|, 1e-8). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-8);
}
