import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveDataDir } from './dataFolder';
import { EXPERIMENT_SCRIPT, failureMessage, runCliProcess } from './experimentProcess';

/**
 * The `cli_run` section of `npm run bench`: the whole command a user runs, `npm run experiment` on
 * Clinc150 (LSA, gold teacher, every output file), as a child process — startup, loading, the LSA fit,
 * refinement, metrics and writing 4 types × 2.25 M raw-score rows as CSV, Parquet and TREC — timed from
 * spawn to exit, with its peak resident memory. Every run is a fresh process, as a user's is (no warm-up
 * run: tsx's transform cache, once filled, serves them all). Skipped (with the reason) where the dataset or
 * the CLI's source is not on this machine (the GPU bundle carries neither).
 */

export const CLI_RUN_ARGS = ['--dataset', 'Clinc150', '--embedding-model', 'lsa', '--teacher', 'gold'];

export interface CliRunReport {
  command: string;
  /** Wall time of each run, spawn to exit, in milliseconds. */
  samples_ms: number[];
  median_ms: number;
  /** Peak resident memory of each run in MiB (null where the platform does not show it). */
  peak_rss_mib: (number | null)[];
}

export async function benchCliRun(
  dataDirOption: string | undefined,
  repeats: number,
): Promise<CliRunReport | { skipped: string }> {
  if (!existsSync(EXPERIMENT_SCRIPT)) return { skipped: `no ${EXPERIMENT_SCRIPT} beside this benchmark` };
  let dataDir: string;
  try {
    dataDir = resolveDataDir(dataDirOption ?? (process.env.DATA_DIR ? undefined : '../shared/data'));
  } catch (e) {
    return { skipped: (e as Error).message };
  }
  if (!existsSync(path.join(dataDir, 'Clinc150')))
    return { skipped: `no Clinc150 folder in ${dataDir} (npm run download -- Clinc150)` };
  const outputDir = mkdtempSync(path.join(tmpdir(), 'bench-cli-run-'));
  const args = [...CLI_RUN_ARGS, '--data-dir', dataDir, '--output-dir', outputDir];
  const samples: number[] = [];
  const peaks: (number | null)[] = [];
  try {
    for (let i = 0; i < repeats; i++) {
      const outcome = await runCliProcess([...args, '--experiment-name', `run${i}`]);
      if (outcome.code !== 0) throw new Error(`the CLI run failed: ${failureMessage(outcome)}`);
      samples.push(Math.round(outcome.wallMs));
      peaks.push(outcome.peakRssBytes === null ? null : Math.round(outcome.peakRssBytes / 2 ** 20));
      // One run's files at a time on disk (about 0.9 GB each).
      rmSync(path.join(outputDir, `run${i}`), { recursive: true, force: true });
    }
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  process.stderr.write(`cli_run Clinc150: ${median} ms\n`);
  return {
    command: `npm run experiment -- ${CLI_RUN_ARGS.join(' ')} --data-dir ${dataDir}`,
    samples_ms: samples,
    median_ms: median,
    peak_rss_mib: peaks,
  };
}
