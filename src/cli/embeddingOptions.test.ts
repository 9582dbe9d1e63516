import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureModel } from '../../scripts/make-fixture-model';
import { parseEmbeddingOptions, resolveModelReference } from './embeddingOptions';
import { parseExperimentOptions } from './experimentOptions';
import { runScript } from '../../server/testing/scriptProcesses';

const work = mkdtempSync(path.join(tmpdir(), 'embedding-options-'));
let model: string;

beforeAll(async () => {
  model = await writeFixtureModel(path.join(work, 'tiny-bert'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('embedding options', () => {
  it('parses model, dtype, pooling, templates (with \\n escapes) and caches', () => {
    const o = parseExperimentOptions([
      '--dataset',
      'demo',
      '--embedding-model',
      'Qwen3-Embedding-0.6B',
      '--embedding-dtype',
      'q8',
      '--query-template',
      'Task: {instruction}\\nText: {text}',
      '--max-length',
      '512',
      '--no-embedding-cache',
    ]);
    if (o === 'help') throw new Error('help');
    expect(o.embeddingModel).toBe('Qwen3-Embedding-0.6B');
    expect(o.embedding).toMatchObject({
      model: 'Qwen3-Embedding-0.6B',
      dtype: 'q8',
      queryTemplate: 'Task: {instruction}\nText: {text}',
      maxLength: 512,
      useCache: false,
      cacheDir: '.cache',
    });
    expect(() => parseEmbeddingOptions({ 'embedding-dtype': 'int4' })).toThrow(
      /--embedding-dtype must be one of/,
    );
    expect(() => parseEmbeddingOptions({ pooling: 'max' })).toThrow(
      /--pooling must be one of mean, cls, last_token/,
    );
    expect(() => parseEmbeddingOptions({ 'max-length': '0' })).toThrow(
      /--max-length must be a positive integer/,
    );
  });

  it('resolves folders to absolute paths with a fingerprint, and says what a folder lacks', () => {
    expect(resolveModelReference('all-MiniLM-L6-v2', 'fp32')).toEqual({ name: 'all-MiniLM-L6-v2' });
    expect(resolveModelReference('org/model', 'fp32')).toEqual({ name: 'org/model' });
    const relative = path.relative(process.cwd(), model);
    const a = resolveModelReference(relative, 'fp32');
    expect(a.name).toBe(model);
    expect(a.revision).toMatch(/^local-[0-9a-f]{16}$/);
    expect(resolveModelReference(model, 'q8').revision).not.toBe(a.revision);
    // Weights only under a name transformers.js does not look for.
    const odd = path.join(work, 'odd');
    mkdirSync(path.join(odd, 'onnx'), { recursive: true });
    for (const f of ['config.json', 'tokenizer.json']) renameSync(path.join(model, f), path.join(odd, f));
    renameSync(path.join(model, 'onnx', 'model_fp16.onnx'), path.join(odd, 'onnx', 'encoder.onnx'));
    expect(() => resolveModelReference(odd, 'fp32')).toThrow(
      /has no ONNX weights for dtype fp32 \(onnx\/model\.onnx is missing\); its ONNX files \(onnx\/encoder\.onnx\) are not named/,
    );
    expect(() => resolveModelReference(model, 'fp32')).toThrow(
      /is not a model folder: config\.json and tokenizer\.json missing/,
    );
    for (const f of ['config.json', 'tokenizer.json']) renameSync(path.join(odd, f), path.join(model, f));
    expect(() => resolveModelReference(model, 'fp16')).toThrow(
      /no ONNX weights for dtype fp16.*it has onnx\/model\.onnx \(--embedding-dtype fp32\), onnx\/model_quantized\.onnx \(--embedding-dtype q8\)/,
    );
  });

  it('npm run experiment with a model folder: the second run embeds nothing', async () => {
    const args = (name: string) => [
      '--dataset',
      'demo',
      '--embedding-model',
      model,
      '--pooling',
      'mean',
      '--embedding-cache-dir',
      path.join(work, 'cache'),
      '--output-dir',
      path.join(work, 'out'),
      '--experiment-name',
      name,
      '--computation-types',
      'original,optimized',
      '--num-steps',
      '5',
    ];
    for (const name of ['first', 'second']) {
      const r = await runScript('src/cli/experiment.ts', args(name));
      expect(r.code, r.stderr).toBe(0);
    }
    const config = (name: string) =>
      JSON.parse(readFileSync(path.join(work, 'out', name, 'config.json'), 'utf8'));
    const first = config('first');
    expect(first.embedding_model).toMatch(/^folder:.*@local-[0-9a-f]{16}:fp32:mean$/);
    expect(first.embedding_dims).toBe(32);
    // As the reference's config: the template with the dataset's instruction filled in.
    expect(first.query_template).toBe(`Instruct: ${first.task_instruction}\nQuery: {text}`);
    expect(first.document_template).toBe('{text}');
    expect(first.embedding_cache.cached).toBe(0);
    expect(first.embedding_cache.embedded).toBeGreaterThan(300);
    expect(config('second').embedding_cache).toEqual({ cached: first.embedding_cache.embedded, embedded: 0 });
  });

  it("names the flag where the engine's message names the setting: a model outside the registry needs --pooling", async () => {
    const r = await runScript('src/cli/experiment.ts', [
      '--dataset',
      'demo',
      '--embedding-model',
      'someone/unknown-model',
      '--output-dir',
      path.join(work, 'unused-output'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /"someone\/unknown-model" is not in the registry, so its pooling must be given \(--pooling\)/,
    );
  });
});
