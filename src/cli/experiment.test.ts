import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../core/metrics/rankingMetrics';
import type { ExperimentSummary, TrajectoryFile } from '../core/experiment/outputs';
import { repoRoot, runScript, type ScriptResult } from '../../server/testing/scriptProcesses';
import { SHARED_DATA_DIR } from '../testing/sharedFolder';

const experiment = (args: string[]): Promise<ScriptResult> => runScript('src/cli/experiment.ts', args);

function csvRows(file: string): string[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n');
}

describe('npm run experiment on ArgKP21 (real data, LSA, gold teacher)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'experiment-'));
  const dir = path.join(out, 'argkp');
  let result: ScriptResult;

  beforeAll(async () => {
    result = await experiment([
      '--dataset',
      'argkp21',
      '--data-dir',
      SHARED_DATA_DIR,
      '--output-dir',
      out,
      '--experiment-name',
      'argkp',
      '--save-tensors',
      '--save-embeddings',
      '--record-every',
      '10',
      '--backend',
      'wasm',
    ]);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exits 0 and prints the headline table', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/optimized\s+MAP 0\.\d+/);
    expect(result.stderr).toContain('Backend: wasm');
  });

  it('writes config.json with every option, the backend and versions', () => {
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      dataset: 'ArgKP21',
      teacher: 'gold',
      lr: 0.0001,
      num_steps: 100,
      total_scores: 20,
      scores_from_top: 20,
      random_seed: 42,
      refit: false,
      backend: 'wasm',
      optimizer_implementation: 'cpu-kernel',
      record_every: 10,
      task_instruction: 'Given an argument, identify utterances from debates that convey this argument.',
      // LSA embeds the texts as they are: no template ran.
      query_template: null,
      document_template: null,
    });
    expect(config.versions).toHaveProperty('tfjs');
    expect(typeof config.timestamp).toBe('string');
  });

  it('writes per-type results and raw scores with one row per query and per candidate', () => {
    for (const type of ['original', 'optimized', 'rerank_only', 'rocchio']) {
      const rows = csvRows(path.join(dir, `${type}_results.csv`));
      expect(rows[0].startsWith(['topic', 'query_id', ...METRIC_NAMES].join(','))).toBe(true);
      expect(rows.length).toBe(1 + 243);
      const raw = csvRows(path.join(dir, `${type}_raw_scores.csv`));
      expect(raw[0]).toBe('query_id,doc_id,gold_label,score,teacher_score');
      expect(raw.length).toBe(1 + 24_093);
      // The gold teacher scored exactly 20 documents per query (or all of a query's fewer candidates).
      const scored = raw.slice(1).filter((line) => !line.endsWith(',')).length;
      expect(scored).toBeGreaterThan(243 * 10);
      expect(scored).toBeLessThanOrEqual(243 * 20);
    }
  });

  it('writes a summary where refinement beats the original ranking on MAP, with deltas and p-values', () => {
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as ExperimentSummary;
    const original = summary.types.original!;
    const optimized = summary.types.optimized!;
    expect(original.queries).toBe(243);
    expect(optimized.mean.map).toBeGreaterThan(original.mean.map);
    expect(optimized.vs_original!.map.mean_delta).toBeCloseTo(optimized.mean.map - original.mean.map, 10);
    expect(optimized.vs_original!.map.p_randomization).toBeLessThan(0.01);
    expect(summary.timings_ms.refine).toBeGreaterThan(0);
    expect(summary.timings_ms.total).toBeGreaterThan(0);
  });

  it('saves trajectories whose first and last points are the original and refined queries', () => {
    const slugs = readdirSync(path.join(dir, 'tensors'));
    expect(slugs.length).toBe(243);
    const queriesJson = JSON.parse(readFileSync(path.join(dir, 'embeddings/queries.json'), 'utf8')) as {
      dims: number;
      count: number;
      ids: string[];
    };
    const f32 = readFileSync(path.join(dir, 'embeddings/queries.f32'));
    expect(f32.length).toBe(queriesJson.count * queriesJson.dims * 4);
    const t = JSON.parse(
      readFileSync(path.join(dir, 'tensors', slugs[0], 'trajectory.json'), 'utf8'),
    ) as TrajectoryFile;
    expect(t.steps).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(t.loss_per_step.length).toBe(100);
    expect(t.loss_per_step[99]).toBeLessThan(t.loss_per_step[0]);
    expect(t.sampled_doc_ids.length).toBe(t.teacher_scores.length);
    const q = queriesJson.ids.indexOf(t.query_id);
    const original = Array.from(
      new Float32Array(
        f32.buffer.slice(
          f32.byteOffset + q * queriesJson.dims * 4,
          f32.byteOffset + (q + 1) * queriesJson.dims * 4,
        ),
      ),
    );
    expect(t.queries[0]).toEqual(original);
    expect(t.queries.at(-1)).not.toEqual(original);
    const docs = JSON.parse(readFileSync(path.join(dir, 'embeddings/docs.json'), 'utf8')) as {
      dims: number;
      count: number;
    };
    expect(statSync(path.join(dir, 'embeddings/docs.f32')).size).toBe(docs.count * docs.dims * 4);
    expect(docs.count).toBe(6515);
  });
});

describe('npm run experiment on the built-in demo', () => {
  it('needs no data folder and refinement helps', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'demo-'));
    try {
      const r = await experiment([
        '--dataset',
        'demo',
        '--embedding-model',
        'lsa-64',
        '--output-dir',
        out,
        '--experiment-name',
        'd',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(
        readFileSync(path.join(out, 'd', 'summary.json'), 'utf8'),
      ) as ExperimentSummary;
      expect(summary.queries).toBe(10);
      expect(summary.types.optimized!.mean.map).toBeGreaterThan(summary.types.original!.mean.map + 0.05);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('npm run experiment errors', () => {
  it('names the known datasets for an unknown one', async () => {
    const r = await experiment(['--dataset', 'NoSuchSet', '--data-dir', SHARED_DATA_DIR]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown dataset "NoSuchSet".*Clinc150/);
  });

  it('says how to fix a missing data folder', async () => {
    const r = await experiment(['--dataset', 'Clinc150', '--data-dir', '/no/such/folder']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('data folder /no/such/folder does not exist; pass --data-dir or set DATA_DIR');
  });

  it('rejects a bad value and an unknown option with a one-line message', async () => {
    const bad = await experiment(['--dataset', 'Clinc150', '--lr', 'fast']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--lr must be a number, got "fast"');
    expect(bad.stderr).not.toContain('    at ');
    const unknown = await experiment(['--dataset', 'Clinc150', '--learning-rate', '1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown option '--learning-rate'/);
    const types = await experiment(['--dataset', 'Clinc150', '--computation-types', 'optimised']);
    expect(types.stderr).toContain('--computation-types has an unknown type "optimised"');
  });

  it('prints usage with --help', async () => {
    const r = await experiment(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--scores-from-top');
    expect(existsSync(path.join(repoRoot, 'output', 'undefined'))).toBe(false);
  });
});
