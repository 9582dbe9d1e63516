import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend';
import { buildDemoDataset } from '../datasets/demo/demoParser';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import { matrix, row } from '../matrix';
import { CorpusScorer } from '../refine/rescoring';
import { DEFAULT_METHOD } from './config';
import { candidateScores, refinementProblem, teacherItems, teacherSamples } from './pipelineStages';

describe('the stages of a run', () => {
  beforeAll(() => initBackend('cpu'));

  it('rank and sample one query alone as in a batch of all (what the latency report relies on)', async () => {
    const dataset = buildDemoDataset();
    const embedder = new LsaEmbedder({ dims: 16, seed: 1 });
    const texts = dataset.documents.map((d) => d.text);
    await embedder.fit(texts);
    const docs = await embedder.embedDocuments(texts);
    const queries = await embedder.embedQueries(dataset.queries.map((q) => q.text));
    const scorer = new CorpusScorer(docs);
    try {
      const method = { ...DEFAULT_METHOD, totalScores: 6, scoresFromTop: 2 };
      const all = teacherSamples(await candidateScores(scorer, queries, dataset.queries), method);
      const q = dataset.queries[4];
      const alone = teacherSamples(
        await candidateScores(scorer, matrix(1, queries.cols, row(queries, 4)), [q]),
        method,
      );
      expect(alone).toEqual([all[4]]);
      const [item] = teacherItems(dataset, [q], alone);
      expect(item.queryId).toBe(q.id);
      expect(item.documents.map((d) => d.goldLabel)).toEqual(Array.from(alone[0], (c) => q.labels[c]));
      expect(item.documents[0].id).toBe(dataset.documents[q.candidates[alone[0][0]]].id);
    } finally {
      scorer.dispose();
    }
  });

  it('leave documents the teacher could not score out of the loss, and keep an unscored query still', () => {
    const docs = matrix(3, 2, Float32Array.of(1, 0, 0, 1, 1, 1));
    const query = Float32Array.of(0.5, 0.5);
    const candidates = Int32Array.of(2, 0, 1);
    const sampled = Int32Array.of(0, 1, 2);
    const problem = refinementProblem(candidates, sampled, [0.9, null, NaN], query, docs);
    expect(Array.from(problem.docs.data)).toEqual([1, 1]);
    expect(Array.from(problem.teacherScores)).toEqual([Math.fround(0.9)]);
    const none = refinementProblem(candidates, sampled, [null, null, null], query, docs);
    expect(Array.from(none.docs.data)).toEqual(Array.from(query));
    expect(Array.from(none.teacherScores)).toEqual([0]);
  });
});
