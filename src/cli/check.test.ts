import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { runScript } from '../../server/testing/scriptProcesses';

describe('npm run check (Node)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'check-'));
  const baseline = path.join(out, 'baseline');
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  beforeAll(async () => {
    const made = await runScript('src/cli/experiment.ts', [
      '--dataset',
      'demo',
      '--embedding-model',
      'lsa-64',
      '--num-steps',
      '30',
      '--refit',
      // ReFIT's own teacher is the cross-encoder (a download); this baseline is about the check, on gold labels.
      '--teacher',
      'gold',
      '--output-dir',
      out,
      '--experiment-name',
      'baseline',
    ]);
    expect(made.code, made.stderr).toBe(0);
  });

  it('passes on an unchanged baseline', async () => {
    const result = await runScript('src/cli/check.ts', ['--baseline', baseline]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toMatch(/--dataset demo .*--embedding-model lsa-64 .*--num-steps 30 .*--refit/);
    expect(result.stdout).toMatch(/optimized\s+26\s+0\.000000\s+-\s+ok/);
    expect(result.stdout).toContain('PASS: all 104 mean metrics within 0.005 of the baseline.');
  });

  it('fails with a readable diff on a perturbed baseline', async () => {
    const perturbed = path.join(out, 'perturbed');
    cpSync(baseline, perturbed, { recursive: true });
    const file = path.join(perturbed, 'summary.json');
    const summary = JSON.parse(readFileSync(file, 'utf8')) as ExperimentSummary;
    const map = summary.types.optimized!.mean.map;
    summary.types.optimized!.mean.map = map + 0.02;
    summary.types.rocchio!.mean.precision_at_5 += 0.004; // within the tolerance: not reported
    writeFileSync(file, JSON.stringify(summary, null, 2));
    const result = await runScript('src/cli/check.ts', ['--baseline', file, '--tolerance', '0.005']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/optimized\s+26\s+0\.020000\s+map\s+FAIL \(1 moved\)/);
    expect(result.stdout).toMatch(/rocchio\s+26\s+0\.004000\s+precision_at_5\s+ok/);
    expect(result.stdout).toContain('Moved by more than 0.005:');
    expect(result.stdout).toMatch(
      new RegExp(`optimized\\s+map\\s+${(map + 0.02).toFixed(6)}\\s+${map.toFixed(6)}\\s+-0\\.020000\\s+✗`),
    );
    expect(result.stdout).toContain('FAIL: 1 of 104 mean metrics moved by more than 0.005.');
    // A looser tolerance lets the same change pass.
    expect((await runScript('src/cli/check.ts', ['--baseline', file, '--tolerance', '0.05'])).code).toBe(0);
  });

  it('says what is wrong when the baseline cannot be read', async () => {
    const result = await runScript('src/cli/check.ts', ['--baseline', path.join(out, 'missing')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no such file or folder');
  });
});
