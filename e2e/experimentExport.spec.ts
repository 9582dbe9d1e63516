import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { ExperimentPage } from './pages/ExperimentPage';

const root = path.resolve(new URL('.', import.meta.url).pathname, '..');

function parseCsv(text: string): Record<string, string>[] {
  // The results files quote only the topic column; split the rest on commas.
  const lines = text.trimEnd().split('\n');
  const header = lines[0].split(',');
  return lines.slice(1).map((line) => {
    const cells: string[] = [];
    let rest = line;
    if (rest.startsWith('"')) {
      const end = rest.indexOf('",', 1);
      cells.push(rest.slice(1, end).replace(/""/g, '"'));
      rest = rest.slice(end + 2);
    } else {
      const end = rest.indexOf(',');
      cells.push(rest.slice(0, end));
      rest = rest.slice(end + 1);
    }
    cells.push(...rest.split(','));
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  });
}

test('a whole run exported from the Experiments view holds the CLI’s files with the same metrics', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const out = mkdtempSync(path.join(tmpdir(), 'export-'));
  try {
    // The CLI's output for the same configuration (the demo, LSA 64, gold, defaults, wasm).
    await promisify(execFile)(
      path.join(root, 'node_modules/.bin/tsx'),
      [
        'src/cli/experiment.ts',
        '--dataset',
        'demo',
        '--embedding-model',
        'lsa-64',
        '--backend',
        'wasm',
        '--output-dir',
        out,
        '--experiment-name',
        'cli',
      ],
      { cwd: root },
    );
    const cliDir = path.join(out, 'cli');

    await page.goto('/?backend=wasm&tab=experiment');
    await expect(page.getByTestId('refinement-status')).toHaveAttribute('data-state', 'done');
    // The latency report, measured in the worker, goes into the exported summary.json too.
    await page.getByTestId('measure-latency').click();
    const total = page.locator('[data-testid="latency-table"] tr[data-stage="total"] td[data-stat="mean"]');
    await expect(total).toBeVisible();
    expect(Number(await total.innerText())).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/e2e/experiment-latency.png', fullPage: true });
    const { entries, folder } = await new ExperimentPage(page).downloadRun(path.join(out, 'browser.zip'));
    const files = (name: string) => new TextDecoder().decode(entries[`${folder}/${name}`]);

    // The same top-level files (trajectories are extra in the browser: the CLI wrote none here).
    const zipTop = new Set(
      Object.keys(entries)
        .map((p) => p.slice(folder.length + 1))
        .filter((p) => !p.startsWith('tensors/')),
    );
    expect([...zipTop].sort()).toEqual(
      readdirSync(cliDir)
        .filter((f) => !f.startsWith('.'))
        .sort(),
    );

    for (const type of ['original', 'optimized', 'rerank_only', 'rocchio']) {
      const browserRows = parseCsv(files(`${type}_results.csv`));
      const cliRows = parseCsv(readFileSync(path.join(cliDir, `${type}_results.csv`), 'utf8'));
      expect(browserRows.length).toBe(10);
      for (const [i, row] of browserRows.entries()) {
        expect(row.query_id).toBe(cliRows[i].query_id);
        for (const metric of ['map', 'ndcg_at_10', 'roc_auc', 'mrr', 'precision_at_10', 'recall_at_50'])
          expect(
            Math.abs(Number(row[metric]) - Number(cliRows[i][metric])),
            `${type} ${row.query_id} ${metric}`,
          ).toBeLessThanOrEqual(1e-6);
      }
    }
    const summary = JSON.parse(files('summary.json')) as {
      types: Record<string, { mean: Record<string, number> }>;
    };
    const cliSummary = JSON.parse(readFileSync(path.join(cliDir, 'summary.json'), 'utf8')) as typeof summary;
    expect(
      Math.abs(summary.types.optimized.mean.map - cliSummary.types.optimized.mean.map),
    ).toBeLessThanOrEqual(1e-6);
    expect(files('optimized_run.txt').split('\n')[0]).toMatch(/^\S+ Q0 \S+ 1 \S+ \S+$/);
    expect(entries[`${folder}/optimized_raw_scores.parquet`].length).toBeGreaterThan(100);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
