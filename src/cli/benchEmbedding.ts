import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURE_MODEL_ID, writeFixtureModel } from '../../scripts/make-fixture-model';
import { DEMO_DATA } from '../core/datasets/demo/demoData';
import { createEmbedder } from '../core/embedding/embedderFactory';
import { EMBEDDING_DTYPES } from '../core/embedding/modelRegistry';
import { releaseEmbeddingModels } from '../core/embedding/transformersRuntime';

const BATCH_SIZE = 32;

/**
 * Embedding throughput of the transformers.js embedder on onnxruntime-node (CPU), per dtype, on the fixture
 * model (scripts/make-fixture-model.ts: a tiny BERT-shaped encoder, so the numbers measure the runtime's
 * overhead per text — tokenizing, batching, pooling — more than model compute) over the demo dataset's
 * texts, without the cache. Each dtype embeds once to load and warm up, then `repeats` times.
 */
export async function benchEmbedding(repeats: number, quick: boolean) {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-embedding-'));
  try {
    const folder = await writeFixtureModel(path.join(dir, FIXTURE_MODEL_ID));
    const all = DEMO_DATA.intents.flatMap((i) => i.utterances);
    const texts = quick ? all.slice(0, 128) : all;
    const results = [];
    for (const dtype of EMBEDDING_DTYPES) {
      const embedder = createEmbedder(folder, 0, {
        pooling: 'mean',
        dtype,
        device: 'cpu',
        batchSize: BATCH_SIZE,
      });
      await embedder.embedDocuments(texts);
      const samples: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const start = performance.now();
        await embedder.embedDocuments(texts);
        samples.push(Math.round((performance.now() - start) * 10) / 10);
      }
      const median = [...samples].sort((a, b) => a - b)[samples.length >> 1];
      const perSecond = Math.round((texts.length / median) * 1000);
      process.stderr.write(`embed fixture cpu ${dtype}: ${perSecond} texts/s\n`);
      results.push({
        device: 'cpu',
        dtype,
        texts: texts.length,
        batch_size: BATCH_SIZE,
        median_ms: median,
        texts_per_second: perSecond,
        samples_ms: samples,
      });
    }
    return {
      model: `${FIXTURE_MODEL_ID} (fixture from scripts/make-fixture-model.ts)`,
      runtime: 'onnxruntime-node',
      note: 'browser devices (webgpu, wasm) run in the e2e suite; this measures Node only',
      results,
    };
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  } finally {
    await releaseEmbeddingModels();
    await rm(dir, { recursive: true, force: true });
  }
}
