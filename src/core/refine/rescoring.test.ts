import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../compute/backend';
import { matrix } from '../matrix';
import { CorpusScorer, gatherCandidateScores } from './rescoring';
import { SeededRandom } from '../rng';

describe('CorpusScorer', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('computes every cosine in blocks exactly as a plain loop', async () => {
    const rng = new SeededRandom(3);
    const docs = matrix(
      37,
      8,
      Float32Array.from({ length: 37 * 8 }, () => rng.normal()),
    );
    docs.data.fill(0, 8, 16); // a zero document scores 0
    const queries = matrix(
      5,
      8,
      Float32Array.from({ length: 40 }, () => rng.normal()),
    );
    const before = tf.memory().numTensors;
    const scorer = new CorpusScorer(docs);
    const all = await scorer.scoreAll(queries, 2);
    scorer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (let q = 0; q < 5; q++)
      for (let n = 0; n < 37; n++) {
        let dot = 0,
          qq = 0,
          dd = 0;
        for (let i = 0; i < 8; i++) {
          dot += queries.data[q * 8 + i] * docs.data[n * 8 + i];
          qq += queries.data[q * 8 + i] ** 2;
          dd += docs.data[n * 8 + i] ** 2;
        }
        expect(all.data[q * 37 + n]).toBeCloseTo(dot / Math.max(Math.sqrt(qq * dd), 1e-8), 5);
      }
    expect(Array.from(gatherCandidateScores(all, 2, Int32Array.from([4, 1])))).toEqual([
      all.data[2 * 37 + 4],
      0,
    ]);
  });
});
