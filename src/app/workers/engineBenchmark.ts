import type { BackendInfo } from '../../core/compute/backend';
import { createEmbedder } from '../../core/embedding/embedderFactory';
import { matrix, row } from '../../core/matrix';
import { fitProjection } from '../../core/projection/umapProjection';
import {
  chooseImplementation,
  refineQueries,
  type RefineImplementation,
  type RefineImplementationName,
  type RefinementProblem,
} from '../../core/refine/optimizer';
import { CorpusScorer, gatherCandidateScores } from '../../core/refine/rescoring';
import { sampleForTeacher } from '../../core/refine/sampling';
import { loadDatasetSource } from '../data/datasetSource';

export interface BrowserBenchmark {
  backend: BackendInfo;
  dataset: string;
  documents: number;
  queries: number;
  embedding: string;
  /** LSA fit + embedding every document and query. */
  embed_ms: number;
  /** UMAP of every document (neighbours on the backend, layout in JS). */
  project_ms: number;
  /** 100 Adam steps for one query, then for every query at once (K = 20), as the app runs them. */
  refine_one_ms: number;
  refine_all_ms: number;
  /** The optimizer implementation the app picks on this backend (refineQueries' `auto`). */
  refine_implementation: RefineImplementationName;
  /** refine_all_ms for each implementation that runs on this backend. */
  refine_all_ms_by_implementation: Partial<Record<RefineImplementationName, number>>;
}

/**
 * Times the explorer's stages on the built-in demo inside the worker, on the backend already initialised.
 * Each refinement runs once to warm up (shader compilation) before it is timed.
 */
export async function benchmarkDemo(
  backend: BackendInfo,
  embeddingModel = 'lsa-64',
): Promise<BrowserBenchmark> {
  const seed = 42;
  const dataset = await loadDatasetSource({ kind: 'builtin', name: 'demo' }, {});
  const embedder = createEmbedder(embeddingModel, seed);
  let start = performance.now();
  const texts = dataset.documents.map((d) => d.text);
  await embedder.fit(texts);
  const docs = await embedder.embedDocuments(texts);
  const queries = await embedder.embedQueries(dataset.queries.map((q) => q.text));
  const embedMs = performance.now() - start;

  start = performance.now();
  await fitProjection(docs, { seed });
  const projectMs = performance.now() - start;

  const scorer = new CorpusScorer(docs);
  const all = await scorer.scoreAll(queries);
  scorer.dispose();
  const problems: RefinementProblem[] = dataset.queries.map((q, i) => {
    const sampled = sampleForTeacher(gatherCandidateScores(all, i, q.candidates), {
      totalScores: 20,
      scoresFromTop: 20,
      seed,
    });
    const sampledDocs = matrix(sampled.length, docs.cols);
    sampled.forEach((c, r) => sampledDocs.data.set(row(docs, q.candidates[c]), r * docs.cols));
    return {
      query: Float32Array.from(row(queries, i)),
      docs: sampledDocs,
      teacherScores: Float32Array.from(sampled, (c) => (q.labels[c] > 0 ? 1 : 0)),
    };
  });
  const params = { lr: 1e-4, numSteps: 100, refit: false, recordEvery: 0 };
  const time = async (batch: RefinementProblem[], implementation: RefineImplementation = 'auto') => {
    await refineQueries(batch, params, { implementation });
    const t = performance.now();
    await refineQueries(batch, params, { implementation });
    return performance.now() - t;
  };
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const implementations: RefineImplementationName[] =
    backend.name === 'webgpu' ? ['cpu-kernel', 'webgpu-kernel', 'autodiff'] : ['cpu-kernel', 'autodiff'];
  const byImplementation: Partial<Record<RefineImplementationName, number>> = {};
  for (const implementation of implementations)
    byImplementation[implementation] = round(await time(problems, implementation));
  return {
    backend,
    dataset: dataset.name,
    documents: dataset.documents.length,
    queries: dataset.queries.length,
    embedding: embedder.id,
    embed_ms: round(embedMs),
    project_ms: round(projectMs),
    refine_one_ms: round(await time(problems.slice(0, 1))),
    refine_all_ms: round(await time(problems)),
    refine_implementation: chooseImplementation(),
    refine_all_ms_by_implementation: byImplementation,
  };
}
