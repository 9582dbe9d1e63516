import { describe, expect, it } from 'vitest';
import { DEFAULT_METHOD } from '../../core/experiment/config';
import type { RunConfig } from '../../core/experiment/runRecord';
import { runSpecOf } from '../../core/experiment/runSpec';
import { viewRunOf } from '../url/viewRunSpec';
import { runSettingsOf, savedRunUnavailable } from './rerunSettings';

/** A CLI run's config.json, as much of it as the settings read. */
const config: RunConfig = {
  config_version: 1,
  dataset: 'NFCorpus',
  dataset_spec: 'nfcorpus',
  embedding_model: 'Xenova/all-MiniLM-L6-v2@main:q8:cls',
  embedding_model_spec: 'all-MiniLM-L6-v2',
  embedding_dtype: 'q8',
  embedding_pooling_spec: 'cls',
  teacher: 'llm:OpenAI/gpt-4o-mini',
  teacher_spec: 'llm:OpenAI/gpt-4o-mini',
  teacher_mode: 'verbalized',
  hyde_model: 'OpenAI/gpt-4o-mini',
  llm_thinking: 'off',
  computation_types: ['original', 'optimized', 'rerank_only', 'hyde', 'optimized_hyde'],
  lr: 0.01,
  num_steps: 50,
  total_scores: 30,
  scores_from_top: 10,
  random_seed: 7,
  refit: false,
  record_every: 10,
};

describe("a finished run's settings in the app", () => {
  it("are the record's spec as the view holds it, by the one mapping (runSpecOf, viewRunOf)", () => {
    const settings = runSettingsOf(config);
    const { backend, ...run } = settings;
    expect(backend).toBe('auto');
    const spec = runSpecOf(config);
    expect(run).toEqual(
      viewRunOf({
        ...spec,
        dataset: 'NFCorpus',
        method: {
          ...spec.method,
          computationTypes: ['original', 'optimized', 'rerank_only'],
          recordEvery: DEFAULT_METHOD.recordEvery,
        },
      }),
    );
    // Everything that defines the run comes along: the embedder's dtype and pooling, the LLM's mode, HyDE.
    expect(run).toMatchObject({
      dataset: 'NFCorpus',
      embeddingModel: 'all-MiniLM-L6-v2',
      embedding: { dtype: 'q8', pooling: 'cls' },
      teacherMode: 'verbalized',
      hydeModel: 'OpenAI/gpt-4o-mini',
    });
    expect(run.method).toMatchObject({ lr: 0.01, numSteps: 50, totalScores: 30, scoresFromTop: 10 });
  });

  it('fill what an older or partial record lacks with the defaults', () => {
    const settings = runSettingsOf({ dataset: 'banking77', lr: 0.01 });
    expect(settings).toMatchObject({
      dataset: 'Banking77',
      embeddingModel: 'lsa',
      embedding: { dtype: 'fp32' },
      teacher: 'gold',
      teacherMode: 'yesno',
      hydeModel: '',
    });
    expect(settings.method).toEqual({ ...DEFAULT_METHOD, lr: 0.01 });
    expect(runSettingsOf({}).dataset).toBe('unknown');
  });

  it("re-run a record from before the spec's keys with the dtype and pooling that ran, as the CLI does", () => {
    const older: RunConfig = { ...config };
    delete older.embedding_dtype;
    delete older.embedding_pooling_spec;
    older.embedding_pooling = 'cls';
    expect(runSettingsOf(older).embedding).toEqual({ dtype: 'q8', pooling: 'cls' });
    // A record with the key names the pooling chosen: none there is the model's own.
    expect(runSettingsOf({ ...older, embedding_pooling_spec: null }).embedding).toEqual({ dtype: 'q8' });
  });
});

describe('whether a run of the history can be re-run here', () => {
  const spec = runSpecOf(config);
  it('says why not when its dataset is not here, and allows it when it is', () => {
    expect(savedRunUnavailable({ ...spec, dataset: 'fixture' }, [])).toMatch(
      /the dataset "fixture" is not available here/,
    );
    expect(savedRunUnavailable({ ...spec, dataset: 'NFCorpus' }, ['NFCorpus'])).toBeNull();
    expect(savedRunUnavailable({ ...spec, dataset: 'demo', embeddingModel: 'lsa' }, null)).toBeNull();
  });

  it('allows a run of dropped files (they re-run on the files loaded now)', () => {
    expect(savedRunUnavailable({ ...spec, dataset: 'local:my-folder' }, null)).toBeNull();
  });

  it('says why not when its embedding model cannot load in the browser', () => {
    expect(
      savedRunUnavailable({ ...spec, dataset: 'demo', embeddingModel: 'my-private-model' }, null),
    ).toMatch(/the embedding model "my-private-model" is not one this app can load/);
  });
});
