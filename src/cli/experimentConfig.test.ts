import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../core/datasets/demo/demoParser';
import { LsaEmbedder } from '../core/embedding/lsaEmbedder';
import { NoisyGoldTeacher } from '../core/teachers/noisyGoldTeacher';
import { browserRunConfig } from '../app/workers/browserRunConfig';
import { parseViewState } from '../app/url/urlState';
import { runSpecOfView } from '../app/url/viewRunSpec';
import type { ExperimentRequest } from '../app/workers/engineApi';
import { cliRunConfig } from './experimentConfig';
import { parseExperimentOptions } from './experimentOptions';

/** What differs by where a run ran, not by what it was: the driver, its machine and its output folder. */
const ENVIRONMENT = (
  'source versions dataset_location data_dir experiment_name output_dir save_tensors save_embeddings ' +
  'output_layout outputs embedding_batch_size'
).split(' ');

describe('config.json from the CLI and from the browser', () => {
  it('is the same record for the same run', () => {
    const options = parseExperimentOptions(
      '--dataset demo --embedding-model lsa-64 --teacher noisy-gold --teacher-noise 0.3 --num-steps 7 --lr 0.01 --random-seed 5'.split(
        ' ',
      ),
    );
    if (options === 'help') throw new Error('unexpected');
    // The same run as the app's link names it.
    const view = parseViewState('?embedding=lsa-64&teacher=noisy-gold&noise=0.3&steps=7&lr=0.01&seed=5');
    const source = { kind: 'builtin', name: 'demo' } as const;
    const request: ExperimentRequest = {
      source,
      spec: runSpecOfView(view, source),
      origin: 'http://127.0.0.1:5173',
    };
    const dataset = buildDemoDataset();
    const embedder = new LsaEmbedder({ dims: 64, seed: 5 });
    const teacher = new NoisyGoldTeacher(0.3, 5);
    const types = options.method.computationTypes;
    const backend = { name: 'cpu', adapter: 'JavaScript' };
    const now = new Date('2026-01-02T03:04:05Z');
    const cli = cliRunConfig(options, {
      dataset,
      location: 'built-in',
      dataDir: null,
      maxDocuments: Infinity,
      embedder,
      teacher,
      types,
      backend,
      llmVia: null,
      now,
    });
    const browser = browserRunConfig(request, request.spec, {
      dataset,
      embedder,
      teacher,
      types,
      backend,
      optimizerImplementation: 'cpu-kernel',
      tfjsVersion: '4.22.0',
      now,
    });
    const runOnly = (config: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(config).filter(([key]) => !ENVIRONMENT.includes(key)));
    // The same keys in the same order, and the same values for everything that defines the run.
    expect(Object.keys(browser)).toEqual(Object.keys(cli));
    expect(JSON.stringify(runOnly(browser))).toBe(JSON.stringify(runOnly(cli)));
    expect(cli).toMatchObject({ source: 'cli', dataset_spec: 'demo', teacher_noise: 0.3, num_steps: 7 });
    expect(browser.source).toBe('browser');
  });
});
