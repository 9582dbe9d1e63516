import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import Papa from 'papaparse';

/**
 * Opening finished runs in the real app and server: a CLI run folder (made here by the CLI on the demo,
 * picked as a folder and opened from the server's runs folder with ?run=), the zip the app exports, and the
 * reference code's fixture run. The metrics shown must be the files' values.
 */

const root = path.resolve(new URL('.', import.meta.url).pathname, '..');
// The e2e server's RUNS_DIR (playwright.config.ts).
const runsDir = path.join(root, 'test-results/e2e-runs');
const RUN = 'e2e-demo-run';
const runDir = path.join(runsDir, RUN);
const referenceRun = path.resolve(root, '../shared/reference/reference-run');

type Row = Record<string, string>;
const csvRows = (text: string): Row[] => Papa.parse<Row>(text, { header: true, skipEmptyLines: true }).data;

test.beforeAll(async () => {
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runsDir, { recursive: true });
  await promisify(execFile)(
    path.join(root, 'node_modules/.bin/tsx'),
    [
      'src/cli/experiment.ts',
      ...['--dataset', 'demo', '--embedding-model', 'lsa-64', '--backend', 'wasm', '--num-steps', '30'],
      ...['--save-tensors', '--save-embeddings', '--output-dir', runsDir, '--experiment-name', RUN],
    ],
    { cwd: root },
  );
});

/** Selects `queryId` and checks its before/after metrics against the results tables' rows. */
async function expectQueryMetrics(page: Page, queryId: string, original: Row, optimized: Row) {
  await page.locator(`[data-testid="query-row"][data-query-id="${queryId}"]`).click();
  for (const metric of ['map', 'ndcg_at_10', 'roc_auc', 'mrr', 'precision_at_10', 'recall_at_50']) {
    await expect(page.locator(`[data-testid="metric-before"][data-metric="${metric}"]`)).toHaveAttribute(
      'data-value',
      String(Number(original[metric])),
    );
    await expect(page.locator(`[data-testid="metric-after"][data-metric="${metric}"]`)).toHaveAttribute(
      'data-value',
      String(Number(optimized[metric])),
    );
  }
}

/** Checks every query of a project-layout run (files read by `read`) against the page. */
async function expectRunMetrics(page: Page, read: (name: string) => string) {
  const original = csvRows(read('original_results.csv'));
  const optimized = csvRows(read('optimized_results.csv'));
  await expect(page.getByTestId('query-row')).toHaveCount(original.length);
  for (const at of [0, original.length - 1]) {
    const id = original[at].query_id;
    await expectQueryMetrics(
      page,
      id,
      original[at],
      optimized.find((r) => r.query_id === id)!,
    );
  }
  const summary = JSON.parse(read('summary.json')) as { types: Record<string, { mean: { map: number } }> };
  await page.getByTestId('tab-experiment').click();
  await expect(page.getByTestId('summary-table')).toContainText(summary.types.optimized.mean.map.toFixed(3));
  await page.getByRole('tab', { name: 'Explorer' }).click();
}

test('opens a CLI run folder, and the same run from the server by its link', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await page.getByTestId('open-run').click();
  await page.getByTestId('open-run-folder').setInputFiles(runDir);
  await expect(page.getByTestId('opened-run')).toContainText(`Opened run: ${RUN}`);
  await expect(page.getByTestId('opened-run')).toHaveAttribute('data-layout', 'project');
  await expectRunMetrics(page, (name) => readFileSync(path.join(runDir, name), 'utf8'));
  // Saved embeddings: the UMAP map, no note about a map from the path.
  await expect(page.getByTestId('projection-map')).toBeVisible();
  await expect(page.getByTestId('map-note')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/e2e/open-run-folder.png', fullPage: true });

  await page.goto(`/?run=${RUN}&backend=wasm&query=lost_baggage`);
  await expect(page.getByTestId('opened-run')).toContainText(`Opened run: ${RUN}`);
  const original = csvRows(readFileSync(path.join(runDir, 'original_results.csv'), 'utf8'));
  const optimized = csvRows(readFileSync(path.join(runDir, 'optimized_results.csv'), 'utf8'));
  const row = (rows: Row[]) => rows.find((r) => r.query_id === 'lost_baggage')!;
  await expectQueryMetrics(page, 'lost_baggage', row(original), row(optimized));
  await page.getByTestId('open-run').click();
  await expect(page.locator(`[data-testid="server-run"][data-run="${RUN}"]`)).toBeVisible();
});

test('opens the zip the app exports', async ({ page }) => {
  await page.goto('/?backend=wasm&tab=experiment');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-zip').click(),
  ]);
  const zipPath = path.join(runsDir, 'exported.zip.download');
  await download.saveAs(zipPath);
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
  const folder = Object.keys(entries)[0].split('/')[0];
  await page.getByRole('tab', { name: 'Explorer' }).click();
  await page.getByTestId('open-run').click();
  await page
    .getByTestId('open-run-zip')
    .setInputFiles({ name: 'exported.zip', mimeType: 'application/zip', buffer: readFileSync(zipPath) });
  await expect(page.getByTestId('opened-run')).toContainText('Opened run:');
  await expectRunMetrics(page, (name) => strFromU8(entries[`${folder}/${name}`]));
  // Something that is not a run says so, and the open run stays.
  await page
    .getByTestId('open-run-zip')
    .setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
  await expect(page.getByTestId('open-run-error')).toContainText('not a readable zip');
  await expect(page.getByTestId('opened-run')).toBeVisible();
});

test("opens the reference code's fixture run, maps it from the query's path", async ({ page }) => {
  await page.goto('/?backend=wasm');
  await page.getByTestId('open-run').click();
  await page.getByTestId('open-run-folder').setInputFiles(referenceRun);
  await expect(page.getByTestId('opened-run')).toHaveAttribute('data-layout', 'reference');
  await page.locator('[data-testid="query-row"][data-query-id="What is the baggage allowance?"]').click();
  // scikit-learn on the fixture's raw scores: average_precision_score 0.4066521231681078, roc_auc_score 0.52.
  const before = (metric: string) =>
    page.locator(`[data-testid="metric-before"][data-metric="${metric}"]`).getAttribute('data-value');
  await expect
    .poll(async () => Math.abs(Number(await before('map')) - 0.4066521231681078))
    .toBeLessThan(1e-12);
  await expect.poll(async () => Math.abs(Number(await before('roc_auc')) - 0.52)).toBeLessThan(1e-12);
  await expect(page.getByTestId('map-note')).toContainText('PCA');
  await expect(page.getByTestId('rerun-in-browser')).toBeDisabled();
  await page.screenshot({ path: 'test-results/e2e/open-reference-run.png', fullPage: true });
});
