import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { compareSummaries, DEFAULT_TOLERANCE } from '../core/experiment/summaryDiff';
import { experimentArgsFromConfig, readBaseline, viewStateFromConfig, type Baseline } from './baselineConfig';
import { runInBrowser } from './checkBrowser';
import { formatDiff } from './checkReport';
import { commandLine } from './matrixOptions';
import { failureMessage, runCliProcess } from './experimentProcess';
import { parseCliArgs, rejectArguments } from './cliFlags';

export const CHECK_USAGE = `Usage: npm run check -- --baseline <summary.json or its folder> [options]

Regression check: re-runs the baseline's configuration (read from the config.json beside its summary.json:
dataset, embedder, teacher, computation types, parameters, seed) and compares every mean metric of every
computation type with the baseline's. Exit status 0 when none moved by more than the tolerance, 1 when any
did (a diff table says which), 2 when the check itself could not run.

  --baseline PATH        a run's summary.json, or the run's folder (required)
  --tolerance X          largest allowed |change| of a mean metric (default ${DEFAULT_TOLERANCE})
  --browser              re-run in the real app, headless (Chromium through Playwright), instead of Node:
                         builds the app (vite build), starts the server (server/main.ts) with the data
                         folder, opens the app at the configuration's URL and reads the run's summary
                         through window.refinementExplorer.summary()
  --data-dir DIR         the data folder (default: the baseline's own, when it exists here; else
                         $DATA_DIR or ./data)
  --backend NAME         compute backend of the re-run (default: the baseline's)
  --app-url URL          --browser: check an app that is already running instead of starting one
  --no-build             --browser: use dist/ as it is
  --timeout S            --browser: longest wait for the app's run, in seconds (default 600)
  --keep-output DIR      Node: keep the re-run's output folder in DIR (default: a temporary folder, removed)
  --all                  list every compared metric, not only those that moved
  -h, --help             this text
`;

interface CheckOptions {
  baseline: string;
  tolerance: number;
  browser: boolean;
  dataDir?: string;
  backend?: string;
  appUrl?: string;
  noBuild: boolean;
  timeoutS: number;
  keepOutput?: string;
  all: boolean;
}

function parseCheckOptions(argv: string[]): CheckOptions | 'help' {
  const { values, positionals } = parseCliArgs(argv, {
    baseline: { type: 'string' },
    tolerance: { type: 'string' },
    browser: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    backend: { type: 'string' },
    'app-url': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    timeout: { type: 'string' },
    'keep-output': { type: 'string' },
    all: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return 'help';
  rejectArguments(positionals);
  if (!values.baseline) throw new Error('--baseline is required: a run’s summary.json or its folder');
  const tolerance = values.tolerance === undefined ? DEFAULT_TOLERANCE : Number(values.tolerance);
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new Error(`--tolerance must be a number ≥ 0, got "${values.tolerance}"`);
  const timeoutS = values.timeout === undefined ? 600 : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new Error(`--timeout must be a positive number of seconds`);
  if (!values.browser)
    for (const flag of ['app-url', 'no-build', 'timeout'] as const)
      if (values[flag] !== undefined && values[flag] !== false)
        throw new Error(`--${flag} goes with --browser`);
  if (values.browser && values['keep-output']) throw new Error('--keep-output is for the Node check');
  return {
    baseline: values.baseline,
    tolerance,
    browser: values.browser,
    dataDir: values['data-dir'],
    backend: values.backend,
    appUrl: values['app-url'],
    noBuild: values['no-build'],
    timeoutS,
    keepOutput: values['keep-output'],
    all: values.all,
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The data folder of the re-run: the one given, else the baseline's when it exists on this machine. */
function dataDirFor(baseline: Baseline, given: string | undefined): string | undefined {
  if (given) return given;
  const recorded = baseline.config.data_dir;
  if (typeof recorded !== 'string' || recorded === '') return undefined;
  if (existsSync(recorded)) return recorded;
  log(
    `note: the baseline's data folder ${recorded} is not here; using $DATA_DIR or ./data (or pass --data-dir)`,
  );
  return undefined;
}

async function rerunInNode(baseline: Baseline, options: CheckOptions): Promise<ExperimentSummary> {
  const args = experimentArgsFromConfig(baseline.config, {
    // null: no --data-dir, so the runner falls back to $DATA_DIR or ./data.
    dataDir: dataDirFor(baseline, options.dataDir) ?? null,
    backend: options.backend,
  });
  const outputDir = options.keepOutput
    ? path.resolve(options.keepOutput)
    : await mkdtemp(path.join(tmpdir(), 'check-'));
  // A kept folder holds the previous check's run: it is replaced (the experiment runner refuses otherwise).
  const keep = options.keepOutput ? ['--overwrite'] : [];
  const runArgs = [...args, '--output-dir', outputDir, '--experiment-name', 'check', ...keep];
  log(`Re-running the baseline's configuration:\n  ${commandLine(runArgs)}`);
  try {
    const outcome = await runCliProcess(runArgs);
    if (outcome.code !== 0) throw new Error(`the re-run failed: ${failureMessage(outcome)}`);
    return JSON.parse(
      await readFile(path.join(outputDir, 'check', 'summary.json'), 'utf8'),
    ) as ExperimentSummary;
  } finally {
    if (!options.keepOutput) await rm(outputDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  let options: CheckOptions | 'help';
  try {
    options = parseCheckOptions(argv);
  } catch (error) {
    log(`Error: ${(error as Error).message}\n(npm run check -- --help lists the options)`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(CHECK_USAGE);
    return 0;
  }
  let baseline: Baseline;
  let current: ExperimentSummary;
  let where: string;
  try {
    baseline = await readBaseline(options.baseline);
    log(
      `Baseline: ${baseline.summaryFile} (${baseline.summary.dataset}, ${baseline.summary.queries} queries)`,
    );
    if (options.browser) {
      const view = viewStateFromConfig(baseline.config, options.backend);
      const run = await runInBrowser({
        view,
        appUrl: options.appUrl,
        dataDir: dataDirFor(baseline, options.dataDir),
        noBuild: options.noBuild,
        timeoutMs: options.timeoutS * 1000,
        log,
      });
      current = run.summary;
      where = `the app in headless Chromium (${run.backend})`;
    } else {
      current = await rerunInNode(baseline, options);
      where = 'Node';
    }
  } catch (error) {
    log(`\nError: ${(error as Error).message}`);
    if (process.env.DEBUG && error instanceof Error && error.stack) log(error.stack);
    return 2;
  }
  const diff = compareSummaries(baseline.summary, current, options.tolerance);
  process.stdout.write(
    `\nRegression check of ${baseline.summary.dataset} against ${baseline.summaryFile}\n` +
      `re-run in ${where}, tolerance ${options.tolerance}\n\n${formatDiff(diff, options.all)}`,
  );
  return diff.passed ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
