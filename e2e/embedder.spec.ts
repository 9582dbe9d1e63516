import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import {
  FIXTURE_HIDDEN,
  FIXTURE_MODEL_ID,
  fixtureModelFiles,
  writeFixtureModel,
} from '../scripts/make-fixture-model';
import { DEMO_DATA } from '../src/core/datasets/demo/demoData';
import { openWithModelMirror } from './pages/modelMirror';

// The fixture model (scripts/make-fixture-model.ts) in Chromium, through the engine worker: downloaded by
// transformers.js from the app server's Hub-shaped mirror (/hf/<id>/resolve/<revision>/<file>, the folder
// MODELS_DIR=.cache/fixture-models of playwright.config.ts), so the real download path runs.

const texts = DEMO_DATA.intents.flatMap((i) => i.utterances).slice(0, 24);

test.beforeAll(async () => {
  await writeFixtureModel(`.cache/fixture-models/${FIXTURE_MODEL_ID}`);
});

interface EmbedResult {
  data: number[];
  rows: number;
  cols: number;
  device: string;
  notes: string[];
  stats: { texts: number; unique: number; cached: number; embedded: number };
  modelId: string;
}

async function embed(
  page: Page,
  device: 'auto' | 'webgpu' | 'wasm',
  options: { cache?: boolean; texts?: string[]; model?: string } = {},
): Promise<EmbedResult> {
  return page.evaluate(
    async ({ device, texts, model, cache }) => {
      const r = await window.refinementExplorer.embed(texts, model, device, { pooling: 'mean', cache });
      return {
        data: Array.from(r.embeddings.data),
        rows: r.embeddings.rows,
        cols: r.embeddings.cols,
        device: r.device,
        notes: r.notes,
        stats: r.stats,
        modelId: r.modelId,
      };
    },
    { device, texts: options.texts ?? texts, model: options.model ?? FIXTURE_MODEL_ID, cache: options.cache },
  );
}

/** URLs the transformers.js Cache API cache holds (downloaded model files). */
function cachedModelFiles(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = await caches.open('transformers-cache');
    return (await cache.keys()).map((r) => r.url);
  });
}

function maxAbsDiff(a: number[], b: number[]): number {
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - b[i])), 0);
}

test('downloads the fixture from the Hub-shaped URL, embeds on wasm, and a second run embeds nothing', async ({
  page,
}) => {
  const requests = await openWithModelMirror(page);
  const first = await embed(page, 'wasm');
  expect(first.device).toBe('wasm');
  expect([first.rows, first.cols]).toEqual([texts.length, FIXTURE_HIDDEN]);
  expect(first.stats).toMatchObject({ embedded: texts.length, cached: 0 });
  for (let r = 0; r < first.rows; r++)
    expect(Math.hypot(...first.data.slice(r * first.cols, (r + 1) * first.cols))).toBeCloseTo(1, 5);
  const base = new URL(page.url()).origin;
  expect(await cachedModelFiles(page)).toContain(
    `${base}/hf/${FIXTURE_MODEL_ID}/resolve/main/onnx/model.onnx`,
  );
  // Every request went to the app's own server: ONNX Runtime's files too, no CDN.
  expect(requests.filter((u) => /^https?:/.test(u) && !u.startsWith(base))).toEqual([]);
  expect(requests.some((u) => /ort-wasm-simd-threaded\.asyncify-.*\.wasm$/.test(u))).toBe(true);

  // The IndexedDB cache: the same texts again, even after a reload, embed nothing.
  await page.reload();
  await page.evaluate(() => window.refinementExplorer.setModelHost('/hf/'));
  const second = await embed(page, 'wasm');
  expect(second.stats).toMatchObject({ embedded: 0, cached: texts.length });
  expect(second.data).toEqual(first.data);
});

test('WebGPU and wasm embeddings agree within 1e-4', async ({ page }) => {
  await openWithModelMirror(page);
  const gpu = await embed(page, 'webgpu', { cache: false });
  expect(gpu.device).toBe('webgpu');
  expect(gpu.notes).toEqual([]);
  const wasm = await embed(page, 'wasm', { cache: false });
  expect(wasm.device).toBe('wasm');
  expect(gpu.data.length).toBe(texts.length * FIXTURE_HIDDEN);
  test
    .info()
    .annotations.push({ type: 'max abs diff', description: String(maxAbsDiff(gpu.data, wasm.data)) });
  expect(maxAbsDiff(gpu.data, wasm.data)).toBeLessThan(1e-4);
  // auto: SwiftShader is a software adapter, so wasm (faster) is chosen, with a note.
  const auto = await embed(page, 'auto', { cache: false, texts: texts.slice(0, 2) });
  expect(auto.device).toBe('wasm');
  expect(auto.notes.join(' ')).toMatch(/software adapter/);
});

test.describe('bad input', () => {
  let flaky: Server;
  let flakyUrl: string;

  test.beforeAll(async () => {
    const files = fixtureModelFiles();
    // A host that drops the connection halfway through the weights.
    flaky = createServer((req, res) => {
      const file = /\/resolve\/[^/]+\/(.+)$/.exec(req.url ?? '')?.[1];
      const bytes = file ? files.get(file) : undefined;
      res.setHeader('access-control-allow-origin', '*');
      if (!bytes) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': bytes.length });
      if (!file!.endsWith('.onnx')) return void res.end(bytes);
      res.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => res.destroy(), 50));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hf/`;
  });

  test.afterAll(async () => {
    flaky.closeAllConnections();
    await new Promise((resolve) => flaky.close(resolve));
  });

  test('unknown model, broken download (nothing cached), then the same model from a good host', async ({
    page,
  }) => {
    await openWithModelMirror(page);
    await expect(embed(page, 'wasm', { model: 'fixture/no-such-model' })).rejects.toThrow(
      /embedding model "fixture\/no-such-model" was not found/,
    );
    await expect(embed(page, 'wasm', { model: 'no such model' })).rejects.toThrow(/unknown embedding model/);

    await page.evaluate((host) => window.refinementExplorer.setModelHost(host), flakyUrl);
    await expect(embed(page, 'wasm')).rejects.toThrow(
      /downloading embedding model "fixture\/tiny-bert" failed.*not cached/,
    );
    const cached = await cachedModelFiles(page);
    expect(cached.filter((u) => u.startsWith(flakyUrl) && u.endsWith('.onnx'))).toEqual([]);

    await page.evaluate(() => window.refinementExplorer.setModelHost('/hf/'));
    const ok = await embed(page, 'wasm', { texts: texts.slice(0, 3) });
    expect(ok.stats.embedded).toBe(3);
  });
});
