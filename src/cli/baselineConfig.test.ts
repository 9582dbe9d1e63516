import { describe, expect, it } from 'vitest';
import { parseConfig } from '../core/experiment/runRecord';
import { experimentArgsFromConfig, viewStateFromConfig } from './baselineConfig';
import { parseExperimentOptions } from './experimentOptions';

const config = parseConfig({
  experiment_name: 'x',
  dataset: 'ArgKP21',
  dataset_spec: 'argkp21',
  data_dir: '/data',
  max_documents: null,
  embedding_model: 'lsa-64-seed7',
  teacher: 'noisy-gold',
  teacher_noise: 0.3,
  teacher_mode: null,
  hyde_model: null,
  llm_via: null,
  computation_types: ['original', 'optimized'],
  lr: 0.005,
  num_steps: 20,
  total_scores: 30,
  scores_from_top: 10,
  random_seed: 7,
  refit: true,
  backend: 'wasm',
});

describe('re-running a baseline', () => {
  it('turns its config.json into the experiment runner’s arguments', () => {
    const args = experimentArgsFromConfig(config);
    const options = parseExperimentOptions(args);
    if (options === 'help') throw new Error('unexpected');
    expect(options).toMatchObject({
      dataset: 'argkp21',
      dataDir: '/data',
      maxDocuments: Infinity,
      teacher: 'noisy-gold',
      teacherNoise: 0.3,
      backend: 'wasm',
    });
    expect(options.embedding.model).toBe('lsa-64');
    expect(options.method).toMatchObject({
      computationTypes: ['original', 'optimized'],
      lr: 0.005,
      numSteps: 20,
      totalScores: 30,
      scoresFromTop: 10,
      randomSeed: 7,
      refit: true,
    });
    expect(experimentArgsFromConfig(config, { dataDir: null, backend: 'cpu' })).not.toContain('--data-dir');
    expect(experimentArgsFromConfig(config, { backend: 'cpu' }).slice(-2)).toEqual(['--backend', 'cpu']);
  });

  it('re-runs a noisy-gold baseline with the noisy-gold teacher and its noise', () => {
    const old = parseConfig({
      dataset: 'demo',
      embedding_model: 'lsa-64-seed42',
      teacher: 'noisy-gold-0.3',
      teacher_noise: 0.3,
    });
    const args = experimentArgsFromConfig(old, {});
    expect(args.slice(args.indexOf('--teacher'), args.indexOf('--teacher') + 4)).toEqual([
      '--teacher',
      'noisy-gold',
      '--teacher-noise',
      '0.3',
    ]);
    expect(viewStateFromConfig(old).teacher).toBe('noisy-gold');
  });

  it('gives the app’s view state, or says why the app cannot run the baseline', () => {
    const view = viewStateFromConfig(config);
    expect(view).toMatchObject({
      dataset: 'ArgKP21',
      embeddingModel: 'lsa-64',
      teacher: 'noisy-gold',
      backend: 'wasm',
    });
    expect(view.method).toMatchObject({ refit: true, lr: 0.005, numSteps: 20, randomSeed: 7 });
    expect(() => viewStateFromConfig({ ...config, teacher: 'llm:gpt' })).toThrow(/teacher llm:gpt/);
    expect(() => viewStateFromConfig({ ...config, max_documents: 100 })).toThrow(/capped the corpus at 100/);
    expect(() => viewStateFromConfig({ ...config, dataset_spec: 'csv:x.csv' })).toThrow(/import/);
  });
});
