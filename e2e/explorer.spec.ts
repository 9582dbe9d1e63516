import { expect, test } from '@playwright/test';
import { initBackend } from '../src/core/compute/backend';
import path from 'node:path';
import { folderFiles } from '../src/cli/dataFolder';
import { buildDemoDataset } from '../src/core/datasets/demo/demoParser';
import { loadDataset } from '../src/core/datasets/registry';
import type { Dataset } from '../src/core/datasets/types';
import { LsaEmbedder } from '../src/core/embedding/lsaEmbedder';
import { DEFAULT_METHOD } from '../src/core/experiment/config';
import { runExperiment } from '../src/core/experiment/pipeline';
import type { RankingMetrics } from '../src/core/metrics/rankingMetrics';
import { GoldTeacher } from '../src/core/teachers/goldTeacher';
import { ExperimentPage } from './pages/ExperimentPage';
import { ExplorerPage } from './pages/ExplorerPage';

const sharedData = path.resolve(new URL('.', import.meta.url).pathname, '../../shared/data');

interface ExplorerCase {
  name: string;
  backend: 'wasm' | 'webgpu';
  /** URL parameters of the dataset. */
  url: string;
  query: string;
  title: string;
  load: () => Promise<Dataset>;
  /** Candidates drawn on the map (all of the demo's; a display budget for larger sets). */
  points: (n: number) => boolean;
}

const CASES: ExplorerCase[] = [
  ...(['wasm', 'webgpu'] as const).map((backend) => ({
    name: `the demo on ${backend}`,
    backend,
    url: '',
    query: 'lost_baggage',
    title: 'Reporting lost or damaged baggage',
    load: async () => buildDemoDataset(),
    points: (n: number) => n === 350,
  })),
  {
    name: 'Banking77 loaded through the server, on wasm',
    backend: 'wasm',
    url: '&dataset=Banking77',
    query: 'card_arrival',
    title: 'card arrival',
    load: () => loadDataset('Banking77', folderFiles(path.join(sharedData, 'Banking77'))),
    points: (n: number) => n >= 2000 && n < 13_083,
  },
];

/** The engine's own numbers in Node, on the page's backend where Node has it (wasm), else on cpu. */
async function engineMetrics(c: ExplorerCase): Promise<{ before: RankingMetrics; after: RankingMetrics }> {
  await initBackend(c.backend === 'wasm' ? 'wasm' : 'cpu');
  const dataset = await c.load();
  const result = await runExperiment({
    dataset,
    embedder: new LsaEmbedder({ dims: 64, seed: 42 }),
    teacher: new GoldTeacher(),
    method: { ...DEFAULT_METHOD, recordEvery: 0 },
  });
  const i = dataset.queries.findIndex((q) => q.id === c.query);
  return { before: result.metrics.original[i], after: result.metrics.optimized[i] };
}

for (const c of CASES) {
  test.describe(c.name, () => {
    test('opens from a URL, matches the engine, scrubs, plays and answers a what-if', async ({ page }) => {
      test.setTimeout(300_000);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const expected = await engineMetrics(c);
      const backend = c.backend;
      const explorer = new ExplorerPage(page);

      await explorer.open(`backend=${backend}&query=${c.query}${c.url}`);
      await expect(explorer.backendStatus).toHaveAttribute('data-backend', backend);
      await expect(explorer.queryTitle).toContainText(c.title);

      // Metrics before/after equal the engine's own numbers for the same query (computed in Node above).
      const before = await explorer.metrics('before');
      const after = await explorer.metrics('after');
      expect(Object.keys(before).length).toBe(26);
      const tolerance = backend === 'webgpu' ? 1e-3 : 1e-9;
      for (const [m, v] of Object.entries(expected.before))
        expect(Math.abs(before[m] - v), `before ${m}`).toBeLessThanOrEqual(tolerance);
      for (const [m, v] of Object.entries(expected.after))
        expect(Math.abs(after[m] - v), `after ${m}`).toBeLessThanOrEqual(tolerance);
      expect(after.map).toBeGreaterThan(before.map);

      // The map draws the candidates (a display budget for large sets); the slider scrubs the path.
      const map = explorer.map;
      await expect(map).toBeVisible({ timeout: 120_000 });
      expect(c.points(Number(await map.getAttribute('data-points')))).toBe(true);
      const shot = c.name.replace(/[^a-z0-9]+/gi, '-');
      await page.screenshot({ path: `test-results/e2e/explorer-${shot}.png`, fullPage: true });
      await explorer.showStep(0);
      await expect(explorer.stepLabel).toContainText('step 0 / 100');
      await explorer.showStep(50);
      await expect(explorer.stepLabel).toContainText('step 50 / 100');
      await explorer.play.click();
      await expect(explorer.stepLabel).toContainText('step 100 / 100', { timeout: 10_000 });

      // Hovering a point shows its document.
      const box = (await explorer.mapCanvas.boundingBox())!;
      for (let i = 0; i < 40 && !(await page.getByTestId('map-tooltip').isVisible()); i++)
        await page.mouse.move(box.x + box.width * (0.2 + 0.015 * i), box.y + box.height * 0.5);

      // What-if: flip the teacher's score of the top relevant sampled document; the ranking changes.
      const rowsBefore = await explorer.rankSignature();
      const firstScored = explorer.rankRows.filter({ has: page.getByTestId('teacher-score') }).first();
      const docId = await firstScored.getAttribute('data-doc-id');
      await firstScored.getByTestId('teacher-score').click();
      await expect(page.getByTestId('reset-what-if')).toBeVisible();
      await explorer.waitUntilRefined();
      expect(await explorer.rankSignature()).not.toEqual(rowsBefore);
      const flipped = explorer.rankRow(docId!);
      await expect(flipped.getByTestId('teacher-score')).toHaveText('0.00');
      await page.screenshot({ path: `test-results/e2e/explorer-what-if-${shot}.png`, fullPage: true });
      await page.getByTestId('reset-what-if').click();
      await expect(page.getByTestId('reset-what-if')).toHaveCount(0);
      expect(await explorer.rankSignature()).toEqual(rowsBefore);

      // The experiment summary view, then back to the explorer with the browser's Back button.
      await explorer.experimentTab.click();
      await expect(new ExperimentPage(page).summaryTable).toBeVisible();
      await page.screenshot({ path: `test-results/e2e/experiment-${shot}.png`, fullPage: true });
      await page.goBack();
      await expect(explorer.map).toBeVisible();
      expect(errors).toEqual([]);
    });
  });
}

test('selecting another query updates the URL; the URL reopens it', async ({ page }) => {
  const explorer = new ExplorerPage(page);
  await explorer.open('backend=wasm');
  await explorer.queryRow('car_rental').click();
  await expect(page).toHaveURL(/query=car_rental/);
  await expect(explorer.queryTitle).toContainText('Renting a car');
  await page.goBack();
  await expect(explorer.queryTitle).not.toContainText('Renting a car');
  await page.goForward();
  await expect(explorer.queryTitle).toContainText('Renting a car');
  await page.reload();
  await expect(explorer.queryTitle).toContainText('Renting a car');
});

test('a neural embedding model from the server’s mirror runs the explorer end to end', async ({ page }) => {
  const { FIXTURE_MODEL_ID, writeFixtureModel } = await import('../scripts/make-fixture-model');
  await writeFixtureModel(`.cache/fixture-models/${FIXTURE_MODEL_ID}`);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(
    `/?backend=wasm&models=server&device=wasm&pooling=mean&embedding=${encodeURIComponent(FIXTURE_MODEL_ID)}`,
  );
  const explorer = new ExplorerPage(page);
  await explorer.waitUntilRefined();
  await expect(page.getByTestId('embedding-model-id')).toHaveValue(FIXTURE_MODEL_ID);
  await expect(explorer.map).toBeVisible();
  const after = await explorer.metric('after', 'map');
  expect(after).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/e2e/explorer-neural.png', fullPage: true });
  expect(errors).toEqual([]);
});
