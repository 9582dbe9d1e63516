/**
 * The score a what-if flip gives a sampled document: a clearly relevant score when the teacher called it
 * not relevant, a clearly irrelevant one otherwise — on the teacher's own scale (0/1 labels, P(yes),
 * 0–100 ratings, logits around 0), never less extreme than the scores the teacher gave.
 */
export function flippedScore(score: number | null, scores: (number | null)[], threshold: number): number {
  const known = scores.filter((s): s is number => s !== null);
  const span = threshold >= 1 ? threshold : threshold === 0 ? 5 : 0.5;
  const low = Math.min(...known, threshold - span);
  const high = Math.max(...known, threshold + span);
  return score !== null && score > threshold ? low : high;
}
