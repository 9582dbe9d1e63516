import type { Locator, Page } from '@playwright/test';

/** The Experiment summary tab: the summary table, the per-query charts and the run history. */
export class ExperimentPage {
  readonly summaryTable: Locator;
  readonly gainScatter: Locator;
  readonly historyRows: Locator;

  constructor(readonly page: Page) {
    this.summaryTable = page.getByTestId('summary-table');
    this.gainScatter = page.getByTestId('gain-scatter');
    this.historyRows = page.getByTestId('history-row');
  }

  /** A computation type's mean of a metric as the summary table shows it. */
  async mean(type: string, metric: string): Promise<number> {
    return Number(
      await this.summaryTable.locator(`tr[data-type="${type}"] td[data-metric="${metric}"]`).innerText(),
    );
  }
}
