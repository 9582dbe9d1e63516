import type { Locator, Page } from '@playwright/test';

/** The "Open run…" menu and the opened run's banner, by their testids (the automation surface in docs/explorer-and-automation.md). */
export class OpenRunPage {
  readonly menuButton: Locator;
  readonly folderInput: Locator;
  readonly zipInput: Locator;
  readonly opened: Locator;
  readonly openTime: Locator;
  readonly error: Locator;
  readonly rerun: Locator;
  /** The opened run's settings, read-only, in place of the settings controls. */
  readonly settings: Locator;
  readonly closeRun: Locator;

  constructor(readonly page: Page) {
    this.menuButton = page.getByTestId('open-run');
    this.folderInput = page.getByTestId('open-run-folder');
    this.zipInput = page.getByTestId('open-run-zip');
    this.opened = page.getByTestId('opened-run');
    this.openTime = page.getByTestId('opened-run-time');
    this.error = page.getByTestId('open-run-error');
    this.rerun = page.getByTestId('rerun-in-browser');
    this.settings = page.getByTestId('opened-run-settings');
    this.closeRun = page.getByTestId('close-run');
  }

  /** Opens a run folder as the folder picker gives it. */
  async openFolder(dir: string): Promise<void> {
    await this.menuButton.click();
    await this.folderInput.setInputFiles(dir);
  }

  async openZip(file: { name: string; buffer: Buffer }): Promise<void> {
    await this.menuButton.click();
    await this.zipInput.setInputFiles({ ...file, mimeType: 'application/zip' });
  }

  /** Drops a file anywhere on the page, as dragging it from the desktop does. */
  async dropFile(file: { name: string; buffer: Buffer }): Promise<void> {
    const transfer = await this.page.evaluateHandle(
      ({ name, data }) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const t = new DataTransfer();
        t.items.add(new File([bytes], name, { type: 'application/zip' }));
        return t;
      },
      { name: file.name, data: file.buffer.toString('base64') },
    );
    await this.page.dispatchEvent('body', 'dragover', { dataTransfer: transfer });
    await this.page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
  }

  /** One of the opened run's settings as shown, e.g. `setting('Learning rate')`. */
  setting(label: string): Locator {
    return this.settings.locator(`[data-setting="${label}"] output`);
  }

  /** A run the server's RUNS_DIR lists in the menu. */
  serverRun(name: string): Locator {
    return this.page.locator(`[data-testid="server-run"][data-run="${name}"]`);
  }
}
