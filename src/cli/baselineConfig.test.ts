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

  it('re-runs a neural model with the dtype and pooling its record chose (embedding_dtype, embedding_pooling_spec)', () => {
    const neural = parseConfig({
      config_version: 1,
      dataset: 'NFCorpus',
      dataset_spec: 'nfcorpus',
      embedding_model: 'Xenova/bge-small-en-v1.5@main:q8:cls',
      embedding_model_spec: 'bge-small-en-v1.5',
      embedding_dtype: 'q8',
      embedding_pooling_spec: 'cls',
      embedding_pooling: 'cls',
      embedding_max_length: 256,
      teacher: 'llm:OpenAI/gpt-4o-mini',
      teacher_spec: 'llm:OpenAI/gpt-4o-mini',
      teacher_mode: 'verbalized',
      hyde_model: 'OpenAI/gpt-4o-mini',
      llm_thinking: 'off',
      llm_via: 'http://localhost:8787',
      computation_types: ['original', 'optimized', 'hyde'],
      lr: 0.01,
      num_steps: 5,
      random_seed: 3,
    });
    const options = parseExperimentOptions(experimentArgsFromConfig(neural));
    if (options === 'help') throw new Error('unexpected');
    expect(options.embedding).toMatchObject({
      model: 'bge-small-en-v1.5',
      dtype: 'q8',
      pooling: 'cls',
      maxLength: 256,
    });
    expect(options).toMatchObject({
      dataset: 'nfcorpus',
      teacher: 'llm:OpenAI/gpt-4o-mini',
      teacherMode: 'verbalized',
      hydeModel: 'OpenAI/gpt-4o-mini',
      thinking: 'off',
    });
    expect(options.method).toMatchObject({
      computationTypes: ['original', 'optimized', 'hyde'],
      lr: 0.01,
      numSteps: 5,
      randomSeed: 3,
    });
    // The registered model's own pooling (no embedding_pooling_spec): no --pooling; the dtype still.
    const ownPooling = experimentArgsFromConfig({ ...neural, embedding_pooling_spec: null });
    expect(ownPooling).not.toContain('--pooling');
    expect(ownPooling.join(' ')).toContain('--embedding-dtype q8');
    // A record from before the spec's keys: the dtype from the embedder's id, the pooling that ran.
    const old = { ...neural };
    delete old.embedding_dtype;
    delete old.embedding_pooling_spec;
    const oldArgs = experimentArgsFromConfig(old).join(' ');
    expect(oldArgs).toContain('--embedding-dtype q8');
    expect(oldArgs).toContain('--pooling cls');
    // LSA and remote models have no dtype or pooling to choose.
    const lsa = experimentArgsFromConfig({ ...config, embedding_dtype: null });
    expect(lsa).not.toContain('--embedding-dtype');
    expect(lsa).not.toContain('--pooling');
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
