import * as tf from '@tensorflow/tfjs-core';

/** The floor on a vector norm in every cosine of the engine: cosine = dot / max(|a||b|, 1e-8). */
export const COSINE_EPS = 1e-8;

/**
 * Each row divided by its L2 norm, the norm floored at 1e-8: then cosine = (a/|a|) · (b/|b|), which equals
 * dot / max(|a||b|, 1e-8) except for exactly-zero vectors, where both give 0.
 */
export function normaliseRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), COSINE_EPS));
}
