import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../core/datasets/demo/demoParser';
import { DEFAULT_METHOD, type ComputationType } from '../core/experiment/config';
import { summarize } from '../core/experiment/outputs';
import type { ExperimentResult } from '../core/experiment/pipeline';
import { runDemoExperiment } from '../testing/demoRun';
import { experimentFiles, type RunFile } from '../core/experiment/runFiles';
import { RunFileWorkerPool, writeRunFilesInParallel } from './runFileWorkers';
import { writeExperiment, writeTablesDuringRun } from './writeExperiment';

const out = mkdtempSync(path.join(tmpdir(), 'run-file-workers-'));
let result: ExperimentResult;

beforeAll(async () => {
  result = await runDemoExperiment({ ...DEFAULT_METHOD, numSteps: 5 }, 32);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const write = (
  dir: string,
  options: { workers?: number | RunFileWorkerPool; csv?: boolean; parquet?: boolean; trec?: boolean },
) =>
  writeExperiment(result, {
    dir: path.join(out, dir),
    config: { experiment_name: 'run' },
    summary: summarize(result, 'run', 42),
    saveTensors: false,
    saveEmbeddings: false,
    ...options,
  });

describe('writing a run on worker threads', () => {
  const expectSameFiles = (dir: string, reference: string, parquet = true) => {
    const files = readdirSync(path.join(out, reference)).sort();
    expect(readdirSync(path.join(out, dir)).sort()).toEqual(files);
    if (parquet) expect(files).toContain('optimized_raw_scores.parquet');
    for (const file of files)
      expect(readFileSync(path.join(out, dir, file)), file).toEqual(
        readFileSync(path.join(out, reference, file)),
      );
  };

  it('writes the same bytes as the main thread alone', async () => {
    await write('threads', { workers: 2 });
    await write('main', { workers: 0 });
    expectSameFiles('threads', 'main');
  });

  it('writes the same bytes with workers started before the run (the CLI), and uses them once', async () => {
    const pool = new RunFileWorkerPool(2);
    expect(pool.size).toBe(2);
    await write('pool', { workers: pool });
    expectSameFiles('pool', 'main');
    expect(pool.size).toBe(0);
    await expect(write('again', { workers: pool })).resolves.toContain('qrels.txt');
  });

  it('reports a file a worker cannot write, and ends the workers', async () => {
    const options = { config: {}, summary: summarize(result, 'run', 42) };
    const files = experimentFiles(result, options);
    const pool = new RunFileWorkerPool(2);
    mkdirSync(path.join(out, 'partly'));
    // The small files have their folder, the large ones (the workers') do not.
    const target = (file: RunFile) => path.join(out, file.large ? 'missing' : 'partly', file.path);
    await expect(writeRunFilesInParallel(result, options, files, target, { workers: pool })).rejects.toThrow(
      /cannot write .*_raw_scores\.parquet/,
    );
    expect(pool.size).toBe(0);
  });

  it("writes a type's raw-score CSV and TREC run as one job, and reports that job's failure", async () => {
    const options = { config: {}, summary: summarize(result, 'run', 42), parquet: false };
    const files = experimentFiles(result, options);
    const pool = new RunFileWorkerPool(1);
    mkdirSync(path.join(out, 'pair-partly'));
    const target = (file: RunFile) => path.join(out, file.large ? 'missing' : 'pair-partly', file.path);
    // The first job (the most expensive): a pair, named by both its files.
    await expect(writeRunFilesInParallel(result, options, files, target, { workers: pool })).rejects.toThrow(
      /cannot write (\w+)_raw_scores\.csv and \1_run\.txt: .*ENOENT/,
    );
    expect(pool.size).toBe(0);
  });

  it('writes the same bytes with the CSV or the TREC run alone (no pair)', async () => {
    for (const only of [{ csv: false }, { trec: false }]) {
      const name = only.csv === false ? 'no-csv' : 'no-trec';
      await write(`threads-${name}`, { workers: 2, parquet: false, ...only });
      await write(`main-${name}`, { workers: 0, parquet: false, ...only });
      expectSameFiles(`threads-${name}`, `main-${name}`, false);
    }
  });

  it('closes a pool that wrote nothing, and then writes on the main thread', async () => {
    const pool = new RunFileWorkerPool(1);
    await pool.close();
    await pool.close();
    expect(pool.size).toBe(0);
    await write('closed', { workers: pool });
    expectSameFiles('closed', 'main');
  });

  it('writes the tables while the run goes on (onScores), the same bytes, and the rest after', async () => {
    const dataset = buildDemoDataset();
    const pool = new RunFileWorkerPool(2);
    const dir = path.join(out, 'during');
    mkdirSync(dir);
    const told: { type: ComputationType; scores: Float32Array[] }[] = [];
    const onScores = writeTablesDuringRun(pool, dataset, dir, {});
    const run = await runDemoExperiment(
      { ...DEFAULT_METHOD, numSteps: 5 },
      32,
      {
        onScores: (type, scores, taught) => {
          told.push({ type, scores });
          onScores(type, scores, taught);
        },
      },
      dataset,
    );
    // Once per type, `original` first, with the scores the result holds.
    expect(told[0].type).toBe('original');
    expect(told.map((t) => t.type).sort()).toEqual([...run.types].sort());
    for (const { type, scores } of told) expect(scores).toBe(run.scores[type]);
    // The same run as `result` (seeded): the files must equal those written after the run.
    expect(run.scores.optimized).toEqual(result.scores.optimized);
    await write('during', { workers: pool });
    expectSameFiles('during', 'main');
  });

  it('writes the files of the types not told early after the run', async () => {
    const pool = new RunFileWorkerPool(2);
    const dir = path.join(out, 'partly-early');
    mkdirSync(dir);
    const onScores = writeTablesDuringRun(pool, result.dataset, dir, { csv: false });
    onScores('original', result.scores.original, { sampled: result.sampled, teacher: result.teacher });
    await write('partly-early', { workers: pool, csv: false });
    await write('main-no-csv', { workers: 0, csv: false });
    expectSameFiles('partly-early', 'main-no-csv');
  });

  it('writes only the large files asked for (--outputs)', async () => {
    const written = await write('trec-only', { csv: false, parquet: false, trec: true });
    expect(written.filter((f) => f.includes('raw_scores'))).toEqual([]);
    expect(written).toContain('qrels.txt');
    expect(written).toContain('optimized_run.txt');
    expect(written).toContain('optimized_results.csv');
  });

  it('stops with the signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop here'));
    await expect(
      writeExperiment(result, {
        dir: path.join(out, 'stopped'),
        config: {},
        summary: summarize(result, 'stopped', 42),
        saveTensors: false,
        saveEmbeddings: false,
        signal: controller.signal,
      }),
    ).rejects.toThrow('stop here');
  });
});
