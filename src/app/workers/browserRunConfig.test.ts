import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../core/datasets/demo/demoParser';
import { LsaEmbedder } from '../../core/embedding/lsaEmbedder';
import { resolveEmbeddingModel } from '../../core/embedding/modelRegistry';
import { TransformersEmbedder } from '../../core/embedding/transformersEmbedder';
import type { Embedder } from '../../core/embedding/types';
import { parseConfig } from '../../core/experiment/runRecord';
import { runSpecOf } from '../../core/experiment/runSpec';
import { GoldTeacher } from '../../core/teachers/goldTeacher';
import { parseViewState, serializeViewState } from '../url/urlState';
import { runSpecOfView, viewRunOf } from '../url/viewRunSpec';
import { browserRunConfig } from './browserRunConfig';
import type { ExperimentRequest } from './engineApi';

/** What a browser run of `link` on the demo records, with the embedder the worker would have built. */
function recordOfLink(link: string, embedder: Embedder) {
  const view = parseViewState(link);
  const source = { kind: 'builtin', name: 'demo' } as const;
  const request: ExperimentRequest = { source, spec: runSpecOfView(view, source), origin: 'http://x' };
  const config = browserRunConfig(request, request.spec, {
    dataset: buildDemoDataset(),
    embedder,
    teacher: new GoldTeacher(),
    types: request.spec.method.computationTypes,
    backend: { name: 'cpu', adapter: 'JavaScript' },
    optimizerImplementation: 'cpu-kernel',
    tfjsVersion: '4.22.0',
    now: new Date(0),
  });
  // As config.json reads back.
  const spec = runSpecOf(parseConfig(JSON.parse(JSON.stringify(config))));
  return { view, request, config, spec };
}

describe('a browser run of a link', () => {
  it('records the RunSpec of the link: config.json reads back to the same spec, and to the same link', () => {
    const link =
      '?embedding=lsa-32&teacher=llm%3AOpenAI%2Fgpt-4o-mini&mode=verbalized&hyde=OpenAI%2Fgpt-4o-mini' +
      '&refit=1&steps=50&total=30&top=10&seed=7';
    const { view, request, spec } = recordOfLink(link, new LsaEmbedder({ dims: 32, seed: 7 }));
    expect(spec).toEqual(request.spec);
    const { thinking, ...viewRun } = spec;
    expect(thinking).toBe('reference');
    expect(serializeViewState({ ...view, ...viewRun, hydeModel: viewRun.hydeModel ?? '' })).toBe(link);
  });

  it("records a neural embedder's dtype and pooling, and reads back to the same link", () => {
    const model = 'Xenova/all-MiniLM-L6-v2';
    const link = `?embedding=${encodeURIComponent(model)}&dtype=fp16&pooling=cls&steps=5&device=wasm`;
    const { view, request, config, spec } = recordOfLink(
      link,
      new TransformersEmbedder(resolveEmbeddingModel(model, { pooling: 'cls' }), { dtype: 'fp16' }),
    );
    expect(config).toMatchObject({ embedding_dtype: 'fp16', embedding_pooling_spec: 'cls' });
    // A gold teacher has no scoring mode to record.
    expect(spec).toEqual({ ...request.spec, teacherMode: undefined });
    expect(serializeViewState({ ...view, ...viewRunOf(spec) })).toBe(link);
  });
});
