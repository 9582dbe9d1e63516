import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { strFromU8 } from 'fflate';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import Papa from 'papaparse';
import { ExperimentPage } from './pages/ExperimentPage';
import { ExplorerPage } from './pages/ExplorerPage';
import { OpenRunPage } from './pages/OpenRunPage';
// The test's own softmax and cosine, written out from DESIGN.md rather than taken from the engine.
import { cosine, softmax } from '../src/testing/referenceMath';

/**
 * Opening finished runs in the real app and server: a CLI run folder (made here by the CLI on the demo,
 * picked as a folder and opened from the server's runs folder with ?run=), the zip the app exports, and the
 * reference code's fixture run. The metrics shown must be the files' values, and the teacher/student bars
 * softmax of values computed here from the files.
 */

const root = path.resolve(new URL('.', import.meta.url).pathname, '..');
// The e2e server's RUNS_DIR (playwright.config.ts).
const runsDir = path.join(root, 'test-results/e2e-runs');
const RUN = 'e2e-demo-run';
const runDir = path.join(runsDir, RUN);
const referenceRun = path.resolve(root, '../shared/reference/reference-run');

type Row = Record<string, string>;
const csvRows = (text: string): Row[] => Papa.parse<Row>(text, { header: true, skipEmptyLines: true }).data;

/** Each shown bar's value against the expected value of its document. */
async function expectBars(
  explorer: ExplorerPage,
  which: 'teacher' | 'student',
  expected: Map<string, number>,
) {
  const bars = await explorer.bars(which);
  expect(bars.map((b) => b.docId).sort()).toEqual([...expected.keys()].sort());
  for (const bar of bars) expect(Math.abs(bar.value - expected.get(bar.docId)!)).toBeLessThan(1e-9);
}

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

/** A results table's metric columns: those between the query's id and the run's settings. */
const metricColumns = (row: Row) => {
  const columns = Object.keys(row);
  return columns.slice(columns.indexOf('query_id') + 1, columns.indexOf('dataset'));
};

/** Selects `queryId` and checks every metric before and after against its rows of the results tables. */
async function expectQueryMetrics(page: Page, queryId: string, original: Row, optimized: Row) {
  const explorer = new ExplorerPage(page);
  await explorer.queryRow(queryId).click();
  await expect(explorer.queryRow(queryId)).toHaveClass(/selected/);
  const expected = (row: Row) => Object.fromEntries(metricColumns(row).map((m) => [m, Number(row[m])]));
  expect(metricColumns(original).length).toBeGreaterThanOrEqual(26);
  await expect.poll(() => explorer.metrics('before')).toEqual(expected(original));
  await expect.poll(() => explorer.metrics('after')).toEqual(expected(optimized));
}

interface Summary {
  types: Record<
    string,
    {
      mean: Record<string, number>;
      vs_original?: {
        map: { mean_delta: number; p_randomization: number; p_t_test: number; wins: number; losses: number };
      };
    }
  >;
}

/** The summary tab against summary.json: every type's means (exact), and its MAP delta, p-values and wins. */
async function expectSummary(page: Page, summary: Summary) {
  const experiment = new ExperimentPage(page);
  await page.getByTestId('tab-experiment').click();
  await expect(experiment.summaryTable.locator('tbody tr')).toHaveCount(Object.keys(summary.types).length);
  for (const [type, s] of Object.entries(summary.types)) {
    const row = experiment.summaryTable.locator(`tr[data-type="${type}"]`);
    for (const metric of ['map', 'ndcg_at_10', 'roc_auc', 'mrr', 'precision_at_10', 'recall_at_50'])
      await expect(row.locator(`td[data-metric="${metric}"]`)).toHaveAttribute(
        'data-value',
        String(s.mean[metric]),
      );
    const v = s.vs_original?.map;
    if (v)
      for (const text of [
        Math.abs(v.mean_delta).toFixed(3),
        v.p_randomization.toPrecision(2),
        v.p_t_test.toPrecision(2),
        `${v.wins} / ${v.losses}`,
      ])
        await expect(row).toContainText(text);
  }
  await page.getByRole('tab', { name: 'Explorer' }).click();
}

/** Checks every query of a project-layout run (files read by `read`) and its summary against the page. */
async function expectRunMetrics(page: Page, read: (name: string) => string) {
  const original = csvRows(read('original_results.csv'));
  const optimized = csvRows(read('optimized_results.csv'));
  await expect(page.getByTestId('query-row')).toHaveCount(original.length);
  for (const row of original)
    await expectQueryMetrics(
      page,
      row.query_id,
      row,
      optimized.find((r) => r.query_id === row.query_id)!,
    );
  await expectSummary(page, JSON.parse(read('summary.json')) as Summary);
}

test('opens a CLI run folder, and the same run from the server by its link', async ({ page }) => {
  const runs = new OpenRunPage(page);
  await page.goto('/?backend=wasm');
  await runs.openFolder(runDir);
  await expect(runs.opened).toContainText(`Opened run: ${RUN}`);
  await expect(runs.opened).toHaveAttribute('data-layout', 'project');
  await expectRunMetrics(page, (name) => readFileSync(path.join(runDir, name), 'utf8'));
  // Saved embeddings: the UMAP map, no note about a map from the path.
  await expect(page.getByTestId('projection-map')).toBeVisible();
  await expect(page.getByTestId('map-note')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/e2e/open-run-folder.png', fullPage: true });

  await page.goto(`/?run=${RUN}&backend=wasm&query=lost_baggage`);
  await expect(runs.opened).toContainText(`Opened run: ${RUN}`);
  const original = csvRows(readFileSync(path.join(runDir, 'original_results.csv'), 'utf8'));
  const optimized = csvRows(readFileSync(path.join(runDir, 'optimized_results.csv'), 'utf8'));
  const row = (rows: Row[]) => rows.find((r) => r.query_id === 'lost_baggage')!;
  await expectQueryMetrics(page, 'lost_baggage', row(original), row(optimized));
  // The rank changes from the raw scores: every row's ranks before and after as the two files order them.
  const ranks = (file: string) =>
    new Map(
      csvRows(readFileSync(path.join(runDir, file), 'utf8'))
        .filter((r) => r.query_id === 'lost_baggage')
        .sort((a, b) => Number(b.score) - Number(a.score))
        .map((r, at) => [r.doc_id, at + 1]),
    );
  const before = ranks('original_raw_scores.csv');
  const after = ranks('optimized_raw_scores.csv');
  const shown = await new ExplorerPage(page).rankRows.evaluateAll((rows) =>
    rows.map((r) => [
      r.getAttribute('data-doc-id')!,
      Number(r.getAttribute('data-rank-before')),
      Number(r.getAttribute('data-rank-after')),
    ]),
  );
  expect(shown.length).toBeGreaterThanOrEqual(20);
  expect(shown).toEqual(shown.map(([id]) => [id, before.get(id as string), after.get(id as string)]));
  await runs.menuButton.click();
  await expect(runs.serverRun(RUN)).toBeVisible();
});

test('"Re-run in the browser" runs the opened run\'s settings here and compares the two runs', async ({
  page,
}) => {
  const runs = new OpenRunPage(page);
  const explorer = new ExplorerPage(page);
  const experiment = new ExperimentPage(page);
  await page.goto(`/?run=${RUN}&backend=wasm`);
  await expect(runs.opened).toContainText(`Opened run: ${RUN}`);
  await expect(runs.rerun).toBeEnabled();
  await runs.rerun.click();
  // The run's own settings, live now (its 30 steps, not the default 100); the opened run is closed.
  await expect(page).toHaveURL(/steps=30/);
  await expect(runs.opened).toHaveCount(0);
  await explorer.waitUntilRefined();
  await explorer.experimentTab.click();
  // Side by side: the opened run (A) and its re-run (B), the same settings, the same means (LSA on wasm).
  await expect(experiment.runDifferences).toContainText('the same settings');
  // The opened run is dated when the CLI made it (its config.json), not when it was opened.
  const made = (JSON.parse(readFileSync(path.join(runDir, 'config.json'), 'utf8')) as { timestamp: string })
    .timestamp;
  const madeShown = await page.evaluate((t) => new Date(t).toLocaleString(), made);
  await expect(page.getByTestId('history-row').filter({ hasText: madeShown })).toHaveCount(1);
  const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as {
    types: Record<string, { mean: { map: number } }>;
  };
  const row = page.getByTestId('run-comparison').locator('tr', { hasText: 'optimized · MAP' });
  await expect(row.locator('td').nth(1)).toHaveText(summary.types.optimized.mean.map.toFixed(3));
  await expect(row.locator('td').nth(2)).toHaveText(summary.types.optimized.mean.map.toFixed(3));
});

test("an opened run with embeddings: the bars at a step are softmax of the files' values", async ({
  page,
}) => {
  const explorer = new ExplorerPage(page);
  await page.goto(`/?run=${RUN}&backend=wasm&query=lost_baggage`);
  await explorer.waitForPanels();
  // Computed here from the run's files: the query at the step (trajectory.json) and the sampled documents'
  // embeddings (embeddings/docs.f32, in the order of docs.json).
  const trajectory = readdirSync(path.join(runDir, 'tensors'))
    .map(
      (slug) =>
        JSON.parse(readFileSync(path.join(runDir, 'tensors', slug, 'trajectory.json'), 'utf8')) as {
          query_id: string;
          steps: number[];
          queries: number[][];
          sampled_doc_ids: string[];
          teacher_scores: (number | null)[];
        },
    )
    .find((t) => t.query_id === 'lost_baggage')!;
  const index = JSON.parse(readFileSync(path.join(runDir, 'embeddings/docs.json'), 'utf8')) as {
    dims: number;
    ids: string[];
  };
  const bytes = readFileSync(path.join(runDir, 'embeddings/docs.f32'));
  const docs = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const vector = (id: string) => {
    const at = index.ids.indexOf(id);
    return docs.subarray(at * index.dims, (at + 1) * index.dims);
  };
  const scored = trajectory.sampled_doc_ids.filter((_, k) => trajectory.teacher_scores[k] !== null);
  const p = softmax(trajectory.teacher_scores.filter((s): s is number => s !== null));
  const STEP = 12;
  await explorer.showStep(STEP);
  await explorer.waitForBarsAt(trajectory.steps[STEP]);
  const r = softmax(scored.map((id) => cosine(trajectory.queries[STEP], vector(id))));
  await expectBars(explorer, 'teacher', new Map(scored.map((id, k) => [id, p[k]])));
  await expectBars(explorer, 'student', new Map(scored.map((id, k) => [id, r[k]])));
  // Every step is known (no note), and the ranks are re-scored at every step.
  await expect(explorer.teachingNote).toHaveCount(0);
  await expect(explorer.rankTrajectory).toHaveAttribute('data-known-steps', trajectory.steps.join(','));
});

test('opens the zip the app exports', async ({ page }) => {
  await page.goto('/?backend=wasm&tab=experiment');
  await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
  const zipPath = path.join(runsDir, 'exported.zip.download');
  const { entries, folder } = await new ExperimentPage(page).downloadRun(zipPath);
  await page.getByRole('tab', { name: 'Explorer' }).click();
  const runs = new OpenRunPage(page);
  await runs.openZip({ name: 'exported.zip', buffer: readFileSync(zipPath) });
  await expect(runs.opened).toContainText('Opened run:');
  await expectRunMetrics(page, (name) => strFromU8(entries[`${folder}/${name}`]));
  // Something that is not a run says so, and the open run stays.
  await runs.zipInput.setInputFiles({
    name: 'notes.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from('not a zip'),
  });
  await expect(runs.error).toContainText('not a readable zip');
  await expect(runs.opened).toBeVisible();
  // Dropped anywhere on the page, the zip opens as well, also over another opened run (whose read-only
  // settings have no dataset picker).
  await runs.openFolder(referenceRun);
  await expect(runs.opened).toHaveAttribute('data-layout', 'reference');
  await runs.dropFile({ name: 'exported.zip', buffer: readFileSync(zipPath) });
  await expect(runs.opened).toHaveAttribute('data-layout', 'project');
  await expect(page.getByTestId('query-row')).toHaveCount(
    csvRows(strFromU8(entries[`${folder}/original_results.csv`])).length,
  );
});

interface ReferenceRow {
  topic: string;
  document: string;
  gold_label: number;
  score: number;
  reranker_score: number | null;
}

/** A reference run's raw scores (one row per topic and document). */
const referenceRows = async (file: string): Promise<ReferenceRow[]> =>
  (await parquetReadObjects({
    file: new Uint8Array(readFileSync(path.join(referenceRun, file))).buffer,
    compressors,
  })) as ReferenceRow[];

/**
 * One topic's metrics from its raw scores, written out here: scikit-learn's average_precision_score (the
 * reference's map) and roc_auc_score, the reciprocal rank of the first relevant document, and precision and
 * recall in the top 10 (the fixture's scores have no ties).
 */
function metricsOf(rows: ReferenceRow[]): Record<string, number> {
  const relevant = (r: ReferenceRow) => r.gold_label > 0;
  const ranked = [...rows].sort((a, b) => b.score - a.score);
  const total = ranked.filter(relevant).length;
  let hits = 0;
  let ap = 0;
  let mrr = 0;
  ranked.forEach((r, at) => {
    if (!relevant(r)) return;
    hits++;
    ap += hits / (at + 1);
    if (mrr === 0) mrr = 1 / (at + 1);
  });
  let ordered = 0;
  for (const a of rows.filter(relevant))
    for (const b of rows.filter((r) => !relevant(r)))
      ordered += a.score > b.score ? 1 : a.score === b.score ? 0.5 : 0;
  const top10 = ranked.slice(0, 10).filter(relevant).length;
  return {
    map: ap / total,
    roc_auc: ordered / (total * (rows.length - total)),
    mrr,
    precision_at_10: top10 / 10,
    recall_at_10: top10 / total,
  };
}

test("opens the reference code's fixture run, maps it from the query's path", async ({ page }) => {
  const runs = new OpenRunPage(page);
  const explorer = new ExplorerPage(page);
  const before = await referenceRows('embeddings_raw_scores.parquet');
  const after = await referenceRows('optimized_embeddings_raw_scores.parquet');
  const topics = [...new Set(before.map((r) => r.topic))];
  // The test's metrics agree with scikit-learn's on one topic: average_precision_score 0.4066521231681078,
  // roc_auc_score 0.52.
  const baggage = metricsOf(before.filter((r) => r.topic === 'What is the baggage allowance?'));
  expect(Math.abs(baggage.map - 0.4066521231681078)).toBeLessThan(1e-15);
  expect(Math.abs(baggage.roc_auc - 0.52)).toBeLessThan(1e-15);

  await page.goto('/?backend=wasm');
  await runs.openFolder(referenceRun);
  await expect(runs.opened).toHaveAttribute('data-layout', 'reference');
  await expect(explorer.queryRows).toHaveCount(topics.length);
  // Every topic's metrics before and after, as computed here from the two raw-score files.
  const close = (shown: Record<string, number>, expected: Record<string, number>) =>
    Object.entries(expected).every(([metric, value]) => Math.abs(shown[metric] - value) < 1e-12);
  const means = { original: 0, optimized: 0 };
  for (const topic of topics) {
    await explorer.queryRow(topic).click();
    const expectedBefore = metricsOf(before.filter((r) => r.topic === topic));
    const expectedAfter = metricsOf(after.filter((r) => r.topic === topic));
    await expect.poll(async () => close(await explorer.metrics('before'), expectedBefore)).toBe(true);
    await expect.poll(async () => close(await explorer.metrics('after'), expectedAfter)).toBe(true);
    means.original += expectedBefore.map / topics.length;
    means.optimized += expectedAfter.map / topics.length;
  }
  // The summary tab (no summary.json in this layout: computed from the same scores).
  await explorer.experimentTab.click();
  for (const type of ['original', 'optimized'] as const) {
    const cell = new ExperimentPage(page).summaryTable.locator(
      `tr[data-type="${type}"] td[data-metric="map"]`,
    );
    expect(Math.abs(Number(await cell.getAttribute('data-value')) - means[type])).toBeLessThan(1e-12);
  }
  await page.getByRole('tab', { name: 'Explorer' }).click();
  await explorer.queryRow('What is the baggage allowance?').click();
  await expect(page.getByTestId('map-note')).toContainText('PCA');
  await expect(runs.rerun).toBeDisabled();
  // Read-only: no what-if on the opened run's teacher scores.
  await expect(page.getByTestId('teacher-score').first()).toBeDisabled();
  // The settings bar shows the run's own settings, read-only, not the live controls.
  await expect(runs.setting('Dataset')).toHaveText('fixture');
  await expect(runs.setting('Learning rate')).toHaveText('0.05');
  await expect(runs.setting('Steps')).toHaveText('20');
  await expect(page.getByTestId('dataset-select')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/e2e/open-reference-run.png', fullPage: true });
  // Back to the live settings: they run here, and the opened run is gone.
  await runs.closeRun.click();
  await expect(runs.opened).toHaveCount(0);
  await expect(page.getByTestId('dataset-select')).toHaveValue('demo');
  await explorer.waitUntilRefined();
});

test("the reference fixture's bars at the first and last step: softmax of reranker_score and raw scores", async ({
  page,
}) => {
  const TOPIC = 'What is the baggage allowance?';
  const rows = async (file: string) => (await referenceRows(file)).filter((r) => r.topic === TOPIC);
  const before = await rows('embeddings_raw_scores.parquet');
  const after = new Map((await rows('optimized_embeddings_raw_scores.parquet')).map((r) => [r.document, r]));
  const scored = before.filter((r) => r.reranker_score !== null);
  const p = softmax(scored.map((r) => r.reranker_score!));
  const rBefore = softmax(scored.map((r) => r.score));
  const rAfter = softmax(scored.map((r) => after.get(r.document)!.score));
  const byDoc = (values: number[]) => new Map(scored.map((r, k) => [r.document, values[k]]));

  const runs = new OpenRunPage(page);
  const explorer = new ExplorerPage(page);
  await page.goto('/?backend=wasm');
  await runs.openFolder(referenceRun);
  await explorer.queryRow(TOPIC).click();
  await explorer.waitForPanels();
  // No document embeddings: a note says the cosines are known at the first and last step only.
  await expect(explorer.teachingNote).toContainText('step 0 and step 20');
  await expect(explorer.rankTrajectory).toHaveAttribute('data-known-steps', '0,20');
  await explorer.waitForBarsAt(20);
  await expectBars(explorer, 'teacher', byDoc(p));
  await expectBars(explorer, 'student', byDoc(rAfter));
  await explorer.showStep(0);
  await explorer.waitForBarsAt(0);
  await expectBars(explorer, 'student', byDoc(rBefore));
  // In between, the teacher's p still, and in place of the student's bars a note with the known steps.
  await explorer.showStep(10);
  await expect(explorer.studentUnknown).toHaveAttribute('data-step', '10');
  await expect(explorer.studentDistribution).toHaveCount(0);
  await expectBars(explorer, 'teacher', byDoc(p));
  await explorer.studentUnknown.getByRole('button', { name: 'Show step 20' }).click();
  await explorer.waitForBarsAt(20);
});
