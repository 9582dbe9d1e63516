import { mkdir, readdir, writeFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FIXTURE_HIDDEN, FIXTURE_MAX_LENGTH, writeFixtureModel } from '../../../scripts/make-fixture-model';
import { DEMO_DATA } from '../datasets/demo/demoData';
import { row } from '../matrix';
import { createEmbedder } from './embedderFactory';
import { MemoryEmbeddingCache } from './embeddingCache';
import { TransformersEmbedder } from './transformersEmbedder';
import { loadEmbeddingModel, releaseEmbeddingModels } from './transformersRuntime';
import { readReferenceGolden } from '../../testing/sharedFolder';
import { fixtureModelScratch } from '../../testing/fixtureModelScratch';

// The fixture model (scripts/make-fixture-model.ts) from a local folder on onnxruntime-node, as the CLI runs it.
const fixture = fixtureModelScratch(
  'embedder-test-',
  (root) => writeFixtureModel(path.join(root, 'fixture', 'tiny-bert')),
  releaseEmbeddingModels,
);
const texts = DEMO_DATA.intents.flatMap((i) => i.utterances).slice(0, 40);

function embedder(settings: Parameters<typeof createEmbedder>[2] = {}): TransformersEmbedder {
  const e = createEmbedder(fixture.folder, 42, { pooling: 'mean', ...settings });
  if (!(e instanceof TransformersEmbedder)) throw new Error('expected a transformers embedder');
  return e;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('TransformersEmbedder on the fixture model (Node, local folder)', () => {
  it('embeds texts into normalised rows that do not depend on the batch', async () => {
    const e = embedder({ batchSize: 7 });
    const progress: number[] = [];
    const m = await e.embedDocuments(texts, { onProgress: (p) => progress.push(p.done) });
    expect(m.rows).toBe(texts.length);
    expect(m.cols).toBe(FIXTURE_HIDDEN);
    expect(e.dims).toBe(FIXTURE_HIDDEN);
    expect(e.device).toBe('cpu');
    expect(e.id).toContain('fp32:mean');
    for (let i = 0; i < m.rows; i++) {
      const r = row(m, i);
      expect(Math.hypot(...r)).toBeCloseTo(1, 5);
    }
    expect(progress.at(-1)).toBe(texts.length);
    expect(progress.length).toBeGreaterThan(2);
    // One at a time (no padding) gives the same vectors as batches with padding.
    const single = await embedder({ batchSize: 1 }).embedDocuments(texts.slice(0, 5));
    expect(maxAbsDiff(single.data, m.data.subarray(0, 5 * FIXTURE_HIDDEN))).toBeLessThan(1e-5);
    // Rows differ between texts.
    expect(maxAbsDiff(row(m, 0), row(m, 1))).toBeGreaterThan(1e-2);
  });

  it('truncates texts to the model maximum length', async () => {
    const e = embedder();
    const long = Array.from({ length: 3 * FIXTURE_MAX_LENGTH }, (_, i) => `word${i % 10}`).join(' ');
    const m = await e.embedDocuments([long, `${long} and then many more words at the end`]);
    expect(e.maxLength).toBe(FIXTURE_MAX_LENGTH);
    expect(maxAbsDiff(row(m, 0), row(m, 1))).toBe(0);
  });

  it('applies the query template with the instruction, and pooling changes the vectors', async () => {
    const e = embedder({ instruction: 'Find travel help' });
    expect(e.templateQuery('lost bag')).toBe('Instruct: Find travel help Query: lost bag');
    expect(e.templates).toEqual({ query: 'Instruct: Find travel help\nQuery: {text}', document: '{text}' });
    const q = await e.embedQueries(['lost bag']);
    const d = await e.embedDocuments(['Instruct: Find travel help\nQuery: lost bag']);
    expect(maxAbsDiff(q.data, d.data)).toBe(0);
    const cls = await embedder({ pooling: 'cls' }).embedDocuments(['lost bag']);
    const last = await embedder({ pooling: 'last_token' }).embedDocuments(['lost bag']);
    expect(maxAbsDiff(cls.data, d.data)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(last.data, cls.data)).toBeGreaterThan(1e-3);
  });

  it('feeds the model the reference embedder’s text (newlines made spaces) and caches it under that text', async () => {
    const golden = readReferenceGolden();
    const followIR = golden.embedded_queries.find((c) => c.dataset === 'FollowIR')!;
    const cache = new MemoryEmbeddingCache();
    const e = embedder({ instruction: golden.instructions.FollowIR.instruction, cache });
    // The embedder shares the loaded model: watch what its tokenizer gets.
    const model = await loadEmbeddingModel(e.spec, 'cpu', 'fp32');
    const encode = vi.spyOn(model, 'encode');
    try {
      await e.embedQueries([followIR.text]);
      await e.embedDocuments(golden.embedded_documents.map((d) => d.text));
      const fed = encode.mock.calls.flatMap(([batch]) => batch);
      expect(fed.sort()).toEqual(
        [followIR.embedded, ...golden.embedded_documents.map((d) => d.embedded)].sort(),
      );
    } finally {
      encode.mockRestore();
    }
    const again = embedder({ cache });
    await again.embedDocuments(golden.embedded_documents.map((d) => d.embedded));
    expect(again.lastRun.cached).toBe(golden.embedded_documents.length);
  });

  it('runs the fp16 and q8 weight files close to fp32', async () => {
    const base = await embedder().embedDocuments(texts.slice(0, 8));
    for (const dtype of ['fp16', 'q8'] as const) {
      const e = embedder({ dtype });
      const m = await e.embedDocuments(texts.slice(0, 8));
      expect(e.id).toContain(dtype);
      const diff = maxAbsDiff(m.data, base.data);
      expect(diff, dtype).toBeGreaterThan(0);
      expect(diff, dtype).toBeLessThan(dtype === 'fp16' ? 1e-2 : 0.15);
    }
  });

  it('a second run over the same corpus embeds nothing: every vector comes from the cache', async () => {
    const cache = new MemoryEmbeddingCache();
    const first = embedder({ cache, batchSize: 8 });
    const a = await first.embedDocuments([...texts, texts[0]]);
    expect(first.lastRun).toEqual({
      texts: texts.length + 1,
      unique: texts.length,
      cached: 0,
      embedded: texts.length,
    });
    expect(cache.size).toBe(texts.length);
    const second = embedder({ cache, batchSize: 8 });
    const b = await second.embedDocuments([...texts, texts[0]]);
    expect(second.lastRun).toEqual({
      texts: texts.length + 1,
      unique: texts.length,
      cached: texts.length,
      embedded: 0,
    });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(second.dims).toBe(FIXTURE_HIDDEN);
    // Another dtype or pooling is another address.
    const q8 = embedder({ cache, dtype: 'q8' });
    await q8.embedDocuments(texts.slice(0, 3));
    expect(q8.lastRun.embedded).toBe(3);
  });

  it('cancels between batches and caches only whole batches', async () => {
    const cache = new MemoryEmbeddingCache();
    const controller = new AbortController();
    const e = embedder({ cache, batchSize: 4 });
    const run = e.embedDocuments(texts, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 8) controller.abort(new Error('Cancelled by the test'));
      },
    });
    await expect(run).rejects.toThrow('Cancelled by the test');
    expect(cache.size).toBe(8);
    const resumed = embedder({ cache, batchSize: 4 });
    await resumed.embedDocuments(texts);
    expect(resumed.lastRun.cached).toBe(8);
    expect(resumed.lastRun.embedded).toBe(texts.length - 8);
  });

  it('says what is wrong with a bad model', async () => {
    expect(() => createEmbedder('no-such-model', 1)).toThrow(/unknown embedding model "no-such-model"/);
    expect(() => createEmbedder('some-org/some-model', 1)).toThrow(/pooling must be given/);
    expect(() => createEmbedder(fixture.folder, 1, { pooling: 'mean', queryTemplate: 'no text' })).toThrow(
      /must contain \{text\}/,
    );
    const empty = path.join(fixture.root, 'no-onnx');
    await mkdir(empty, { recursive: true });
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json'])
      await cp(path.join(fixture.folder, f), path.join(empty, f));
    await expect(
      embedder()
        .embedDocuments(['x'])
        .then(() => null),
    ).resolves.toBeNull();
    const noOnnx = createEmbedder(empty, 1, { pooling: 'mean' });
    await expect(noOnnx.embedDocuments(['x'])).rejects.toThrow(
      /has no ONNX weights for dtype fp32 \(onnx\/model\.onnx/,
    );
    const notAModel = path.join(fixture.root, 'not-a-model');
    await mkdir(notAModel, { recursive: true });
    await writeFile(path.join(notAModel, 'README.md'), 'hello');
    await expect(createEmbedder(notAModel, 1, { pooling: 'mean' }).embedDocuments(['x'])).rejects.toThrow(
      /is not a model folder/,
    );
    expect(await readdir(notAModel)).toEqual(['README.md']);
  });
});

describe('device fallback', () => {
  it('a device that cannot run the model falls back, with a note', async () => {
    // onnxruntime-node lists a WebGPU provider but finds no adapter here: the same path as a browser whose
    // WebGPU fails on a model.
    const notes: string[] = [];
    const e = embedder({ device: 'webgpu', fallbackDevice: 'cpu', onNote: (n) => notes.push(n) });
    const m = await e.embedDocuments(texts.slice(0, 3));
    expect(m.rows).toBe(3);
    expect(e.device).toBe('cpu');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^webgpu could not run folder .*tiny-bert \(.*\); using cpu instead$/);
    const reference = await embedder().embedDocuments(texts.slice(0, 3));
    expect(maxAbsDiff(m.data, reference.data)).toBe(0);
  });
});
