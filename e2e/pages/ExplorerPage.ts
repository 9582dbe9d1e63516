import { expect, type Locator, type Page } from '@playwright/test';

/** One bar of the teacher's or the student's distribution, as the page shows it. */
export interface ShownBar {
  docId: string;
  value: number;
}

/**
 * The explorer as the e2e specs drive it: opening a URL, the selected query's panels, the step controls and
 * the teaching views, by their stable testids (the automation surface in docs/explorer-and-automation.md).
 */
export class ExplorerPage {
  readonly status: Locator;
  readonly backendStatus: Locator;
  readonly queryTitle: Locator;
  readonly slider: Locator;
  readonly stepLabel: Locator;
  readonly play: Locator;
  readonly map: Locator;
  readonly mapCanvas: Locator;
  readonly rankRows: Locator;
  readonly queryRows: Locator;
  readonly teacherDistribution: Locator;
  readonly studentDistribution: Locator;
  /** In place of the student's bars at a step whose cosines an opened run's files do not hold. */
  readonly studentUnknown: Locator;
  readonly teachingNote: Locator;
  readonly stepKl: Locator;
  readonly rankTrajectory: Locator;
  readonly followQuery: Locator;
  readonly pathTooltip: Locator;
  readonly explainToggle: Locator;
  readonly themeToggle: Locator;
  readonly captions: Locator;
  readonly experimentTab: Locator;

  constructor(readonly page: Page) {
    const id = (testId: string) => page.getByTestId(testId);
    this.status = id('refinement-status');
    this.backendStatus = id('backend-status');
    this.queryTitle = id('query-title');
    this.slider = id('trajectory-slider');
    this.stepLabel = id('step-label');
    this.play = id('play');
    this.map = id('projection-map');
    this.mapCanvas = this.map.locator('canvas');
    this.rankRows = id('rank-row');
    this.queryRows = id('query-row');
    this.teacherDistribution = id('teacher-distribution');
    this.studentDistribution = id('student-distribution');
    this.studentUnknown = id('student-unknown');
    this.teachingNote = id('teaching-note');
    this.stepKl = id('step-kl');
    this.rankTrajectory = id('rank-trajectory');
    this.followQuery = id('follow-query');
    this.pathTooltip = id('path-tooltip');
    this.explainToggle = id('explain-toggle');
    this.themeToggle = id('theme-toggle');
    this.captions = id('panel-caption');
    this.experimentTab = id('tab-experiment');
  }

  /** Opens the explorer with these URL parameters and waits until the selected query is refined. */
  async open(params: string): Promise<void> {
    await this.page.goto(`/?${params}`);
    await this.waitUntilRefined();
  }

  async waitUntilRefined(): Promise<void> {
    await expect(this.status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  }

  /** Waits for the map and both teaching views of the selected query. */
  async waitForPanels(): Promise<void> {
    await expect(this.map).toBeVisible({ timeout: 120_000 });
    await expect(this.teacherDistribution).toBeVisible({ timeout: 120_000 });
    await expect(this.rankTrajectory).toBeVisible({ timeout: 120_000 });
  }

  queryRow(id: string): Locator {
    return this.page.locator(`[data-testid="query-row"][data-query-id="${id}"]`);
  }

  rankRow(docId: string): Locator {
    return this.page.locator(`[data-testid="rank-row"][data-doc-id="${docId}"]`);
  }

  /** Moves the step slider to recorded step `index` and waits until every panel shows it. */
  async showStep(index: number): Promise<void> {
    await this.slider.fill(String(index));
    await expect(this.map).toHaveAttribute('data-step', String(index));
  }

  /** Waits until both distributions show recorded step number `step` (not the slider index). */
  async waitForBarsAt(step: number): Promise<void> {
    await expect(this.teacherDistribution).toHaveAttribute('data-step', String(step));
    await expect(this.studentDistribution).toHaveAttribute('data-step', String(step));
  }

  /** Every metric before or after refinement as shown (`data-metric` → `data-value`). */
  async metrics(which: 'before' | 'after'): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const cell of await this.page.getByTestId(`metric-${which}`).all())
      out[(await cell.getAttribute('data-metric'))!] = Number(await cell.getAttribute('data-value'));
    return out;
  }

  async metric(which: 'before' | 'after', name: string): Promise<number> {
    const cell = this.page.locator(`[data-testid="metric-${which}"][data-metric="${name}"]`);
    return Number(await cell.getAttribute('data-value'));
  }

  /** The rank rows in order, as `docId:rankAfter`: changes whenever the refined ranking does. */
  async rankSignature(): Promise<string[]> {
    return this.rankRows.evaluateAll((rows) =>
      rows.map((r) => `${r.getAttribute('data-doc-id')}:${r.getAttribute('data-rank-after')}`),
    );
  }

  /** The bars of one distribution as shown: document id and value (data attributes). */
  async bars(which: 'teacher' | 'student'): Promise<ShownBar[]> {
    return this.page.getByTestId(`${which}-bar`).evaluateAll((bars) =>
      bars.map((b) => ({
        docId: b.getAttribute('data-doc-id')!,
        value: Number(b.getAttribute('data-value')),
      })),
    );
  }

  /** Moves the pointer over the start or the end of the query's path on the map. */
  async hoverPath(which: 'start' | 'end'): Promise<void> {
    const [x, y] = (await this.map.getAttribute(`data-path-${which}`))!.split(',').map(Number);
    const box = (await this.mapCanvas.boundingBox())!;
    await this.page.mouse.move(box.x + x, box.y + y);
  }

  /** The automation surface's view of the selected query (window.refinementExplorer.currentQuery()). */
  currentQuery() {
    return this.page.evaluate(() => window.refinementExplorer.currentQuery());
  }
}
