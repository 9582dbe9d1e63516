import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { chromium, type LaunchOptions } from '@playwright/test';
import playwrightConfig from '../../playwright.config';
import { serializeViewState, type ViewState } from '../app/url/urlState';
import type { ExperimentSummary } from '../core/experiment/outputs';
import { PROJECT_ROOT } from './experimentProcess';

/**
 * The browser half of `npm run check -- --browser`: the real app (built by Vite, served by server/main.ts
 * with the data folder), opened headless in Chromium at the baseline's configuration (the URL carries it),
 * and the run's summary read through the automation surface (`window.refinementExplorer.summary()`).
 */

export interface BrowserRunOptions {
  view: ViewState;
  /** An app that is already running (its origin); default: build and start one. */
  appUrl?: string;
  /** The data folder the started server serves at /data/ (needed for every dataset but the demo). */
  dataDir?: string;
  /** Skip `vite build` (use dist/ as it is). */
  noBuild?: boolean;
  /** Longest wait for the run, ms (default 10 minutes). */
  timeoutMs?: number;
  /** Progress lines (stderr). */
  log?: (line: string) => void;
}

export interface BrowserRun {
  summary: ExperimentSummary;
  url: string;
  /** The compute backend the app used, as the page shows it. */
  backend: string;
}

/** Chromium's flags and binary, as the Playwright tests use them (playwright.config.ts). */
export function chromiumLaunchOptions(): LaunchOptions {
  const launch = playwrightConfig.use?.launchOptions ?? {};
  return {
    ...launch,
    executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath ?? '/usr/bin/chromium',
  };
}

export async function runInBrowser(options: BrowserRunOptions): Promise<BrowserRun> {
  const log = options.log ?? (() => {});
  let server: AppServer | undefined;
  let origin = options.appUrl?.replace(/\/+$/, '');
  try {
    if (!origin) {
      if (!options.noBuild) {
        log('Building the app (vite build) ...');
        await buildApp();
      }
      server = await startAppServer(options.dataDir);
      origin = server.origin;
      log(`App server at ${origin}${options.dataDir ? ` (data folder ${options.dataDir})` : ''}`);
    }
    const url = `${origin}/${serializeViewState(options.view)}`;
    log(`Opening ${url}`);
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(url);
      const timeout = options.timeoutMs ?? 600_000;
      // The selected query's refinement is done once the whole run is; a failed run shows its error.
      const finished = page.locator(
        '[data-testid="refinement-status"][data-state="done"], [data-testid="run-error"]',
      );
      try {
        await finished.first().waitFor({ state: 'attached', timeout });
      } catch (error) {
        const extra = pageErrors.length ? ` (page errors: ${pageErrors.join('; ')})` : '';
        throw new Error(
          `the app did not finish the run within ${Math.round(timeout / 1000)} s${extra}: ${(error as Error).message.split('\n')[0]}`,
          { cause: error },
        );
      }
      const failed = page.getByTestId('run-error');
      if (await failed.count())
        throw new Error(`the app's run failed: ${(await failed.first().innerText()).trim()}`);
      const summary = await page.evaluate(() => window.refinementExplorer.summary());
      if (!summary) throw new Error('the app finished but window.refinementExplorer.summary() is empty');
      const backend =
        (await page
          .getByTestId('backend-status')
          .getAttribute('data-backend')
          .catch(() => null)) ?? 'unknown';
      return { summary, url, backend };
    } finally {
      await browser.close();
    }
  } finally {
    await server?.stop();
  }
}

async function buildApp(): Promise<void> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js'), 'build'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0)
    throw new Error(`vite build failed (exit ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
}

interface AppServer {
  origin: string;
  stop(): Promise<void>;
}

/** server/main.ts on a free port of 127.0.0.1, as users run it (`npm start`). */
async function startAppServer(dataDir: string | undefined): Promise<AppServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1' };
  if (dataDir) env.DATA_DIR = path.resolve(dataDir);
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      path.join(PROJECT_ROOT, 'server/main.ts'),
      '--no-build',
      '--log-level',
      'warn',
    ],
    { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const onData = (text: string) => {
      output += text;
      const match = /Refinement Explorer: (http:\/\/[^\s/]+)\//.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('close', (code) =>
      reject(
        new Error(`the app server exited (status ${code}) before listening: ${output.trim().slice(-500)}`),
      ),
    );
    child.once('error', reject);
  });
  return {
    origin,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, 'close');
      child.kill('SIGTERM');
      await closed;
    },
  };
}
