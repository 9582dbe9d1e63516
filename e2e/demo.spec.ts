import { expect, test } from '@playwright/test';
import { ExperimentPage } from './pages/ExperimentPage';
import { ExplorerPage } from './pages/ExplorerPage';

test('the built-in demo runs on first open, with no server and no network', async ({ page }) => {
  const errors: string[] = [];
  const external: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('http://127.0.0.1:4173/')) external.push(r.url());
  });
  const explorer = new ExplorerPage(page);
  await page.goto('/');
  await explorer.waitUntilRefined();
  await expect(explorer.backendStatus).toHaveAttribute('data-backend', /^(wasm|webgpu|cpu)$/);
  await explorer.experimentTab.click();
  const experiment = new ExperimentPage(page);
  expect(await experiment.mean('optimized', 'map')).toBeGreaterThan(await experiment.mean('original', 'map'));
  await expect(experiment.gainScatter).toBeVisible();
  await expect(experiment.historyRows.first()).toBeVisible();
  expect(errors).toEqual([]);
  expect(external).toEqual([]);
});

test('cancels a long run, then a changed setting runs again', async ({ page }) => {
  await page.goto('/?backend=wasm&steps=20000');
  await expect(page.getByTestId('progress')).toContainText('refine', { timeout: 60_000 });
  // Once the stage has run a second and done 1 %, the bar gives its rate and time left.
  await expect(page.getByTestId('progress')).toContainText(
    /refine [\d.,]+\/[\d.,]+ · [\d.,]+\/(s|min) · about /,
  );
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  const steps = page.getByLabel('Steps');
  await steps.fill('20');
  await steps.press('Enter');
  await expect(page).toHaveURL(/steps=20(&|$)/);
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('step-label')).toContainText('/ 20');
});

test('a bad setting in the URL falls back to the default instead of breaking the page', async ({ page }) => {
  await page.goto('/?steps=abc&backend=tpu&lr=-1');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('100');
  // The run's values go through the run's own validation, and the page says which gave way; the others too.
  await expect(page.getByTestId('link-problem')).toHaveText([
    /lr=-1 .*lr must be positive/,
    /steps=abc/,
    /backend=tpu .*backend must be one of auto, webgpu, wasm, cpu/,
  ]);
});

test('auto picks wasm over a software WebGPU adapter and says why', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('backend-status')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('backend-note')).toContainText('webgpu: software adapter only');
});
