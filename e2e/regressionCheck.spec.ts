import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';

/**
 * `npm run check -- --browser` end to end: a baseline made by the CLI on the demo dataset, re-run by the
 * check in the real app (its own server on a free port, its own headless Chromium), compared metric by metric.
 * The app is already built by `npm run test:e2e` (vite build), hence --no-build.
 */
const run = promisify(execFile);
const root = path.resolve(new URL('.', import.meta.url).pathname, '..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

async function cli(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [script, ...args], { cwd: root, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('the regression check re-runs a CLI baseline in the browser and passes', async () => {
  test.setTimeout(300_000);
  const out = mkdtempSync(path.join(tmpdir(), 'check-browser-'));
  try {
    const made = await cli('src/cli/experiment.ts', [
      ...['--dataset', 'demo', '--embedding-model', 'lsa-64', '--backend', 'wasm'],
      ...['--output-dir', out, '--experiment-name', 'demo'],
    ]);
    expect(made.code, made.stderr).toBe(0);
    const result = await cli('src/cli/check.ts', [
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
