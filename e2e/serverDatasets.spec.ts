import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { folderFiles } from '../src/cli/dataFolder';
import { initBackend } from '../src/core/compute/backend';
import { loadDataset } from '../src/core/datasets/registry';
import { LsaEmbedder } from '../src/core/embedding/lsaEmbedder';
import { DEFAULT_METHOD } from '../src/core/experiment/config';
import { runExperiment } from '../src/core/experiment/pipeline';
import { GoldTeacher } from '../src/core/teachers/goldTeacher';

const sharedData = path.resolve(new URL('.', import.meta.url).pathname, '../../shared/data');

async function shownMetric(page: Page, which: 'before' | 'after', metric: string): Promise<number> {
  return Number(
    await page.locator(`[data-testid="metric-${which}"][data-metric="${metric}"]`).getAttribute('data-value'),
  );
}

test('Banking77 loads through the server, and the explorer matches the engine on it', async ({ page }) => {
  test.setTimeout(300_000);
  // The same backend as the page, so that even near-ties among 13,083 candidates break the same way.
  await initBackend('wasm');
  const dataset = await loadDataset('Banking77', folderFiles(path.join(sharedData, 'Banking77')));
  const result = await runExperiment({
    dataset,
    embedder: new LsaEmbedder({ dims: 64, seed: 42 }),
    teacher: new GoldTeacher(),
    method: { ...DEFAULT_METHOD, recordEvery: 0 },
  });
  const i = dataset.queries.findIndex((q) => q.id === 'card_arrival');

  await page.goto('/?dataset=Banking77&backend=wasm&query=card_arrival');
  await expect(page.getByTestId('dataset-select')).toHaveValue('Banking77');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done', {
    timeout: 180_000,
  });
  for (const metric of ['map', 'ndcg_at_10', 'roc_auc', 'precision_at_10']) {
    expect(await shownMetric(page, 'before', metric)).toBeCloseTo(
      result.metrics.original[i][metric as 'map'],
      9,
    );
    expect(await shownMetric(page, 'after', metric)).toBeCloseTo(
      result.metrics.optimized[i][metric as 'map'],
      9,
    );
  }
  // 13,083 candidates: the map draws a display budget, says so, and still includes every relevant one.
  await expect(page.getByTestId('display-budget-note')).toContainText('of 13,083 documents');
  await page.screenshot({ path: 'test-results/e2e/banking77-server.png', fullPage: true });
});

test('a CSV of text,label opened from disk becomes a dataset', async ({ page }) => {
  const rows = ['text,label'];
  const topics = {
    weather: [
      'sunny skies today',
      'will it rain tomorrow',
      'heavy snow expected',
      'windy and cold outside',
      'the forecast says storms',
    ],
    cooking: [
      'how long to boil pasta',
      'recipe for tomato soup',
      'bake the bread at 200 degrees',
      'chop onions finely',
      'season the soup with salt',
    ],
    sports: [
      'the match ended in a draw',
      'she scored two goals',
      'the team won the league',
      'training starts at noon',
      'a new world record in the sprint',
    ],
  };
  for (const [label, texts] of Object.entries(topics)) for (const t of texts) rows.push(`${t},${label}`);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await page
    .getByTestId('open-file')
    .setInputFiles({ name: 'topics.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
  await expect(page.getByTestId('dataset-select')).toHaveValue('local:topics');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('query-row')).toHaveCount(3);

  // A file that is no dataset gets a clear message and the app keeps working.
  await page
    .getByTestId('open-file')
    .setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
  await expect(page.getByTestId('dataset-error')).toContainText('not a readable zip');
  await expect(page.getByTestId('query-row')).toHaveCount(3);
});
