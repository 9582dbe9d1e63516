import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../core/datasets/demo/demoParser';
import { LsaEmbedder } from '../core/embedding/lsaEmbedder';
import { NoisyGoldTeacher } from '../core/teachers/noisyGoldTeacher';
import { browserRunConfig } from '../app/workers/browserRunConfig';
import { parseViewState } from '../app/url/urlState';
import { runSpecOfView } from '../app/url/viewRunSpec';
import type { ExperimentRequest } from '../app/workers/engineApi';
import { resolveEmbeddingModel } from '../core/embedding/modelRegistry';
import { TransformersEmbedder } from '../core/embedding/transformersEmbedder';
import type { Embedder } from '../core/embedding/types';
import { runSpecOf } from '../core/experiment/runSpec';
import { GoldTeacher } from '../core/teachers/goldTeacher';
import type { Teacher } from '../core/teachers/types';
import { cliRunConfig } from './experimentConfig';
import { flagOf } from './runCli';
import { parseExperimentOptions } from './experimentOptions';

/** What differs by where a run ran, not by what it was: the driver, its machine and its output folder. */
const ENVIRONMENT = (
  'source versions dataset_location data_dir experiment_name output_dir save_tensors save_embeddings ' +
  'output_layout outputs embedding_batch_size'
).split(' ');

/** config.json of the same run from the CLI (its flags) and from the browser (its link), with one embedder. */
function bothConfigs(flags: string, link: string, embedder: Embedder, teacher: Teacher) {
  const options = parseExperimentOptions(flags.split(' '));
  if (options === 'help') throw new Error('unexpected');
  // The same run as the app's link names it.
  const view = parseViewState(link);
  const source = { kind: 'builtin', name: 'demo' } as const;
  const request: ExperimentRequest = {
    source,
    spec: runSpecOfView(view, source),
    origin: 'http://127.0.0.1:5173',
  };
  const dataset = buildDemoDataset();
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
  return { cli, browser };
}

describe('config.json from the CLI and from the browser', () => {
  it('is the same record for the same run', () => {
    const { cli, browser } = bothConfigs(
      '--dataset demo --embedding-model lsa-64 --teacher noisy-gold --teacher-noise 0.3 --num-steps 7 --lr 0.01 --random-seed 5',
      '?embedding=lsa-64&teacher=noisy-gold&noise=0.3&steps=7&lr=0.01&seed=5',
      new LsaEmbedder({ dims: 64, seed: 5 }),
      new NoisyGoldTeacher(0.3, 5),
    );
    expect(cli).toMatchObject({ source: 'cli', dataset_spec: 'demo', teacher_noise: 0.3, num_steps: 7 });
    expect(browser.source).toBe('browser');
  });

  it("records a neural embedder's dtype and pooling the same way: the CLI's flags, the link's values", () => {
    const model = 'Xenova/all-MiniLM-L6-v2';
    const { cli, browser } = bothConfigs(
      `--dataset demo --embedding-model ${model} --embedding-dtype q8 --pooling cls --teacher gold`,
      `?embedding=${model}&dtype=q8&pooling=cls`,
      new TransformersEmbedder(resolveEmbeddingModel(model, { pooling: 'cls' }), { dtype: 'q8' }),
      new GoldTeacher(),
    );
    for (const config of [cli, browser]) {
      expect(config).toMatchObject({ embedding_dtype: 'q8', embedding_pooling_spec: 'cls' });
      expect(runSpecOf(config).embedding).toEqual({ dtype: 'q8', pooling: 'cls' });
    }
  });

  it('names the flag that sets each embedding field', () => {
    expect(flagOf('embedding_dtype')).toBe('--embedding-dtype');
    expect(flagOf('embedding_pooling')).toBe('--pooling');
  });
});
