import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { unzipSync } from 'fflate';

/** The Experiment summary tab: the summary table, the per-query charts, the run history and the export. */
export class ExperimentPage {
  readonly summaryTable: Locator;
  readonly gainScatter: Locator;
  readonly historyRows: Locator;
  /** The settings in which two compared runs of the history differ. */
  readonly runDifferences: Locator;
  readonly exportZip: Locator;

  constructor(readonly page: Page) {
    this.summaryTable = page.getByTestId('summary-table');
    this.gainScatter = page.getByTestId('gain-scatter');
    this.historyRows = page.getByTestId('history-row');
    this.runDifferences = page.getByTestId('run-differences');
    this.exportZip = page.getByTestId('export-zip');
  }

  /** A computation type's mean of a metric as the summary table shows it. */
  async mean(type: string, metric: string): Promise<number> {
    return Number(
      await this.summaryTable.locator(`tr[data-type="${type}"] td[data-metric="${metric}"]`).innerText(),
    );
  }

  /**
   * "Download run (.zip)": saves the zip at `zipPath` and returns its entries (path → bytes) and the run
   * folder they are in.
   */
  async downloadRun(zipPath: string): Promise<{ entries: Record<string, Uint8Array>; folder: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.exportZip.click()]);
    await download.saveAs(zipPath);
    const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
    return { entries, folder: Object.keys(entries)[0].split('/')[0] };
  }
}
