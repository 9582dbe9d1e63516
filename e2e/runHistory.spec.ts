import { expect, test } from '@playwright/test';
import { ExperimentPage } from './pages/ExperimentPage';
import { ExplorerPage } from './pages/ExplorerPage';

test("the run history keeps each run's spec, reads older entries, compares and re-runs them", async ({
  page,
}) => {
  const explorer = new ExplorerPage(page);
  const experiment = new ExperimentPage(page);
  await page.goto('/?backend=wasm');
  await explorer.waitUntilRefined();
  await explorer.experimentTab.click();
  await expect(experiment.historyRows).toHaveCount(1);

  // An entry as the app saved them before it kept the spec: a hand-picked subset of the settings.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('refinement-explorer', 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const store = () => db.transaction('runs', 'readwrite').objectStore('runs');
    const [saved] = await new Promise<Record<string, unknown>[]>((resolve) => {
      const request = store().getAll();
      request.onsuccess = () => resolve(request.result as Record<string, unknown>[]);
    });
    const { spec, ...rest } = saved as { spec: { method: Record<string, unknown> } };
    const legacy = {
      ...rest,
      id: 'legacy',
      createdAt: '2020-01-01T00:00:00.000Z',
      settings: {
        dataset: 'demo',
        embeddingModel: 'lsa-64',
        teacher: 'gold',
        teacherNoise: 0.2,
        backend: 'wasm',
        method: { ...spec.method, lr: 0.002 },
      },
    };
    await new Promise((resolve) => (store().put(legacy).onsuccess = resolve));
    db.close();
  });
  await page.reload();
  await explorer.waitUntilRefined();
  await explorer.experimentTab.click();
  await expect(experiment.historyRows).toHaveCount(3);

  // The newest run and the older entry, compared: they differ in the learning rate only.
  await experiment.historyRows.first().getByLabel('compare').check();
  const legacyRow = experiment.historyRows.last();
  await legacyRow.getByLabel('compare').check();
  await expect(experiment.runDifferences.locator('tbody tr')).toHaveCount(1);
  await expect(experiment.runDifferences.locator('tr[data-setting="Learning rate"]')).toContainText('0.002');

  // Re-running the older entry runs its whole spec here and compares the two: the same settings.
  await legacyRow.getByTestId('rerun-saved').click();
  await expect(page).toHaveURL(/lr=0\.002/);
  await expect(experiment.historyRows).toHaveCount(4);
  await expect(experiment.runDifferences).toContainText('the same settings');
});
