import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runScript, type ScriptResult } from '../../server/testing/scriptProcesses';
import type { ExperimentSummary } from '../core/experiment/outputs';

const dataDir = path.resolve(repoRoot, '../shared/data');

function matrix(args: string[]): Promise<ScriptResult> {
  return runScript('src/cli/matrix.ts', args);
}

/** The final table's CSV rows as objects. */
function tableOf(dir: string): Record<string, string>[] {
  const file = readdirSync(dir).find((f) => /^(\w+_)?matrix_\d{8}_\d{6}\.csv$/.test(f));
  if (!file) throw new Error(`no table in ${dir}: ${readdirSync(dir).join(', ')}`);
  const [header, ...lines] = readFileSync(path.join(dir, file), 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  // No field of these rows holds a comma except a quoted error, which is last-but-two at most.
  return lines.map((line) => {
    const fields = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, ''));
    return Object.fromEntries(names.map((n, i) => [n, fields[i]]));
  });
}

// Small settings keep the whole file near a minute on 2 cores (LSA with 64 dimensions, 20 steps, two types).
const SMALL = ['--embedding-models', 'lsa-64', '--teacher', 'gold', '--data-dir', dataDir, '--no-download'];
const FAST = ['--num-steps', '20', '--computation-types', 'original,optimized'];

/** `npm run matrix` over `datasets` with the small settings, into `outputDir`; `options` added. */
function smallMatrix(datasets: string[], outputDir: string, options: string[] = []): Promise<ScriptResult> {
  return matrix(['--datasets', ...datasets, ...SMALL, '--output-dir', outputDir, ...options]);
}

describe('npm run matrix', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'matrix-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every dataset × model in parallel and writes the folders and the final table', async () => {
    const dir = path.join(out, 'done-when');
    const result = await smallMatrix(['Clinc150', 'Banking77', 'ArgKP21'], dir, [
      '--parallel',
      '2',
      '--experiment-prefix',
      'ci',
      ...FAST,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('3 of 3 runs succeeded, 0 failed, 0 skipped');
    expect(result.stdout).toMatch(/\| # \| experiment \| dataset \|.*MAP orig → opt/);
    const table = tableOf(dir);
    expect(table.map((r) => r.dataset)).toEqual(['Clinc150', 'Banking77', 'ArgKP21']);
    for (const row of table) {
      expect(row.status).toBe('ok');
      expect(row.experiment).toMatch(new RegExp(`^ci_${row.dataset}_lsa-64_\\d{8}_\\d{6}$`));
      const folder = path.join(dir, row.experiment);
      expect(row.folder).toBe(folder);
      for (const file of [
        'config.json',
        'summary.json',
        'optimized_results.csv',
        'optimized_raw_scores.parquet',
        'optimized_run.txt',
        'qrels.txt',
      ])
        expect(existsSync(path.join(folder, file)), `${row.experiment}/${file}`).toBe(true);
      const summary = JSON.parse(
        readFileSync(path.join(folder, 'summary.json'), 'utf8'),
      ) as ExperimentSummary;
      expect(Number(row.map_original)).toBe(summary.types.original!.mean.map);
      expect(Number(row.map_optimized)).toBe(summary.types.optimized!.mean.map);
      expect(Number(row.map_delta)).toBe(summary.types.optimized!.vs_original!.map.mean_delta);
      expect(Number(row.ndcg_at_10_p_randomization)).toBe(
        summary.types.optimized!.vs_original!.ndcg_at_10.p_randomization,
      );
      expect(Number(row.time_s)).toBeGreaterThan(0);
      const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(config).toMatchObject({ num_steps: 20, teacher: 'gold', embedding_model_spec: 'lsa-64' });
    }
  });

  it('--dry-run prints the runs and executes nothing', async () => {
    const dir = path.join(out, 'dry');
    const result = await smallMatrix(['Clinc150', 'Banking77', 'ArgKP21'], dir, [
      '--parallel',
      '2',
      '--dry-run',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 runs (1 embedding models × 3 datasets)');
    expect(result.stdout).toMatch(
      /npm run experiment -- --dataset Banking77 --embedding-model lsa-64 --experiment-name Banking77_lsa-64_\d+_\d+ /,
    );
    expect(result.stdout).toContain('Dry run: nothing was executed.');
    expect(existsSync(dir)).toBe(false);
  });

  it('--continue-on-error survives a failing run and reports it in the table and the exit status', async () => {
    const dir = path.join(out, 'continue');
    const result = await smallMatrix(['NoSuchDataset', 'ArgKP21'], dir, ['--continue-on-error', ...FAST]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1 of 2 runs succeeded, 1 failed, 0 skipped');
    const table = tableOf(dir);
    expect(table[0]).toMatchObject({ dataset: 'NoSuchDataset', status: 'failed' });
    expect(table[0].error).toMatch(/unknown dataset .*NoSuchDataset/);
    expect(table[1]).toMatchObject({ dataset: 'ArgKP21', status: 'ok' });
    expect(existsSync(path.join(table[1].folder, 'summary.json'))).toBe(true);
  });

  it('without --continue-on-error, starts no run after a failure', async () => {
    const dir = path.join(out, 'stop');
    const result = await smallMatrix(['NoSuchDataset', 'ArgKP21'], dir, FAST);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('0 of 2 runs succeeded, 1 failed, 1 skipped');
    expect(tableOf(dir).map((r) => r.status)).toEqual(['failed', 'skipped']);
    expect(readdirSync(dir).filter((f) => f.startsWith('ArgKP21'))).toEqual([]);
  });

  it('refuses bad options before starting anything', async () => {
    const result = await matrix([
      '--datasets',
      'ArgKP21',
      '--num-steps',
      'many',
      '--output-dir',
      path.join(out, 'bad'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad options');
    expect(result.stdout).toContain('--num-steps must be a number');
    expect(existsSync(path.join(out, 'bad'))).toBe(false);
  });
});
