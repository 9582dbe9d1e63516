import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCrossEncoderFixture } from '../../scripts/make-fixture-model';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { repoRoot, runScript, type ScriptResult } from '../../server/testing/scriptProcesses';
import { parseExperimentOptions } from './experimentOptions';
import { parseMatrixOptions } from './matrixOptions';

// `npm run experiment -- --teacher cross-encoder:<folder>` end to end on the demo, with the fixture
// cross-encoder (scripts/make-fixture-model.ts) on onnxruntime-node; and ReFIT, whose own teacher it is.
const experiment = (args: string[]): Promise<ScriptResult> => runScript('src/cli/experiment.ts', args);

/** The teacher scores of a raw-scores CSV (the last column, where present). */
function teacherScores(file: string): number[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.slice(line.lastIndexOf(',') + 1))
    .filter((cell) => cell !== '')
    .map(Number);
}

describe('--teacher and --refit', () => {
  it('--refit without --teacher uses the cross-encoder, as the reference; --teacher wins', () => {
    const parse = (args: string[]) => {
      const options = parseExperimentOptions(['--dataset', 'demo', ...args]);
      if (options === 'help') throw new Error('unexpected help');
      return options;
    };
    expect(parse([]).teacher).toBe('gold');
    expect(parse(['--refit'])).toMatchObject({ teacher: 'cross-encoder', method: { lr: 0.005 } });
    expect(parse(['--refit', '--teacher', 'gold']).teacher).toBe('gold');
    expect(parse(['--teacher', 'cross-encoder:org/name']).teacher).toBe('cross-encoder:org/name');
    // The matrix's table names the teacher its runs will use.
    const matrix = (args: string[]) => {
      const options = parseMatrixOptions(['--datasets', 'demo', ...args]);
      if (options === 'help') throw new Error('unexpected help');
      return options.teacher;
    };
    expect(matrix(['--refit'])).toBe('cross-encoder');
    expect(matrix(['--refit', '--teacher', 'gold'])).toBe('gold');
    expect(matrix([])).toBe('gold');
  });
});

describe('npm run experiment with the cross-encoder teacher (fixture folder)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'experiment-cross-encoder-'));
  let folder: string;

  beforeAll(async () => {
    folder = await writeCrossEncoderFixture(path.join(out, 'models', 'tiny-cross-encoder'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the demo end to end and records the teacher', async () => {
    const result = await experiment([
      '--dataset',
      'demo',
      '--teacher',
      `cross-encoder:${folder}`,
      '--num-steps',
      '10',
      '--output-dir',
      out,
      '--experiment-name',
      'plain',
      '--backend',
      'cpu',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Teacher: cross-encoder:${folder} (on the CPU)`);
    expect(result.stdout).toMatch(/optimized\s+MAP 0\.\d+/);
    const dir = path.join(out, 'plain');
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      teacher: `cross-encoder:${folder}`,
      teacher_device: 'cpu',
      teacher_max_length: 256,
      teacher_score_activation: 'identity',
      teacher_notes: [],
      num_steps: 10,
      refit: false,
    });
    // 20 documents scored per query, with raw logits (some negative), none missing.
    const scores = teacherScores(path.join(dir, 'optimized_raw_scores.csv'));
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as ExperimentSummary;
    expect(scores.length).toBe(summary.queries * 20);
    for (const s of scores) expect(Number.isFinite(s)).toBe(true);
    expect(scores.some((s) => s < 0)).toBe(true);
    expect(summary.types.optimized).toBeDefined();
    expect(summary.types.rocchio).toBeDefined();
  });

  it('runs ReFIT with it (a relative folder), and a wrong folder fails before any work', async () => {
    const relative = path.relative(repoRoot, folder);
    const result = await experiment([
      '--dataset',
      'demo',
      '--refit',
      '--teacher',
      `cross-encoder:${relative}`,
      '--num-steps',
      '10',
      '--output-dir',
      out,
      '--experiment-name',
      'refit',
      '--backend',
      'cpu',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const config = JSON.parse(readFileSync(path.join(out, 'refit', 'config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({ teacher: `cross-encoder:${folder}`, refit: true, lr: 0.005 });
    const summary = JSON.parse(
      readFileSync(path.join(out, 'refit', 'summary.json'), 'utf8'),
    ) as ExperimentSummary;
    expect(Number.isFinite(summary.types.optimized!.mean.map)).toBe(true);
    // ReFIT moved the queries: the optimized ranking differs from the original somewhere.
    expect(summary.types.optimized!.vs_original!.map.mean_delta).not.toBe(0);

    const missing = await experiment(['--dataset', 'demo', '--teacher', 'cross-encoder:./no/such/folder']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--teacher cross-encoder:\.\/no\/such\/folder: no such folder/);
  });
});
