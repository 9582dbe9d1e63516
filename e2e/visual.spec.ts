import { expect, test, type Page } from '@playwright/test';
import { ExperimentPage } from './pages/ExperimentPage';
import { ExplorerPage } from './pages/ExplorerPage';
import { OpenRunPage } from './pages/OpenRunPage';

const referenceRun = new URL('../../shared/reference/reference-run', import.meta.url).pathname;

/**
 * Visual baselines of each view on the demo (seed 42, wasm, fixed viewport, animations off), kept in
 * e2e/visual.spec.ts-snapshots/ and compared on every run: an unintended change of layout or colour fails.
 * The threshold tolerates font antialiasing, not a moved panel or a changed colour. After an intended change,
 * regenerate with `npx playwright test e2e/visual.spec.ts --update-snapshots` and look at the new images.
 */
const SCREENSHOT = {
  fullPage: true,
  animations: 'disabled',
  caret: 'hide',
  threshold: 0.2,
  maxDiffPixelRatio: 0.002,
} as const;

const VIEWPORTS = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
];

/** Opens the demo's explorer at a fixed query and step, every panel drawn, the pointer out of the way. */
async function explorerAt(page: Page, params: string): Promise<ExplorerPage> {
  const explorer = new ExplorerPage(page);
  await explorer.open(`backend=wasm&query=lost_baggage${params}`);
  await explorer.waitForPanels();
  await explorer.showStep(40);
  await explorer.slider.blur();
  await page.mouse.move(0, 0);
  return explorer;
}

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.name}`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    for (const theme of ['light', 'dark'] as const)
      test(`explorer, ${theme}`, async ({ page }) => {
        await explorerAt(page, `&theme=${theme}`);
        await expect(page).toHaveScreenshot(`explorer-${theme}-${viewport.name}.png`, SCREENSHOT);
      });

    test('explorer following the query, ReFIT, explain off', async ({ page }) => {
      await explorerAt(page, '&refit=1&follow=1&explain=0');
      await expect(page).toHaveScreenshot(`explorer-follow-refit-${viewport.name}.png`, SCREENSHOT);
    });

    test('experiment summary', async ({ page }) => {
      const explorer = await explorerAt(page, '');
      await explorer.experimentTab.click();
      const experiment = new ExperimentPage(page);
      await expect(experiment.gainScatter).toBeVisible();
      await expect(experiment.historyRows).toHaveCount(1);
      // The run's time and the browser's id for it change with every run.
      await expect(page).toHaveScreenshot(`experiment-${viewport.name}.png`, {
        ...SCREENSHOT,
        mask: [experiment.historyRows],
      });
    });

    test('an opened run: the reference fixture, teaching views from its raw scores', async ({ page }) => {
      const runs = new OpenRunPage(page);
      const explorer = new ExplorerPage(page);
      await page.goto('/?backend=wasm');
      await runs.openFolder(referenceRun);
      await explorer.queryRow('What is the baggage allowance?').click();
      await explorer.waitForPanels();
      await explorer.waitForBarsAt(20);
      await page.mouse.move(0, 0);
      // How long opening took changes with every run.
      await expect(page).toHaveScreenshot(`opened-reference-run-${viewport.name}.png`, {
        ...SCREENSHOT,
        mask: [runs.openTime],
      });
    });
  });
}
