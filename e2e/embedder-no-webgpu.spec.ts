import { expect, test } from '@playwright/test';
import { FIXTURE_MODEL_ID, writeFixtureModel } from '../scripts/make-fixture-model';

// Chromium without --enable-unsafe-webgpu has no WebGPU adapter: asking for WebGPU must fall back to wasm
// and say so.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  },
});

test.beforeAll(async () => {
  await writeFixtureModel(`.cache/fixture-models/${FIXTURE_MODEL_ID}`);
});

test('asking for WebGPU without an adapter embeds on wasm, with a message', async ({ page }) => {
  await page.goto('/');
  const r = await page.evaluate(async (model) => {
    await window.refinementExplorer.setModelHost('/hf/');
    const out = await window.refinementExplorer.embed(['a first text', 'a second text'], model, 'webgpu', {
      pooling: 'mean',
      cache: false,
    });
    return { device: out.device, notes: out.notes, rows: out.embeddings.rows };
  }, FIXTURE_MODEL_ID);
  expect(r.device).toBe('wasm');
  expect(r.rows).toBe(2);
  expect(r.notes.join(' ')).toMatch(
    /WebGPU is not available in this browser \(no adapter\): embedding on wasm/,
  );
});
