/**
 * `npm run bench:browser`: runs the built app headless in Debian's Chromium and prints one JSON document
 * with the time to embed the demo corpus, to project it, to refine one query and all queries, per backend
 * the browser offers (WebGPU needs --enable-unsafe-webgpu here and is a software adapter on this machine),
 * and the built bundle's sizes (`bundle`, from scripts/bundleReport.ts: every JS chunk raw and gzipped, the
 * main thread's entry chunk and its imports, and whether they are free of tfjs; exit code 1 when not).
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromiumLaunch';
import { bundleReport } from './bundleReport';

const PORT = Number(process.env.BENCH_PORT ?? 4199);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'wasm,webgpu,cpu').split(',');
/** A run folder to time "Open run…" on (e.g. a Clinc150 CLI run); the case is skipped without one. */
const OPEN_RUN = process.env.BENCH_OPEN_RUN;

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not start at ${url}`);
}

const bundle = bundleReport('dist');
process.stderr.write(
  `bundle: main thread ${bundle.main_thread.files.join(', ')}: ${bundle.main_thread.bytes} bytes, ` +
    `${bundle.main_thread.gzip_bytes} gzipped, ${bundle.main_thread.tfjs_free ? 'no tfjs' : 'CARRIES TFJS'}\n`,
);
if (!bundle.main_thread.tfjs_free) process.exitCode = 1;

const server = spawn(
  'npx',
  ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
  { stdio: 'ignore' },
);
try {
  const url = `http://127.0.0.1:${PORT}/`;
  await waitForServer(url, 30_000);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  const results: unknown[] = [];
  for (const backend of BACKENDS) {
    const page = await browser.newPage();
    // The app runs the demo on open (0 steps here, to be quick); the benchmark waits until it is done so
    // that nothing else uses the worker while it measures.
    await page.goto(`${url}?tab=experiment&steps=0&backend=wasm`);
    await page.waitForSelector('[data-testid="refinement-status"][data-state="done"]', { timeout: 120_000 });
    const result = await page
      .evaluate((b) => window.refinementExplorer.benchmark(b as 'wasm'), backend)
      .catch((e: Error) => ({ backend, unavailable: e.message.split('\n')[0] }));
    process.stderr.write(`${backend}: ${JSON.stringify(result)}\n`);
    results.push(result);
    await page.close();
  }
  const openRun = OPEN_RUN
    ? await timeOpenRun(browser, url, OPEN_RUN)
    : { skipped: 'set BENCH_OPEN_RUN=<run folder>' };
  process.stderr.write(`open run: ${JSON.stringify(openRun)}\n`);
  const report = {
    benchmark: 'refinement-explorer browser',
    timestamp: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    results,
    open_run: openRun,
    bundle,
  };
  await browser.close();
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
} finally {
  server.kill();
}

/**
 * "Open run…" on a run folder, as a user picks it: from the click to the run's summary on screen
 * (`page_ms`), and the worker's own reading and parsing (`worker_ms`), with the page's longest main-thread
 * task while it opened (`longest_task_ms`: the page must not freeze).
 */
async function timeOpenRun(browser: Browser, url: string, folder: string) {
  const page = await browser.newPage();
  await page.goto(`${url}?steps=0&backend=wasm`);
  await page.waitForSelector('[data-testid="refinement-status"][data-state="done"]', { timeout: 120_000 });
  await page.evaluate(() => {
    const w = window as unknown as { longestTask: number };
    w.longestTask = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longestTask = Math.max(w.longestTask, e.duration);
    }).observe({ type: 'longtask' });
  });
  await page.getByTestId('open-run').click();
  const start = Date.now();
  await page.getByTestId('open-run-folder').setInputFiles(folder);
  const opened = page.getByTestId('opened-run');
  await opened.waitFor({ timeout: 600_000 });
  const result = {
    run: folder,
    page_ms: Date.now() - start,
    worker_ms: Number(await opened.getAttribute('data-open-ms')),
    queries: await page.getByTestId('query-row').count(),
    longest_task_ms: await page.evaluate(() => (window as unknown as { longestTask: number }).longestTask),
  };
  await page.close();
  return result;
}
