import { expect, test } from '@playwright/test';

test('runs the built-in demo in the browser and refinement beats the original ranking', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Refinement Explorer' })).toBeVisible();
  await page.getByTestId('run').click();
  const summary = page.getByTestId('summary-table');
  await expect(summary).toBeVisible();
  // No network, no server: the demo dataset, LSA and the optimizer all ran in the worker.
  await expect(page.getByTestId('backend')).toContainText(/Compute: (wasm|webgpu|cpu)/);
  const mapOf = async (type: string) =>
    Number(await summary.locator(`tr[data-type="${type}"] td[data-metric="map"]`).innerText());
  const original = await mapOf('original');
  const optimized = await mapOf('optimized');
  expect(original).toBeGreaterThan(0);
  expect(optimized).toBeGreaterThan(original);
  await expect(page.getByTestId('query-table').locator('tbody tr')).toHaveCount(10);
  await page.screenshot({ path: 'test-results/e2e/demo.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('cancels a run and can run again', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Steps').fill('3000');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('progress')).toContainText('refine', { timeout: 60_000 });
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  await page.getByLabel('Steps').fill('20');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary-table')).toBeVisible();
});
