import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { failureMessage, runCliProcess } from './experimentProcess';
import {
  batchStamp,
  commandLine,
  MATRIX_USAGE,
  parseMatrixOptions,
  planRuns,
  type PlannedRun,
} from './matrixOptions';
import { matrixCsv, matrixMarkdown, type MatrixRow } from './matrixTable';

/**
 * `npm run matrix`: the batch runner (the reference's run_experiments.py). Every embedding model × dataset
 * runs as its own `npm run experiment` child process, up to --parallel at once; the final table of headline
 * metrics goes to stdout (markdown) and to <output-dir>/<batch>.csv and .md. Exit status 1 when any run
 * failed or was skipped, 2 on bad options.
 */
async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseMatrixOptions(argv);
  } catch (error) {
    process.stderr.write(
      `Error: ${(error as Error).message}\n(npm run matrix -- --help lists the options)\n`,
    );
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(MATRIX_USAGE);
    return 0;
  }
  const stamp = batchStamp(new Date());
  const batch = `${options.experimentPrefix ? `${options.experimentPrefix}_` : ''}matrix_${stamp}`;
  const runs = planRuns(options, stamp);
  const outputDir = path.resolve(options.outputDir);
  const rows: MatrixRow[] = runs.map((run) => ({
    experiment: run.name,
    dataset: run.dataset,
    embeddingModel: run.embeddingModel,
    teacher: options.teacher,
    status: 'planned',
  }));

  process.stdout.write(
    `Matrix ${batch}: ${runs.length} runs (${options.embeddingModels.length} embedding models × ` +
      `${options.datasets.length} datasets), ${options.parallel} at a time${options.dryRun ? ', dry run' : ''}\n`,
  );
  for (const run of runs) {
    process.stdout.write(`  [${run.index}/${runs.length}] ${run.name}\n      ${commandLine(run.args)}\n`);
    if (run.invalid) process.stdout.write(`      cannot run: ${run.invalid}\n`);
  }
  const invalid = runs.filter((r) => r.invalid);
  if (options.dryRun) {
    process.stdout.write(`Dry run: nothing was executed.\n`);
    return invalid.length ? 2 : 0;
  }
  if (invalid.length && !options.continueOnError) {
    process.stderr.write(
      `Error: ${invalid.length} run(s) have bad options (above); nothing was started. ` +
        'Fix them, or pass --continue-on-error to run the others.\n',
    );
    return 2;
  }

  const logDir = path.join(outputDir, `${batch}-logs`);
  await mkdir(logDir, { recursive: true });
  const controller = new AbortController();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the running experiments ...\n`);
    stopping = true;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let next = 0;
  let failed = false;
  const runOne = async (run: PlannedRun, row: MatrixRow) => {
    if (run.invalid) {
      Object.assign(row, { status: 'failed', error: run.invalid });
      process.stdout.write(`✗ [${run.index}/${runs.length}] ${run.name}: ${run.invalid}\n`);
      return false;
    }
    process.stdout.write(`▶ [${run.index}/${runs.length}] ${run.name} started\n`);
    const logFile = path.join(logDir, `${run.name}.log`);
    const outcome = await runCliProcess(run.args, { logFile, signal: controller.signal });
    row.seconds = outcome.wallMs / 1000;
    const folder = path.join(outputDir, run.name);
    if (outcome.code === 0) {
      try {
        row.summary = JSON.parse(
          await readFile(path.join(folder, 'summary.json'), 'utf8'),
        ) as ExperimentSummary;
        Object.assign(row, { status: 'ok', folder });
        const map = row.summary.types.optimized?.vs_original?.map.mean_delta;
        process.stdout.write(
          `✓ [${run.index}/${runs.length}] ${run.name} (${row.seconds.toFixed(1)} s)` +
            (map === undefined ? '' : `: ΔMAP ${map >= 0 ? '+' : ''}${map.toFixed(4)}`) +
            '\n',
        );
        return true;
      } catch (error) {
        Object.assign(row, {
          status: 'failed',
          error: `no readable summary.json: ${(error as Error).message}`,
        });
      }
    } else {
      Object.assign(row, { status: 'failed', error: failureMessage(outcome) });
    }
    process.stdout.write(
      `✗ [${run.index}/${runs.length}] ${run.name} failed (${row.seconds.toFixed(1)} s): ${row.error}\n` +
        `  log: ${logFile}\n` +
        outcome.stderrTail
          .slice(-8)
          .map((line) => `  | ${line}\n`)
          .join(''),
    );
    return false;
  };
  const worker = async () => {
    while (next < runs.length && !stopping && !(failed && !options.continueOnError)) {
      const i = next++;
      const ok = await runOne(runs[i], rows[i]);
      if (!ok) failed = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, runs.length) }, worker));
  for (const row of rows) if (row.status === 'planned') row.status = 'skipped';

  const csvFile = path.join(outputDir, `${batch}.csv`);
  const mdFile = path.join(outputDir, `${batch}.md`);
  const markdown = matrixMarkdown(rows);
  await writeFile(csvFile, matrixCsv(rows));
  await writeFile(mdFile, markdown);
  const counts = (status: MatrixRow['status']) => rows.filter((r) => r.status === status).length;
  const ok = counts('ok');
  process.stdout.write(
    `\n${markdown}\n${ok} of ${rows.length} runs succeeded, ${counts('failed')} failed, ${counts('skipped')} skipped` +
      (failed && !options.continueOnError && counts('skipped')
        ? ' (stopped after the first failure; --continue-on-error runs the rest)'
        : '') +
      `.\nTable: ${csvFile} (and .md); logs: ${logDir}\n`,
  );
  return ok === rows.length ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
