import type { Pooling } from './modelRegistry';

/**
 * One vector per text from a model's token vectors `hidden` ([batch, sequence, hidden], row-major) and the
 * attention mask ([batch, sequence], 1 for real tokens): `mean` over real tokens, `cls` (the first token) or
 * `last_token` (the last real token, whichever side the tokenizer pads on). L2-normalised if `normalize`.
 */
export function poolTokens(
  hidden: Float32Array,
  dims: readonly number[],
  mask: ArrayLike<number | bigint>,
  pooling: Pooling,
  normalize: boolean,
): Float32Array {
  const [batch, sequence, width] = dims;
  if (dims.length !== 3 || hidden.length !== batch * sequence * width)
    throw new Error(`expected token vectors [batch, sequence, hidden], got [${dims.join(', ')}]`);
  const out = new Float32Array(batch * width);
  const real = (b: number, s: number) => Number(mask[b * sequence + s]) !== 0;
  for (let b = 0; b < batch; b++) {
    const target = out.subarray(b * width, (b + 1) * width);
    if (pooling === 'mean') {
      let count = 0;
      for (let s = 0; s < sequence; s++) {
        if (!real(b, s)) continue;
        count++;
        const offset = (b * sequence + s) * width;
        for (let h = 0; h < width; h++) target[h] += hidden[offset + h];
      }
      if (count > 0) for (let h = 0; h < width; h++) target[h] /= count;
    } else {
      let s = 0;
      if (pooling === 'last_token') {
        s = sequence - 1;
        while (s > 0 && !real(b, s)) s--;
      }
      target.set(hidden.subarray((b * sequence + s) * width, (b * sequence + s + 1) * width));
    }
    if (normalize) {
      let norm = 0;
      for (let h = 0; h < width; h++) norm += target[h] * target[h];
      norm = Math.sqrt(norm);
      if (norm > 1e-12) for (let h = 0; h < width; h++) target[h] /= norm;
    }
  }
  return out;
}
