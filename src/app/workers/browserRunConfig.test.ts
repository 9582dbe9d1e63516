import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../core/datasets/demo/demoParser';
import { LsaEmbedder } from '../../core/embedding/lsaEmbedder';
import { parseConfig } from '../../core/experiment/runRecord';
import { runSpecOf } from '../../core/experiment/runSpec';
import { GoldTeacher } from '../../core/teachers/goldTeacher';
import { parseViewState, serializeViewState } from '../url/urlState';
import { runSpecOfView } from '../url/viewRunSpec';
import { browserRunConfig } from './browserRunConfig';
import type { ExperimentRequest } from './engineApi';

describe('a browser run of a link', () => {
  it('records the RunSpec of the link: config.json reads back to the same spec, and to the same link', () => {
    const link =
      '?embedding=lsa-32&teacher=llm%3AOpenAI%2Fgpt-4o-mini&mode=verbalized&hyde=OpenAI%2Fgpt-4o-mini' +
      '&refit=1&steps=50&total=30&top=10&seed=7';
    const view = parseViewState(link);
    const source = { kind: 'builtin', name: 'demo' } as const;
    const request: ExperimentRequest = { source, spec: runSpecOfView(view, source), origin: 'http://x' };
    const config = browserRunConfig(request, request.spec, {
      dataset: buildDemoDataset(),
      embedder: new LsaEmbedder({ dims: 32, seed: 7 }),
      teacher: new GoldTeacher(),
      types: request.spec.method.computationTypes,
      backend: { name: 'cpu', adapter: 'JavaScript' },
      optimizerImplementation: 'cpu-kernel',
      tfjsVersion: '4.22.0',
      now: new Date(0),
    });
    const spec = runSpecOf(parseConfig(JSON.parse(JSON.stringify(config))));
    expect(spec).toEqual(request.spec);
    const { thinking, ...viewRun } = spec;
    expect(thinking).toBe('reference');
    expect(serializeViewState({ ...view, ...viewRun, hydeModel: viewRun.hydeModel ?? '' })).toBe(link);
  });
});
