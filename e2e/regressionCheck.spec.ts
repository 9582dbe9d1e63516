import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { runScript } from '../server/testing/scriptProcesses';

/**
 * `npm run check -- --browser` end to end: a baseline made by the CLI on the demo dataset, re-run by the
 * check in the real app (its own server on a free port, its own headless Chromium), compared metric by metric.
 * The app is already built by `npm run test:e2e` (vite build), hence --no-build.
 */

test('the regression check re-runs a CLI baseline in the browser and passes', async () => {
  test.setTimeout(300_000);
  const out = mkdtempSync(path.join(tmpdir(), 'check-browser-'));
  try {
    const made = await runScript('src/cli/experiment.ts', [
      ...['--dataset', 'demo', '--embedding-model', 'lsa-64', '--backend', 'wasm'],
      ...['--output-dir', out, '--experiment-name', 'demo'],
    ]);
    expect(made.code, made.stderr).toBe(0);
    const result = await runScript('src/cli/check.ts', [
      '--baseline',
      path.join(out, 'demo'),
      '--browser',
      '--no-build',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toMatch(/App server at http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stderr).toContain('/?backend=wasm');
    expect(result.stdout).toContain('re-run in the app in headless Chromium (wasm)');
    for (const type of ['original', 'optimized', 'rerank_only', 'rocchio'])
      expect(result.stdout).toMatch(new RegExp(`${type}\\s+26\\s+\\d\\.\\d{6}\\s+\\S+\\s+ok`));
    expect(result.stdout).toContain('PASS: all 104 mean metrics within 0.005 of the baseline.');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
