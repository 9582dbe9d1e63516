import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATENCY_STAGES } from '../core/experiment/latencyStages';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { runScript } from '../../server/testing/scriptProcesses';

describe('npm run experiment -- --measure-latency', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'latency-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('adds a per-query latency_ms section to summary.json and prints it', async () => {
    const { code, stdout, stderr } = await runScript('src/cli/experiment.ts', [
      ...['--dataset', 'demo', '--embedding-model', 'lsa-64', '--num-steps', '20'],
      ...['--measure-latency', '--latency-queries', '5', '--latency-warmup', '1'],
      ...['--output-dir', out, '--experiment-name', 'demo'],
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Latency per query (5 queries after 1 warm-up):');
    expect(stdout).toMatch(/refine\s+mean\s+\d+\.\d\d\s+median/);
    const summary = JSON.parse(
      readFileSync(path.join(out, 'demo', 'summary.json'), 'utf8'),
    ) as ExperimentSummary;
    const latency = summary.latency_ms!;
    expect(latency.queries).toBe(5);
    expect(latency.warmup_queries).toBe(1);
    expect(Object.keys(latency.stages)).toEqual([...LATENCY_STAGES]);
    expect(latency.stages.refine.mean).toBeGreaterThan(0);
    expect(latency.per_query).toHaveLength(5);
    expect(latency.max_map_difference_vs_batched).toBeLessThan(1e-6);
    expect(latency.notes.join(' ')).toContain('table look-up');
  });

  it('needs --measure-latency for its settings', async () => {
    const refused = await runScript('src/cli/experiment.ts', ['--dataset', 'demo', '--latency-queries', '5']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--latency-queries and --latency-warmup need --measure-latency');
  });
});
