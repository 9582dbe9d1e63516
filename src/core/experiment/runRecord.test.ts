import { describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../datasets/demo/demoParser';
import { LsaEmbedder } from '../embedding/lsaEmbedder';
import { NoisyGoldTeacher } from '../teachers/noisyGoldTeacher';
import { DEFAULT_METHOD } from './config';
import { parseConfig, RUN_CONFIG_VERSION, toConfig, type RunFacts } from './runRecord';
import {
  embeddingModelOf,
  embeddingSpecOf,
  runSpecOf,
  teacherSpecOf,
  validateRunSpec,
  type RunSpec,
} from './runSpec';
import type { EmbeddingDtype, Pooling } from '../embedding/modelRegistry';
import { describeRunSpecError, RunSpecError } from './runSpecError';
import type { JudgeMode } from '../teachers/llmApi';

const spec: RunSpec = {
  dataset: 'demo',
  embeddingModel: 'lsa-64',
  embedding: { dtype: 'fp32' },
  teacher: 'noisy-gold',
  teacherNoise: 0.3,
  thinking: 'reference',
  method: { ...DEFAULT_METHOD, computationTypes: ['original', 'optimized'], numSteps: 5, randomSeed: 7 },
};

function facts(): RunFacts {
  const dataset = buildDemoDataset();
  return {
    source: 'cli',
    dataset: {
      name: dataset.name,
      instruction: dataset.instruction,
      notes: [],
      maxDocuments: null,
      location: null,
      dataDir: null,
    },
    embedder: new LsaEmbedder({ dims: 64, seed: 7 }),
    teacher: new NoisyGoldTeacher(0.3, 7),
    types: ['original', 'optimized'],
    backend: { name: 'cpu', adapter: 'JavaScript (tfjs cpu)' },
    optimizerImplementation: 'cpu',
    llmVia: null,
    versions: { tfjs: '4.22.0' },
    outputs: null,
    timestamp: '2026-01-01T00:00:00.000Z',
  };
}

/** The error `validateRunSpec` throws for `bad` (failing the test if it throws none or another). */
function runSpecErrorOf(bad: RunSpec): RunSpecError {
  try {
    validateRunSpec(bad);
  } catch (e) {
    expect(e).toBeInstanceOf(RunSpecError);
    return e as RunSpecError;
  }
  throw new Error('validateRunSpec accepted the spec');
}

describe('the run record', () => {
  it('writes a versioned config.json that reads back to the same spec', () => {
    const config = parseConfig(JSON.parse(JSON.stringify(toConfig(spec, facts()))));
    expect(config.config_version).toBe(RUN_CONFIG_VERSION);
    expect(config).toMatchObject({
      dataset: buildDemoDataset().name,
      dataset_spec: 'demo',
      teacher_noise: 0.3,
      lr: 1e-4,
    });
    expect(runSpecOf(config)).toEqual({ ...spec, teacherMode: undefined, hydeModel: undefined });
  });

  it('reads files written before the version field, and refuses newer versions and wrong types', () => {
    expect(parseConfig({ dataset: 'Demo', lr: 0.01 }).lr).toBe(0.01);
    expect(() => parseConfig({ config_version: RUN_CONFIG_VERSION + 1 })).toThrow(/update it/);
    expect(() => parseConfig({ lr: 'fast' }, 'x/config.json')).toThrow(/x\/config.json .*lr/);
    expect(() => parseConfig({ computation_types: ['nonsense'] })).toThrow(/computation_types/);
  });

  it('validates once, in its own terms, and a driver names its own controls', () => {
    const bad: RunSpec = {
      ...spec,
      teacherNoise: 2,
      method: { ...spec.method, numSteps: -1, computationTypes: ['original', 'hyde'] },
    };
    const error = runSpecErrorOf(bad);
    const message = error.message;
    expect(message).toMatch(/num_steps must be an integer from 0/);
    expect(message).toMatch(/teacher_noise must be from 0 to 1/);
    expect(message).toMatch(/"hyde" needs an LLM to write hypothetical documents: name a hyde_model/);
    expect(message).not.toMatch(/--/);
    const flags = describeRunSpecError(error, (f) => `--${f.replace(/_/g, '-')}`);
    expect(flags).toMatch(/--computation-types "hyde" needs .*: name a --hyde-model/);
  });

  it("refuses a teacher that no factory makes, and a scoring mode that isn't one", () => {
    for (const teacher of ['gold', 'noisy-gold', 'cross-encoder', 'cross-encoder:./x', 'llm:OpenAI/gpt-4o'])
      expect(() => validateRunSpec({ ...spec, teacher })).not.toThrow();
    for (const teacher of ['oracle', 'cross-encoder:', 'llm: ', 'noisy-gold-0.3'])
      expect(() => validateRunSpec({ ...spec, teacher })).toThrow(/^teacher must be gold, noisy-gold/);
    expect(() => validateRunSpec({ ...spec, teacherMode: 'loud' as JudgeMode })).toThrow(
      /teacher_mode must be one of yesno, verbalized, truefalse \(got "loud"\)/,
    );
  });

  it("records a transformers.js embedder's dtype and pooling as chosen, and only where they apply", () => {
    const neural: RunSpec = {
      ...spec,
      embeddingModel: 'Xenova/all-MiniLM-L6-v2',
      embedding: { dtype: 'q8', pooling: 'cls' },
    };
    const config = parseConfig(JSON.parse(JSON.stringify(toConfig(neural, facts()))));
    expect(config).toMatchObject({ embedding_dtype: 'q8', embedding_pooling_spec: 'cls' });
    expect(runSpecOf(config)).toEqual({ ...neural, teacherMode: undefined, hydeModel: undefined });
    const ownPooling = toConfig({ ...neural, embedding: { dtype: 'fp16' } }, facts());
    expect(ownPooling).toMatchObject({ embedding_dtype: 'fp16', embedding_pooling_spec: null });
    // LSA and remote:<model> have no dtype or pooling to choose: none recorded, the defaults read back.
    for (const embeddingModel of ['lsa-64', 'remote:Qwen/Qwen3-Embedding-8B']) {
      const other = toConfig({ ...neural, embeddingModel }, facts());
      expect(other).toMatchObject({ embedding_dtype: null, embedding_pooling_spec: null });
      expect(runSpecOf(other).embedding).toEqual({ dtype: 'fp32' });
    }
    expect(() => parseConfig({ embedding_dtype: 'int4' })).toThrow(/embedding_dtype/);
  });

  it('refuses a dtype or pooling that is not one', () => {
    const bad: RunSpec = {
      ...spec,
      embedding: { dtype: 'int4' as EmbeddingDtype, pooling: 'max' as Pooling },
    };
    const { message } = runSpecErrorOf(bad);
    expect(message).toMatch(/embedding_dtype must be one of fp32, fp16, q8 \(got "int4"\)/);
    expect(message).toMatch(/embedding_pooling must be one of mean, cls, last_token/);
  });

  it('recovers the names a run was started with from older records', () => {
    expect(teacherSpecOf({ teacher: 'cross-encoder:/models/x', teacher_spec: 'cross-encoder:./x' })).toBe(
      'cross-encoder:./x',
    );
    expect(teacherSpecOf({ teacher: 'noisy-gold-0.3' })).toBe('noisy-gold');
    expect(embeddingModelOf({ embedding_model: 'lsa-seed42' })).toBe('lsa');
    expect(embeddingModelOf({ embedding_model: 'lsa-64-seed42', embedding_model_spec: 'LSA-64' })).toBe(
      'LSA-64',
    );
    expect(embeddingModelOf({ embedding_model: 'Xenova/all-MiniLM-L6-v2@main:fp32:mean' })).toBe(
      'Xenova/all-MiniLM-L6-v2',
    );
    // Before embedding_dtype: the dtype from the embedder's id; the pooling asked for is unknown.
    expect(embeddingSpecOf({ embedding_model: 'Xenova/all-MiniLM-L6-v2@main:q8:mean' })).toEqual({
      dtype: 'q8',
    });
    expect(embeddingSpecOf({ embedding_model: 'lsa-64-seed42' })).toEqual({ dtype: 'fp32' });
  });
});
