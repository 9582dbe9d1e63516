import { expect, test } from '@playwright/test';
import { ExplorerPage } from './pages/ExplorerPage';
// The test's own softmax and ReFIT normalisation, written out from DESIGN.md.
import { minMax, softmax } from '../src/testing/referenceMath';

for (const refit of [false, true]) {
  test(`teacher vs student bars equal softmax of the trajectory's values at a step${refit ? ' (ReFIT)' : ''}`, async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const explorer = new ExplorerPage(page);
    await explorer.open(`backend=wasm&query=lost_baggage${refit ? '&refit=1' : ''}`);
    await explorer.waitForPanels();
    const STEP = 37;
    await explorer.showStep(STEP);
    await expect(explorer.teacherDistribution).toHaveAttribute('data-step', String(STEP));
    await expect(explorer.studentDistribution).toHaveAttribute('data-step', String(STEP));

    const query = (await explorer.currentQuery())!;
    const view = query.teacherStudent!;
    expect(view.refit).toBe(refit);
    const ids = view.documents.map((d) => d.docId);
    expect(ids).toHaveLength(20);
    // The cosines at the first and last steps are the query's own scores before and after refinement.
    const byId = new Map(query.documents.map((d) => [d.docId, d]));
    ids.forEach((id, k) => {
      expect(view.perStep[0].cosines[k]).toBeCloseTo(byId.get(id)!.scoreBefore, 5);
      expect(view.perStep.at(-1)!.cosines[k]).toBeCloseTo(byId.get(id)!.scoreAfter, 5);
    });

    // p and r computed here from the teacher's scores and the cosines at the step.
    const s = view.teacherScores;
    const p = softmax(refit ? minMax(s).map((x) => x / 2) : s);
    const cos = view.perStep[STEP].cosines;
    const r = softmax(refit ? minMax(cos) : cos);
    const teacher = await explorer.bars('teacher');
    const student = await explorer.bars('student');
    expect(teacher.map((b) => b.docId).sort()).toEqual([...ids].sort());
    expect(student.map((b) => b.docId).sort()).toEqual([...ids].sort());
    for (const bar of teacher) expect(bar.value).toBeCloseTo(p[ids.indexOf(bar.docId)], 12);
    for (const bar of student) expect(bar.value).toBeCloseTo(r[ids.indexOf(bar.docId)], 12);

    // Their KL is the loss the optimizer recorded at that step (float32 there).
    const kl = p.reduce((sum, pk, k) => sum + pk * Math.log((pk + 1e-8) / (r[k] + 1e-8)), 0);
    expect(Math.abs(kl - query.lossPerStep[STEP]) / kl).toBeLessThan(1e-5);
    expect(Number(await explorer.stepKl.getAttribute('data-value'))).toBeCloseTo(kl, 12);

    // Play animates the bars to the last step.
    const before = await explorer.bars('student');
    await explorer.play.click();
    await expect(explorer.studentDistribution).toHaveAttribute('data-step', '100', { timeout: 10_000 });
    expect(await explorer.bars('student')).not.toEqual(before);
    await page.screenshot({ path: `test-results/e2e/teaching${refit ? '-refit' : ''}.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
}

test('ranks over steps end at the refined ranking; follow, explain, theme and keys', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const explorer = new ExplorerPage(page);
  // No query in the URL: the demo opens on the query with the clearest gain, first in the list by gain.
  await explorer.open('backend=wasm');
  await explorer.waitForPanels();
  const first = await explorer.queryRows.first().getAttribute('data-query-id');
  await expect(page).toHaveURL(new RegExp(`query=${first}`));
  await expect(explorer.queryRows.first()).toHaveClass(/selected/);

  // Ranks over steps: every relevant and sampled document; at the last step the rank rows' refined ranks.
  const query = (await explorer.currentQuery())!;
  const trajectory = query.rankTrajectory!;
  expect(trajectory.documents.filter((d) => d.label > 0)).toHaveLength(query.relevantCount);
  await expect(explorer.rankTrajectory).toHaveAttribute(
    'data-documents',
    String(trajectory.documents.length),
  );
  await expect(explorer.rankTrajectory).toHaveAttribute('data-step', '100');
  const lines = await page
    .getByTestId('rank-line')
    .evaluateAll((ls) =>
      ls.map((l) => [l.getAttribute('data-doc-id')!, Number(l.getAttribute('data-rank'))] as const),
    );
  expect(lines).toHaveLength(trajectory.documents.length);
  const rows = await explorer.rankRows.evaluateAll((rs) =>
    rs.map((r) => [r.getAttribute('data-doc-id')!, Number(r.getAttribute('data-rank-after'))] as const),
  );
  const shownRank = new Map(lines);
  for (const [docId, rankAfter] of rows)
    if (shownRank.has(docId)) expect(shownRank.get(docId)).toBe(rankAfter);
  await explorer.showStep(0);
  await expect(explorer.rankTrajectory).toHaveAttribute('data-step', '0');
  const rankBefore = new Map(
    await explorer.rankRows.evaluateAll((rs) =>
      rs.map((r) => [r.getAttribute('data-doc-id')!, Number(r.getAttribute('data-rank-before'))] as const),
    ),
  );
  for (const [docId, rank] of await page
    .getByTestId('rank-line')
    .evaluateAll((ls) =>
      ls.map((l) => [l.getAttribute('data-doc-id')!, Number(l.getAttribute('data-rank'))] as const),
    ))
    if (rankBefore.has(docId)) expect(rank).toBe(rankBefore.get(docId));

  // Keyboard: →/← step, space plays, j/k next/previous query; not while typing in an input.
  await explorer.slider.blur();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(explorer.map).toHaveAttribute('data-step', '2');
  await page.keyboard.press('ArrowLeft');
  await expect(explorer.teacherDistribution).toHaveAttribute('data-step', '1');
  // Space plays also with the step slider focused (it has no use for space itself).
  await explorer.slider.focus();
  await page.keyboard.press(' ');
  await expect(explorer.stepLabel).toContainText('step 100 / 100', { timeout: 10_000 });
  const second = await explorer.queryRows.nth(1).getAttribute('data-query-id');
  await page.keyboard.press('j');
  await expect(page).toHaveURL(new RegExp(`query=${second}`));
  await explorer.waitUntilRefined();
  await page.keyboard.press('k');
  await expect(page).toHaveURL(new RegExp(`query=${first}`));
  const search = page.getByLabel('Search queries');
  await search.focus();
  await page.keyboard.press('j');
  await expect(search).toHaveValue('j');
  await expect(page).toHaveURL(new RegExp(`query=${first}`));
  await search.fill('');
  await search.blur();
  await explorer.waitForPanels();

  // Follow the query: the map zooms to the path; hovering its start shows step 0 and its loss.
  await explorer.followQuery.click();
  await expect(page).toHaveURL(/follow=1/);
  await expect(explorer.map).toHaveAttribute('data-follow', 'true');
  await explorer.hoverPath('start');
  await expect(explorer.pathTooltip).toHaveAttribute('data-step', '0');
  await expect(explorer.pathTooltip).toContainText(`loss ${query.lossPerStep[0].toPrecision(4)}`);

  // Explain mode: a caption on every panel, switched off (and into the URL) for a lecture's clean slides.
  expect(await explorer.captions.count()).toBeGreaterThanOrEqual(7);
  await explorer.explainToggle.uncheck();
  await expect(explorer.captions).toHaveCount(0);
  await expect(page).toHaveURL(/explain=0/);

  // Themes: the toggle switches light/dark and keeps it in the URL; a reload keeps every choice.
  await explorer.themeToggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page).toHaveURL(/theme=dark/);
  await page.reload();
  await explorer.waitForPanels();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(explorer.captions).toHaveCount(0);
  await expect(explorer.map).toHaveAttribute('data-follow', 'true');
  expect(errors).toEqual([]);
});

test('auto theme follows the system’s prefers-color-scheme', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  const explorer = new ExplorerPage(page);
  await explorer.open('backend=wasm');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await context.close();
});
